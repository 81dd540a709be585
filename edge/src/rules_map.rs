//! The state machine's refusals (`pkg/rules`) as SPEC §11 answers. Statuses, reasons and
//! kinds need no mapping: `pkg/rules` uses the protocol's own types.

use assent_proto::api::ErrorCode;
use assent_rules::{ApiCode, ApiError};

use crate::http::Failure;

/// A refusal of the state machine as its SPEC §11 answer (with `Retry-After` for 429s).
pub fn refusal(error: &impl ApiError) -> Failure {
    let code = match error.api_code() {
        ApiCode::InvalidRequest => ErrorCode::InvalidRequest,
        ApiCode::Forbidden => ErrorCode::Forbidden,
        ApiCode::NotFound => ErrorCode::NotFound,
        ApiCode::AlreadyDecided => ErrorCode::AlreadyDecided,
        ApiCode::Expired => ErrorCode::Expired,
        ApiCode::NoDevices => ErrorCode::NoDevices,
        ApiCode::RateLimited => ErrorCode::RateLimited,
        ApiCode::AccountFrozen => ErrorCode::AccountFrozen,
        ApiCode::Internal => return Failure::internal("rules", error),
    };
    let failure = Failure::new(code, error.to_string());
    match error.retry_after() {
        Some(seconds) => failure.with_retry_after(seconds),
        None => failure,
    }
}
