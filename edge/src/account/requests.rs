//! Requests inside the account object (SPEC §5, §10): creation under the abuse rules, the
//! one status, views for the RP and the widget.

use assent_proto::api::{Reason, Status};
use assent_proto::content::Kind;
use assent_rules::{Effect, NewRequest, RequestView};
use serde::{Deserialize, Serialize};

use super::record::AccountRecord;
use crate::http::Failure;
use crate::rules_map;

/// `CreateRequest`, as the Worker prepared it (content already in KV).
#[derive(Debug, Serialize, Deserialize)]
pub struct Create {
    pub now: u64,
    pub request_id: String,
    pub kind: Kind,
    pub ttl_seconds: u32,
    pub binding_code: Option<String>,
    /// SHA-256 of the widget's status token, b64u.
    pub status_token_sha256: String,
    pub limits: assent_rules::Limits,
}

/// A push to send for a new request.
#[derive(Debug, Serialize, Deserialize)]
pub struct PushJob {
    pub device_id: String,
    pub push_seq: u64,
    /// PushSubscriptionJSON, validated at registration.
    pub subscription: String,
}

/// A request that became final (for webhooks and the widget).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Final {
    pub request_id: String,
    pub status: Status,
    pub reason: Option<Reason>,
}

/// A request's state as the wire shows it: the rules' view and the receipt, if decided.
#[derive(Debug, Serialize, Deserialize)]
pub struct View {
    #[serde(flatten)]
    pub request: RequestView,
    pub receipt: Option<String>,
}

/// The answer to `CreateRequest`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Created {
    pub view: View,
    pub devices: usize,
    pub pushes: Vec<PushJob>,
    pub finals: Vec<Final>,
}

impl View {
    /// As `GET /v1/requests/{id}` and the `request.*` webhooks carry it.
    pub fn into_status(self) -> assent_proto::api::RequestStatus {
        self.request.into_request_status(self.receipt)
    }
}

pub fn view(record: &AccountRecord, request: RequestView) -> View {
    View {
        receipt: record.receipts.get(&request.request_id).cloned(),
        request,
    }
}

/// The requests that became final among `effects`.
pub fn finals(effects: &[Effect]) -> Vec<Final> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RequestFinal {
                request_id,
                status,
                reason,
            } => Some(Final {
                request_id: request_id.clone(),
                status: *status,
                reason: *reason,
            }),
            _ => None,
        })
        .collect()
}

pub fn create(record: &mut AccountRecord, c: Create) -> Result<Created, Failure> {
    let created = record
        .rules
        .create_request(
            c.now,
            NewRequest {
                request_id: c.request_id.clone(),
                kind: c.kind,
                ttl_seconds: Some(c.ttl_seconds),
                binding_code: c.binding_code,
            },
            &c.limits,
        )
        .map_err(|e| rules_map::refusal(&e))?;
    record
        .status_tokens
        .insert(c.request_id, c.status_token_sha256);
    let pushes = created
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::SendPush {
                device_id,
                push_seq,
                ..
            } => record.devices.get(device_id).and_then(|d| {
                d.subscription.clone().map(|subscription| PushJob {
                    device_id: device_id.clone(),
                    push_seq: *push_seq,
                    subscription,
                })
            }),
            _ => None,
        })
        .collect();
    Ok(Created {
        finals: finals(&created.effects),
        view: view(record, created.request),
        devices: created.devices,
        pushes,
    })
}
