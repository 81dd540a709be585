//! Who is calling: an RP by its API key (SPEC §5, `Authorization: Bearer`), compared as
//! SHA-256 digests in constant time by `assent-config`.

use assent_config::{Config, RpConfig};
use assent_proto::api::ErrorCode;
use worker::Request;

use crate::http::Failure;

/// The RP whose API key the request presents, or `401 unauthorized`.
pub fn rp<'c>(req: &Request, config: &'c Config) -> Result<&'c RpConfig, Failure> {
    let header = req.headers().get("Authorization")?.unwrap_or_default();
    let key = bearer(&header).ok_or_else(|| {
        Failure::new(
            ErrorCode::Unauthorized,
            "send the RP API key as `Authorization: Bearer <key>`",
        )
    })?;
    config
        .rp_by_api_key(key)
        .ok_or_else(|| Failure::new(ErrorCode::Unauthorized, "unknown API key"))
}

/// The token of `Bearer <token>` (scheme case-insensitive, RFC 9110 §11.1).
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
