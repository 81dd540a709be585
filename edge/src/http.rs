//! HTTP plumbing shared by every route: the SPEC §11 error answer, JSON bodies with the
//! SPEC §10 limits (16 KiB, JSON only, unknown members rejected), JSON responses.

use assent_proto::api::{Bounds, ErrorBody, ErrorCode, Validate, parse_valid};
use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Headers, Request, Response};

/// SPEC §10: request bodies are at most 16 KiB.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// An answer that is not a success: a SPEC §11 error, optionally with `Retry-After`.
#[derive(Debug)]
pub struct Failure {
    pub body: ErrorBody,
    pub retry_after: Option<u64>,
    /// Headers HTTP requires with some statuses (`Allow` on 405, `WWW-Authenticate` on 401).
    pub headers: Vec<(&'static str, String)>,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            body: ErrorBody::new(code, message),
            retry_after: None,
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// An unexpected failure of the platform (storage, bindings): logged in full, answered
    /// as `500 internal` without details.
    pub fn internal(context: &str, error: impl core::fmt::Display) -> Self {
        worker::console_error!("{context}: {error}");
        Self::new(ErrorCode::Internal, "internal error")
    }

    pub fn into_response(self) -> worker::Result<Response> {
        let status = self.body.http_status();
        let mut response = json_response(&self.body, status)?;
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .set("Retry-After", &seconds.to_string())?;
        }
        for (name, value) in &self.headers {
            response.headers_mut().set(name, value)?;
        }
        // RFC 9110 §11.6.1: a 401 names its scheme. Every credential here is a bearer token.
        if status == 401 {
            response
                .headers_mut()
                .set("WWW-Authenticate", "Bearer realm=\"assent\"")?;
        }
        Ok(response)
    }
}

impl From<ErrorBody> for Failure {
    fn from(body: ErrorBody) -> Self {
        Self {
            body,
            retry_after: None,
            headers: Vec::new(),
        }
    }
}

impl From<worker::Error> for Failure {
    fn from(error: worker::Error) -> Self {
        Self::internal("worker", error)
    }
}

/// The result of a route.
pub type Answer = Result<Response, Failure>;

/// Serializes `value` as the JSON answer with `status`; never cached (SPEC state changes).
pub fn json_response<T: Serialize>(value: &T, status: u16) -> worker::Result<Response> {
    let body = serde_json::to_vec(value)?;
    let headers = Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    // RFC 9110 §6.6.1 (and the PWA's measure of the edge's clock).
    headers.set(
        "Date",
        &assent_proto::http_date::imf_fixdate(crate::clock::now()),
    )?;
    Ok(Response::from_bytes(body)?
        .with_status(status)
        .with_headers(headers))
}

/// `200` with `value`.
pub fn ok<T: Serialize>(value: &T) -> Answer {
    Ok(json_response(value, 200)?)
}

/// `201` with `value`.
pub fn created<T: Serialize>(value: &T) -> Answer {
    Ok(json_response(value, 201)?)
}

/// Reads the body bytes after the SPEC §10 checks: `Content-Type: application/json`
/// (415 otherwise) and at most [`MAX_BODY_BYTES`] (413 otherwise).
pub async fn body_bytes(req: &mut Request) -> Result<Vec<u8>, Failure> {
    let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media_type != "application/json" {
        return Err(Failure::new(
            ErrorCode::UnsupportedMediaType,
            "the body must be JSON (Content-Type: application/json)",
        ));
    }
    let too_large = || {
        Failure::new(
            ErrorCode::PayloadTooLarge,
            format!("the body must be at most {MAX_BODY_BYTES} bytes"),
        )
    };
    // Refuse a declared oversize body before reading it.
    if let Some(length) = req.headers().get("Content-Length")?
        && length.parse::<usize>().map_or(true, |n| n > MAX_BODY_BYTES)
    {
        return Err(too_large());
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A JSON body of type `T`, validated against `bounds`.
pub async fn read_valid<T: DeserializeOwned + Serialize + Validate>(
    req: &mut Request,
    bounds: &Bounds,
) -> Result<T, Failure> {
    let bytes = body_bytes(req).await?;
    Ok(parse_valid(&bytes, bounds)?)
}
