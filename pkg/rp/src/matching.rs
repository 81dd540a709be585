//! Is this receipt about the transaction the RP asked for? A valid receipt for *another*
//! request of the same RP — another user's login, yesterday's payment — verifies just as
//! well, so the RP compares it with what it sent and what the edge answered.

use assent_proto::api::{CreateRequest, Reason, RequestCreated, RequestStatus, Status};
use assent_proto::{Decision, DenyReason, Kind};

use crate::receipt::Receipt;

/// Which part of a receipt disagrees with what the RP asked. Each check has its own variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptMismatch {
    /// `jti` / `request.request_id` is another request's id.
    RequestId {
        /// The RP's request id.
        expected: String,
        /// The receipt's.
        found: String,
    },
    /// The content in the receipt does not hash to the `request_hash` the edge announced
    /// when the request was created: not the content the RP's request produced.
    RequestHash {
        /// `RequestCreated::request_hash`.
        expected: String,
        /// The hash recomputed from the receipt's content.
        found: String,
    },
    /// The receipt's content cannot be canonicalized (it cannot have been signed).
    Canonicalization,
    /// `request.created_at` differs.
    CreatedAt {
        /// The RP's.
        expected: u64,
        /// The receipt's.
        found: u64,
    },
    /// `request.expires_at` differs.
    ExpiresAt {
        /// The RP's.
        expected: u64,
        /// The receipt's.
        found: u64,
    },
    /// `request.expires_at - request.created_at` is not the `ttl_seconds` the RP asked for.
    Lifetime {
        /// The RP's `ttl_seconds`.
        expected: u64,
        /// The receipt's lifetime.
        found: u64,
    },
    /// `sub` / `request.user_id` is another account's.
    UserId {
        /// The RP's.
        expected: String,
        /// The receipt's.
        found: String,
    },
    /// `request.kind` differs (a login receipt offered for a payment, or the reverse).
    Kind {
        /// The RP's.
        expected: Kind,
        /// The receipt's.
        found: Kind,
    },
    /// `request.title` differs.
    Title,
    /// `request.context` differs.
    Context,
    /// `request.fields` differ: the user approved another transaction.
    Fields,
    /// Another device decided than the one the status names.
    DeviceId {
        /// The status's `device_id`.
        expected: String,
        /// The receipt's.
        found: String,
    },
    /// The receipt's decision does not give the request's status (e.g. `approved` with a
    /// receipt that says deny), or the status records no decision at all.
    Status {
        /// The request's status.
        status: Status,
        /// Its reason, if any.
        reason: Option<Reason>,
        /// The receipt's decision.
        decision: Decision,
    },
    /// The decision is `deny` ([`crate::Receipt::check_approves`]).
    NotApproved {
        /// Why the user denied.
        reason: Option<DenyReason>,
    },
    /// The binding code in the receipt is not the one the website showed (or one is
    /// present without number matching): the edge records this as `denied` /
    /// `binding_mismatch`.
    BindingCode,
}

impl core::fmt::Display for ReceiptMismatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::RequestId { expected, found } => {
                write!(f, "receipt is for request {found:?}, not {expected:?}")
            }
            Self::RequestHash { expected, found } => write!(
                f,
                "receipt content hashes to {found}, the request was created as {expected}"
            ),
            Self::Canonicalization => f.write_str("receipt content cannot be canonicalized"),
            Self::CreatedAt { expected, found } => {
                write!(f, "receipt created_at is {found}, expected {expected}")
            }
            Self::ExpiresAt { expected, found } => {
                write!(f, "receipt expires_at is {found}, expected {expected}")
            }
            Self::Lifetime { expected, found } => {
                write!(f, "receipt lifetime is {found} s, expected {expected} s")
            }
            Self::UserId { expected, found } => {
                write!(f, "receipt is for user {found:?}, not {expected:?}")
            }
            Self::Kind { expected, found } => write!(
                f,
                "receipt is for a {} request, not {}",
                found.as_str(),
                expected.as_str()
            ),
            Self::Title => f.write_str("receipt title differs from the request's"),
            Self::Context => f.write_str("receipt context differs from the request's"),
            Self::Fields => f.write_str("receipt fields differ from the request's"),
            Self::DeviceId { expected, found } => {
                write!(f, "receipt is from device {found:?}, not {expected:?}")
            }
            Self::Status {
                status,
                reason,
                decision,
            } => {
                write!(f, "receipt decision {} ", decision.as_str())?;
                write!(f, "does not give status {}", status.as_str())?;
                match reason {
                    Some(r) => write!(f, " / {}", r.as_str()),
                    None => Ok(()),
                }
            }
            Self::NotApproved { reason } => match reason {
                Some(r) => write!(f, "the user denied ({})", r.as_str()),
                None => f.write_str("the user denied"),
            },
            Self::BindingCode => {
                f.write_str("receipt binding code is not the one the website showed")
            }
        }
    }
}

impl std::error::Error for ReceiptMismatch {}

/// `jti` and `request.request_id` both name `expected`.
fn same_request_id(receipt: &Receipt, expected: &str) -> Result<(), ReceiptMismatch> {
    if receipt.request_id() != expected || receipt.request().request_id != expected {
        return Err(ReceiptMismatch::RequestId {
            expected: expected.to_owned(),
            found: receipt.request_id().to_owned(),
        });
    }
    Ok(())
}

fn same_kind(receipt: &Receipt, expected: Kind) -> Result<(), ReceiptMismatch> {
    let found = receipt.request().kind;
    if found != expected {
        return Err(ReceiptMismatch::Kind { expected, found });
    }
    Ok(())
}

fn same_times(receipt: &Receipt, created_at: u64, expires_at: u64) -> Result<(), ReceiptMismatch> {
    let content = receipt.request();
    if content.created_at != created_at {
        return Err(ReceiptMismatch::CreatedAt {
            expected: created_at,
            found: content.created_at,
        });
    }
    if content.expires_at != expires_at {
        return Err(ReceiptMismatch::ExpiresAt {
            expected: expires_at,
            found: content.expires_at,
        });
    }
    Ok(())
}

/// Something the RP holds that a receipt must agree with.
pub trait ReceiptExpectation {
    /// `Ok` when `receipt` agrees with `self`; else the first member that does not.
    fn check(&self, receipt: &Receipt) -> Result<(), ReceiptMismatch>;
}

/// The edge's answer to `POST /v1/requests`: the request id, and `request_hash`, which
/// binds every member of the content (rp, user, kind, title, context, fields, times), so
/// the receipt's content must hash to it.
impl ReceiptExpectation for RequestCreated {
    fn check(&self, receipt: &Receipt) -> Result<(), ReceiptMismatch> {
        let content = receipt.request();
        same_request_id(receipt, &self.request_id)?;
        let hash = content
            .request_hash()
            .map_err(|_| ReceiptMismatch::Canonicalization)?;
        if hash != self.request_hash {
            return Err(ReceiptMismatch::RequestHash {
                expected: self.request_hash.clone(),
                found: hash,
            });
        }
        same_times(receipt, self.created_at, self.expires_at)?;
        Ok(())
    }
}

/// The body the RP sent to `POST /v1/requests`: user, kind, title, context (an empty
/// object is the same as none), fields, and the lifetime when `ttl_seconds` was given. It
/// has no request id: check [`RequestCreated`] too.
impl ReceiptExpectation for CreateRequest {
    fn check(&self, receipt: &Receipt) -> Result<(), ReceiptMismatch> {
        let content = receipt.request();
        if receipt.user_id() != self.user_id || content.user_id != self.user_id {
            return Err(ReceiptMismatch::UserId {
                expected: self.user_id.clone(),
                found: receipt.user_id().to_owned(),
            });
        }
        same_kind(receipt, self.kind)?;
        if content.title != self.title {
            return Err(ReceiptMismatch::Title);
        }
        let context = self.context.clone().filter(|c| !c.is_empty());
        if content.context != context {
            return Err(ReceiptMismatch::Context);
        }
        if content.fields != self.fields {
            return Err(ReceiptMismatch::Fields);
        }
        if let Some(ttl) = self.ttl_seconds {
            let lifetime = content.expires_at.saturating_sub(content.created_at);
            if lifetime != u64::from(ttl) {
                return Err(ReceiptMismatch::Lifetime {
                    expected: u64::from(ttl),
                    found: lifetime,
                });
            }
        }
        Ok(())
    }
}

/// `GET /v1/requests/{request_id}` (or a `request.*` webhook's data): id, kind, times, the
/// deciding device, and a decision that gives the status — `approved` from approve,
/// `denied` / `rejected` from deny without a reason or with `rejected`, `denied` / `fraud`
/// from deny with `fraud`, `denied` / `binding_mismatch` from approve (with a wrong code). Any other status records no
/// decision, so no receipt can match it.
impl ReceiptExpectation for RequestStatus {
    fn check(&self, receipt: &Receipt) -> Result<(), ReceiptMismatch> {
        same_request_id(receipt, &self.request_id)?;
        same_kind(receipt, self.kind)?;
        same_times(receipt, self.created_at, self.expires_at)?;
        if let Some(device_id) = &self.device_id
            && receipt.device_id() != device_id
        {
            return Err(ReceiptMismatch::DeviceId {
                expected: device_id.clone(),
                found: receipt.device_id().to_owned(),
            });
        }
        let gives_status = match (self.status, self.reason, receipt.decision()) {
            (Status::Approved, None, Decision::Approve)
            | (Status::Denied, Some(Reason::BindingMismatch), Decision::Approve) => {
                receipt.reason().is_none()
            }
            // A deny without a reason is recorded as `rejected` (the edge's rule).
            (Status::Denied, Some(Reason::Rejected), Decision::Deny) => {
                matches!(receipt.reason(), None | Some(DenyReason::Rejected))
            }
            (Status::Denied, Some(Reason::Fraud), Decision::Deny) => {
                receipt.reason() == Some(DenyReason::Fraud)
            }
            _ => false,
        };
        if !gives_status {
            return Err(ReceiptMismatch::Status {
                status: self.status,
                reason: self.reason,
                decision: receipt.decision(),
            });
        }
        Ok(())
    }
}
