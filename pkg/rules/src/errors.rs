//! Refusals, one enum per operation, each variant one failed check, each mapping to exactly
//! one SPEC §11 error code. A refusal never changes the state ("a rejected call changes
//! nothing", §11).

use core::fmt;

use crate::model::Status;

/// The SPEC §11 error codes the rules can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiCode {
    /// `invalid_request` 400: the message names the field.
    InvalidRequest,
    /// `forbidden` 403.
    Forbidden,
    /// `not_found` 404.
    NotFound,
    /// `already_decided` 409.
    AlreadyDecided,
    /// `expired` 410.
    Expired,
    /// `no_devices` 422.
    NoDevices,
    /// `rate_limited` 429.
    RateLimited,
    /// `account_frozen` 429.
    AccountFrozen,
    /// `internal` 500: the caller broke a precondition (e.g. reused an id).
    Internal,
}

impl ApiCode {
    /// The `error.code` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::AlreadyDecided => "already_decided",
            Self::Expired => "expired",
            Self::NoDevices => "no_devices",
            Self::RateLimited => "rate_limited",
            Self::AccountFrozen => "account_frozen",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidRequest => 400,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::AlreadyDecided => 409,
            Self::Expired => 410,
            Self::NoDevices => 422,
            Self::RateLimited | Self::AccountFrozen => 429,
            Self::Internal => 500,
        }
    }
}

/// What the edge needs to answer a refusal: `{"error": {"code", "message"}}` with the HTTP
/// status, the message being the error's `Display`, plus `Retry-After` for 429s.
pub trait ApiError: std::error::Error {
    /// The SPEC §11 code.
    fn api_code(&self) -> ApiCode;

    /// Seconds for a `Retry-After` header (429s only).
    fn retry_after(&self) -> Option<u64> {
        None
    }

    /// The `error.code` string.
    fn code(&self) -> &'static str {
        self.api_code().as_str()
    }

    /// The HTTP status.
    fn http_status(&self) -> u16 {
        self.api_code().http_status()
    }
}

/// Why `create_request` refused (checked in this order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateError {
    /// A fraud report froze the account (SPEC §10).
    AccountFrozen {
        /// When the freeze ends.
        until: u64,
        /// `until - now`, at least 1.
        retry_after: u64,
    },
    /// `ttl_seconds` is outside the RP's bounds.
    TtlOutOfRange {
        /// The value asked for.
        ttl_seconds: u32,
        /// The smallest accepted.
        min: u32,
        /// The largest accepted.
        max: u32,
    },
    /// The account already created `requests_per_10_min` requests in the last 600 s.
    RateLimited {
        /// Seconds until enough counted creations leave the window, at least 1.
        retry_after: u64,
    },
    /// The account has no unlocked device to ask.
    NoDevices,
    /// The caller passed a request id the account already holds (ids must be fresh random).
    RequestIdTaken,
    /// The caller passed a binding code that is not two ASCII digits.
    MalformedBindingCode,
}

impl fmt::Display for CreateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AccountFrozen { retry_after, .. } => write!(
                f,
                "new requests for this account are frozen after a fraud report; retry in {retry_after} s"
            ),
            Self::TtlOutOfRange { min, max, .. } => {
                write!(f, "ttl_seconds must be between {min} and {max}")
            }
            Self::RateLimited { retry_after } => write!(
                f,
                "too many requests for this account; retry in {retry_after} s"
            ),
            Self::NoDevices => f.write_str("the user has no active device"),
            Self::RequestIdTaken => f.write_str("request id already in use"),
            Self::MalformedBindingCode => f.write_str("binding code is not two digits"),
        }
    }
}

impl std::error::Error for CreateError {}

impl ApiError for CreateError {
    fn api_code(&self) -> ApiCode {
        match self {
            Self::AccountFrozen { .. } => ApiCode::AccountFrozen,
            Self::TtlOutOfRange { .. } => ApiCode::InvalidRequest,
            Self::RateLimited { .. } => ApiCode::RateLimited,
            Self::NoDevices => ApiCode::NoDevices,
            Self::RequestIdTaken | Self::MalformedBindingCode => ApiCode::Internal,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::AccountFrozen { retry_after, .. } | Self::RateLimited { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }
}

/// Why `decide` refused (checked in this order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecideError {
    /// The device is not (or no longer) one of the account's.
    DeviceNotFound,
    /// The device is locked after too many failed decisions.
    DeviceLocked,
    /// The request is not one of the account's.
    RequestNotFound,
    /// The request already has its final status (other than `expired`).
    AlreadyDecided {
        /// That status.
        status: Status,
    },
    /// The request expired (recorded, or pending at or past `expires_at`).
    Expired,
    /// A binding code came with a request that has no number matching.
    UnexpectedBindingCode,
}

impl fmt::Display for DecideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DeviceNotFound => f.write_str("device not found"),
            Self::DeviceLocked => f.write_str("device locked"),
            Self::RequestNotFound => f.write_str("request not found"),
            Self::AlreadyDecided { status } => {
                write!(f, "request is already {}", status.as_str())
            }
            Self::Expired => f.write_str("request expired"),
            Self::UnexpectedBindingCode => {
                f.write_str("binding_code given for a request without number matching")
            }
        }
    }
}

impl std::error::Error for DecideError {}

impl ApiError for DecideError {
    fn api_code(&self) -> ApiCode {
        match self {
            Self::DeviceNotFound | Self::RequestNotFound => ApiCode::NotFound,
            Self::DeviceLocked => ApiCode::Forbidden,
            Self::AlreadyDecided { .. } => ApiCode::AlreadyDecided,
            Self::Expired => ApiCode::Expired,
            Self::UnexpectedBindingCode => ApiCode::InvalidRequest,
        }
    }
}

/// Why `cancel` refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelError {
    /// The request is not one of the account's.
    NotFound,
    /// The request is final, expired included (SPEC §5: "`409` when already final").
    AlreadyFinal {
        /// Its effective status.
        status: Status,
    },
}

impl fmt::Display for CancelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("request not found"),
            Self::AlreadyFinal { status } => write!(f, "request is already {}", status.as_str()),
        }
    }
}

impl std::error::Error for CancelError {}

impl ApiError for CancelError {
    fn api_code(&self) -> ApiCode {
        match self {
            Self::NotFound => ApiCode::NotFound,
            Self::AlreadyFinal { .. } => ApiCode::AlreadyDecided,
        }
    }
}

/// Why `view` refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewError {
    /// The request is not one of the account's (or was pruned).
    NotFound,
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("request not found"),
        }
    }
}

impl std::error::Error for ViewError {}

impl ApiError for ViewError {
    fn api_code(&self) -> ApiCode {
        match self {
            Self::NotFound => ApiCode::NotFound,
        }
    }
}

/// Why a device operation refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceError {
    /// The device is not one of the account's.
    NotFound,
    /// The device is locked (only removal ends that).
    Locked,
    /// The caller passed a device id the account already holds (ids must be fresh random).
    IdTaken,
    /// A push registration whose `seq` is not above the last accepted one (a replay or a
    /// reordered update).
    StaleSeq {
        /// The `seq` offered.
        seq: u64,
        /// The last accepted `seq`.
        current: u64,
    },
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("device not found"),
            Self::Locked => f.write_str("device locked"),
            Self::IdTaken => f.write_str("device id already in use"),
            Self::StaleSeq { current, .. } => write!(f, "seq must be greater than {current}"),
        }
    }
}

impl std::error::Error for DeviceError {}

impl ApiError for DeviceError {
    fn api_code(&self) -> ApiCode {
        match self {
            Self::NotFound => ApiCode::NotFound,
            Self::Locked => ApiCode::Forbidden,
            Self::IdTaken => ApiCode::Internal,
            Self::StaleSeq { .. } => ApiCode::InvalidRequest,
        }
    }
}
