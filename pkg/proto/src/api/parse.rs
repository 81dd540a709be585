//! From body bytes to a checked request body, with the SPEC §11 code for each failure.

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::errors::{ErrorBody, ErrorCode};
use super::validate::{Bounds, Validate};

/// Parses a JSON body. Bytes that are not JSON (bad syntax, truncated, not UTF-8) are
/// `400 invalid_json`; JSON of the wrong shape (an unknown, missing or duplicated member, a
/// wrong type) is `400 invalid_request`, the message being serde's, which names the member
/// where it can (`unknown field `foo``, `missing field `kind``).
///
/// Body size (413) and content type (415) are checked by the caller before this.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ErrorBody> {
    serde_json::from_slice(body).map_err(|error| {
        let code = match error.classify() {
            Category::Data => ErrorCode::InvalidRequest,
            Category::Syntax | Category::Eof | Category::Io => ErrorCode::InvalidJson,
        };
        ErrorBody::new(code, error.to_string())
    })
}

/// [`parse_body`], then [`Validate::validate`] with `bounds`; a broken rule is
/// `400 invalid_request` naming the field.
pub fn parse_valid<T: DeserializeOwned + Validate>(
    body: &[u8],
    bounds: &Bounds,
) -> Result<T, ErrorBody> {
    let value: T = parse_body(body)?;
    value.validate(bounds)?;
    Ok(value)
}
