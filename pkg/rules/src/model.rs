//! The plain-data records an account's state is made of, and their wire spellings (SPEC §5).

use serde::{Deserialize, Serialize};

// The wire words are the protocol's own types: one spelling of each status, reason and kind
// for the state machine, the edge and the apps.
pub use assent_proto::api::{Reason, Status};
pub use assent_proto::content::Kind;

/// The push state of a device (SPEC §6, §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushState {
    /// A subscription is registered and was last seen working.
    Active,
    /// The push service answered 404/410: poll-only until the device re-registers.
    Gone,
    /// The device registered without a subscription (no push permission).
    None,
}

/// One request as the account's state holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// `login` or `sign`.
    pub kind: Kind,
    /// The stored status. A `Pending` record at or past `expires_at` is expired in effect
    /// (see [`RequestRecord::effective_status`]) until `expire_due` records it.
    pub status: Status,
    /// Why it was denied or cancelled; `None` for the other statuses.
    pub reason: Option<Reason>,
    /// Creation time (Unix seconds).
    pub created_at: u64,
    /// Expiry time (Unix seconds): decisions are accepted while `now < expires_at`.
    pub expires_at: u64,
    /// When a device decided it (`approved` / `denied` only).
    pub decided_at: Option<u64>,
    /// The device that decided it (`approved` / `denied` only).
    pub device_id: Option<String>,
    /// The 2-digit code the website shows, or `None` without number matching.
    pub binding_code: Option<String>,
}

impl RequestRecord {
    /// Pending and not yet at its expiry: the only state in which anything may change it.
    pub fn is_live(&self, now: u64) -> bool {
        self.status == Status::Pending && now < self.expires_at
    }

    /// The status an observer must be told: a pending request at or past its expiry reads as
    /// `expired` even before `expire_due` has recorded that.
    pub fn effective_status(&self, now: u64) -> Status {
        if self.status == Status::Pending && now >= self.expires_at {
            Status::Expired
        } else {
            self.status
        }
    }

    /// Whether the request asks for number matching.
    pub fn number_matching(&self) -> bool {
        self.binding_code.is_some()
    }
}

/// One device of the account as the rules see it (the credential and keys live elsewhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// Activation time (Unix seconds).
    pub created_at: u64,
    /// Failed decisions in a row (bad assertion, wrong binding code); reset by a good one.
    pub failed_decisions: u32,
    /// Locked after too many failed decisions; only removal ends it (SPEC §10).
    pub locked: bool,
    /// The push subscription's state.
    pub push: PushState,
    /// The `seq` of the last accepted push registration (strictly increasing, SPEC §7).
    pub push_seq: u64,
}

/// A request as `GET /v1/requests/{id}` and the status API present it: the effective status at
/// the time asked (SPEC §5, §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    /// The request id.
    pub request_id: String,
    /// `login` or `sign`.
    pub kind: Kind,
    /// The effective status.
    pub status: Status,
    /// Why it was denied or cancelled.
    pub reason: Option<Reason>,
    /// Creation time.
    pub created_at: u64,
    /// Expiry time.
    pub expires_at: u64,
    /// When a device decided it.
    pub decided_at: Option<u64>,
    /// The device that decided it.
    pub device_id: Option<String>,
    /// The code the website shows, if number matching is on.
    pub binding_code: Option<String>,
}

impl RequestView {
    pub(crate) fn of(now: u64, request_id: &str, record: &RequestRecord) -> Self {
        Self {
            request_id: request_id.to_owned(),
            kind: record.kind,
            status: record.effective_status(now),
            reason: record.reason,
            created_at: record.created_at,
            expires_at: record.expires_at,
            decided_at: record.decided_at,
            device_id: record.device_id.clone(),
            binding_code: record.binding_code.clone(),
        }
    }

    /// The widget's status object (`GET /v1/status/{id}`, SPEC §9).
    pub fn into_status_view(self) -> assent_proto::api::StatusView {
        assent_proto::api::StatusView {
            status: self.status,
            expires_at: self.expires_at,
            binding_code: self.binding_code,
            decided_at: self.decided_at,
            reason: self.reason,
        }
    }

    /// The RP's request status (`GET /v1/requests/{id}` and the `request.*` webhooks), with
    /// the receipt once a device decided.
    pub fn into_request_status(self, receipt: Option<String>) -> assent_proto::api::RequestStatus {
        assent_proto::api::RequestStatus {
            request_id: self.request_id,
            kind: self.kind,
            status: self.status,
            created_at: self.created_at,
            expires_at: self.expires_at,
            decided_at: self.decided_at,
            device_id: self.device_id,
            reason: self.reason,
            receipt,
        }
    }
}
