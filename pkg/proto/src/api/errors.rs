//! The error answer of every endpoint: `{"error": {"code", "message"}}` with its HTTP status
//! (SPEC §11).

use core::fmt;

use serde::{Deserialize, Serialize};

use super::validate::FieldError;

/// Every SPEC §11 error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// `invalid_json` 400: the body is not JSON.
    InvalidJson,
    /// `invalid_request` 400: well-formed JSON that breaks a rule; the message names the field.
    InvalidRequest,
    /// `unauthorized` 401: missing or wrong API key or status token.
    Unauthorized,
    /// `forbidden` 403.
    Forbidden,
    /// `not_found` 404.
    NotFound,
    /// `method_not_allowed` 405.
    MethodNotAllowed,
    /// `already_decided` 409: the request's status is already final.
    AlreadyDecided,
    /// `expired` 410.
    Expired,
    /// `payload_too_large` 413: the body exceeds 16 KiB (SPEC §10).
    PayloadTooLarge,
    /// `unsupported_media_type` 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// `no_devices` 422: the account has no active device.
    NoDevices,
    /// `invalid_attestation` 422: the WebAuthn registration does not verify.
    InvalidAttestation,
    /// `invalid_assertion` 422: the WebAuthn assertion does not verify.
    InvalidAssertion,
    /// `rate_limited` 429 (with `Retry-After`).
    RateLimited,
    /// `account_frozen` 429: a fraud report froze new requests (with `Retry-After`).
    AccountFrozen,
    /// `internal` 500.
    Internal,
}

impl ErrorCode {
    /// Every code, in SPEC §11 order.
    pub const ALL: [Self; 16] = [
        Self::InvalidJson,
        Self::InvalidRequest,
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::AlreadyDecided,
        Self::Expired,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::NoDevices,
        Self::InvalidAttestation,
        Self::InvalidAssertion,
        Self::RateLimited,
        Self::AccountFrozen,
        Self::Internal,
    ];

    /// The `error.code` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::InvalidRequest => "invalid_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::AlreadyDecided => "already_decided",
            Self::Expired => "expired",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::NoDevices => "no_devices",
            Self::InvalidAttestation => "invalid_attestation",
            Self::InvalidAssertion => "invalid_assertion",
            Self::RateLimited => "rate_limited",
            Self::AccountFrozen => "account_frozen",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidJson | Self::InvalidRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::AlreadyDecided => 409,
            Self::Expired => 410,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::NoDevices | Self::InvalidAttestation | Self::InvalidAssertion => 422,
            Self::RateLimited | Self::AccountFrozen => 429,
            Self::Internal => 500,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error answer: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The `error` member of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// The machine-readable code.
    pub code: ErrorCode,
    /// A human-readable explanation, never a stack trace.
    pub message: String,
}

impl ErrorBody {
    /// An error answer with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code,
                message: message.into(),
            },
        }
    }

    /// The HTTP status to answer with.
    pub fn http_status(&self) -> u16 {
        self.error.code.http_status()
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error.code, self.error.message)
    }
}

impl std::error::Error for ErrorBody {}

impl From<FieldError> for ErrorBody {
    /// `400 invalid_request`, the message naming the field.
    fn from(error: FieldError) -> Self {
        Self::new(ErrorCode::InvalidRequest, error.to_string())
    }
}
