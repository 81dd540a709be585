//! From body bytes to a checked request body, with the SPEC §11 code for each failure.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::{ErrorBody, ErrorCode};
use super::validate::{Bounds, Validate};

/// Parses a JSON body. Bytes that are not JSON (bad syntax, truncated, not UTF-8) are
/// `400 invalid_json`; JSON of the wrong shape (an unknown, missing or duplicated member, a
/// wrong type) is `400 invalid_request`, the message being serde's, which names the member
/// where it can (`unknown field `foo``, `missing field `kind``).
///
/// Body size (413) and content type (415) are checked by the caller before this.
pub fn parse_body<T: DeserializeOwned + Serialize>(body: &[u8]) -> Result<T, ErrorBody> {
    // Two steps, so the code says what is wrong: bytes that are not JSON at all, then JSON of
    // the wrong shape (serde_json would call `"kind": 1` a syntax error when read directly).
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ErrorBody::new(ErrorCode::InvalidJson, e.to_string()))?;
    // Read from the bytes again (not from `value`), so a duplicated member is refused rather
    // than silently resolved to its last occurrence.
    let parsed: T = serde_json::from_slice(body)
        .map_err(|e| ErrorBody::new(ErrorCode::InvalidRequest, e.to_string()))?;
    // serde's derived structs also accept a JSON array in member order; the wire format is
    // objects only, so an array where the type has an object is refused.
    let shape = serde_json::to_value(&parsed)
        .map_err(|e| ErrorBody::new(ErrorCode::InvalidRequest, e.to_string()))?;
    if let Some(path) = array_for_object(&value, &shape, String::new()) {
        let at = if path.is_empty() {
            "the body".to_owned()
        } else {
            format!("`{path}`")
        };
        return Err(ErrorBody::new(
            ErrorCode::InvalidRequest,
            format!("{at} must be a JSON object, not an array"),
        ));
    }
    Ok(parsed)
}

/// The path of the first place where `input` has an array and the parsed value (serialized
/// back) an object.
fn array_for_object(input: &Value, shape: &Value, path: String) -> Option<String> {
    match (input, shape) {
        (Value::Array(_), Value::Object(_)) => Some(path),
        (Value::Object(i), Value::Object(o)) => o.iter().find_map(|(k, v)| {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            i.get(k).and_then(|iv| array_for_object(iv, v, child))
        }),
        (Value::Array(i), Value::Array(o)) => i
            .iter()
            .zip(o)
            .enumerate()
            .find_map(|(n, (iv, ov))| array_for_object(iv, ov, format!("{path}[{n}]"))),
        _ => None,
    }
}

/// [`parse_body`], then [`Validate::validate`] with `bounds`; a broken rule is
/// `400 invalid_request` naming the field.
pub fn parse_valid<T: DeserializeOwned + Serialize + Validate>(
    body: &[u8],
    bounds: &Bounds,
) -> Result<T, ErrorBody> {
    let value: T = parse_body(body)?;
    value.validate(bounds)?;
    Ok(value)
}
