//! Between `pkg/rules` (the state machine's own types) and `proto::api` (the wire): the
//! spellings are the SPEC's on both sides; here they meet without a string round trip.

use assent_proto::api::{ErrorCode, Reason, Status};
use assent_proto::content::Kind;
use assent_rules::{ApiCode, ApiError};

use crate::http::Failure;

pub fn status(s: assent_rules::Status) -> Status {
    match s {
        assent_rules::Status::Pending => Status::Pending,
        assent_rules::Status::Approved => Status::Approved,
        assent_rules::Status::Denied => Status::Denied,
        assent_rules::Status::Expired => Status::Expired,
        assent_rules::Status::Cancelled => Status::Cancelled,
    }
}

pub fn reason(r: assent_rules::Reason) -> Reason {
    match r {
        assent_rules::Reason::Rejected => Reason::Rejected,
        assent_rules::Reason::Fraud => Reason::Fraud,
        assent_rules::Reason::BindingMismatch => Reason::BindingMismatch,
        assent_rules::Reason::Rp => Reason::Rp,
        assent_rules::Reason::Superseded => Reason::Superseded,
    }
}

pub fn kind(k: assent_rules::Kind) -> Kind {
    match k {
        assent_rules::Kind::Login => Kind::Login,
        assent_rules::Kind::Sign => Kind::Sign,
    }
}

pub fn rules_kind(k: Kind) -> assent_rules::Kind {
    match k {
        Kind::Login => assent_rules::Kind::Login,
        Kind::Sign => assent_rules::Kind::Sign,
    }
}

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
