//! What can go wrong building a call or reading its answer.

use assent_proto::api::{ErrorCode, FieldError};

use crate::origin::OriginError;

/// Most bytes in a request body the edge accepts (SPEC §10: 16 KiB, else `413`).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Longest body excerpt an [`RpError`] carries, in bytes.
pub const EXCERPT_BYTES: usize = 200;

/// Why a call could not be built, or why its answer is not the expected one. Each failed
/// check has its own variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpError {
    /// The edge origin given to [`crate::Edge::new`] is not one.
    EdgeOrigin(OriginError),
    /// The API key is empty or has a character that cannot go in an HTTP header
    /// (anything but visible ASCII).
    ApiKey,
    /// A member of the call breaks a SPEC rule; nothing was sent. For bodies, the
    /// `Display` is the message the edge would answer with in a `400 invalid_request`.
    Invalid(FieldError),
    /// The JSON body would exceed the edge's 16 KiB (SPEC §10), which answers `413`.
    BodyTooLarge {
        /// The encoded body's length.
        bytes: usize,
    },
    /// The body could not be encoded as JSON (plain data never fails; kept so nothing
    /// panics).
    Encode(String),
    /// The edge refused the call with a SPEC §11 error.
    Api {
        /// The HTTP status.
        status: u16,
        /// The machine-readable code.
        code: ErrorCode,
        /// The edge's message (for `invalid_request`, it names the field).
        message: String,
        /// `Retry-After` seconds, with `429 rate_limited` / `account_frozen`. Filled in when
        /// the answer's headers are available ([`crate::parse_response`], [`crate::Client`]);
        /// `None` from the `parse_*(status, body)` functions.
        retry_after: Option<u64>,
    },
    /// An error status without a SPEC §11 body (a proxy's or load balancer's page, an
    /// unknown code), or a success status other than the call's.
    UnexpectedStatus {
        /// The status received.
        status: u16,
        /// The success status the call answers with.
        expected: u16,
        /// The start of the body, lossily decoded, for the log.
        excerpt: String,
    },
    /// The success status, but the body is not the expected JSON.
    UnexpectedBody {
        /// The status received.
        status: u16,
        /// What is wrong with it (serde's message names the member).
        detail: String,
    },
}

impl RpError {
    /// The SPEC §11 code, for an [`RpError::Api`].
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// True when retrying the same call later may succeed: `429`, `500`, or a status from
    /// something in front of the edge (`502`, `503`, `504`). `4xx` answers other than `429`
    /// are final: the same call fails the same way.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { code, .. } => matches!(
                code,
                ErrorCode::RateLimited | ErrorCode::AccountFrozen | ErrorCode::Internal
            ),
            Self::UnexpectedStatus { status, .. } => matches!(status, 429 | 500..=599),
            _ => false,
        }
    }
}

impl core::fmt::Display for RpError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::EdgeOrigin(e) => write!(f, "{e}"),
            Self::ApiKey => f.write_str("API key is empty or not visible ASCII"),
            Self::Invalid(e) => write!(f, "{e}"),
            Self::BodyTooLarge { bytes } => write!(
                f,
                "the body is {bytes} bytes; the edge accepts at most {MAX_BODY_BYTES}"
            ),
            Self::Encode(detail) => write!(f, "the body cannot be encoded: {detail}"),
            Self::Api {
                status,
                code,
                message,
                retry_after,
            } => {
                write!(f, "edge answered {status} {code}: {message}")?;
                if let Some(seconds) = retry_after {
                    write!(f, " (retry after {seconds} s)")?;
                }
                Ok(())
            }
            Self::UnexpectedStatus {
                status,
                expected,
                excerpt,
            } => write!(
                f,
                "edge answered {status}, expected {expected}, without an Assent error body: {excerpt:?}"
            ),
            Self::UnexpectedBody { status, detail } => {
                write!(
                    f,
                    "edge answered {status} with an unexpected body: {detail}"
                )
            }
        }
    }
}

impl std::error::Error for RpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::EdgeOrigin(e) => Some(e),
            Self::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl From<FieldError> for RpError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e)
    }
}

impl From<OriginError> for RpError {
    fn from(e: OriginError) -> Self {
        Self::EdgeOrigin(e)
    }
}
