//! Opening what a device sealed (SPEC §3) and reading it with the same strict JSON rules as
//! a request body (objects only, no unknown or repeated members).

use assent_channel::{Channel, Purpose};
use assent_proto::api::{ErrorBody, ErrorCode, parse_body};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::http::Failure;

/// Opens `sealed` for `purpose` and parses it; `field` names the member in the error.
pub fn open<T: DeserializeOwned + Serialize>(
    channel: &Channel,
    purpose: Purpose,
    sealed: &str,
    field: &str,
) -> Result<T, Failure> {
    let plaintext = channel.open(purpose, sealed).map_err(|e| {
        Failure::new(
            ErrorCode::InvalidRequest,
            format!("{field}: does not open with this device's channel key ({e})"),
        )
    })?;
    parse_body(&plaintext).map_err(|e: ErrorBody| {
        Failure::new(
            ErrorCode::InvalidRequest,
            format!("{field}: {}", e.error.message),
        )
    })
}
