//! `GET /.well-known/jwks.json`: the receipt public key (SPEC §8), `kid` = its RFC 7638
//! thumbprint. Public and cacheable: RPs fetch it to verify receipts.

use worker::{Env, Response};

use crate::config;
use crate::http::{Answer, json_response};

pub fn jwks(env: &Env) -> Answer {
    let config = config::load(env)?;
    let mut response = json_response(&config.receipt_key().jwk_set(), 200)?;
    response
        .headers_mut()
        .set("Cache-Control", "public, max-age=300")?;
    Ok(add_cors_any(response)?)
}

/// Anyone may read the public key, from any origin.
fn add_cors_any(mut response: Response) -> worker::Result<Response> {
    response
        .headers_mut()
        .set("Access-Control-Allow-Origin", "*")?;
    Ok(response)
}
