//! The webhook events an account's changes produce (SPEC §9). `data` of `request.*` is the
//! `GET /v1/requests/{id}` object, receipt included.

use assent_proto::api::Status;
use assent_proto::b64u;
use assent_receipt::Jwk;
use assent_webhook::{Event, EventType};
use serde_json::json;

use super::activation::Finished;
use super::record::AccountRecord;
use super::requests::{Final, view};
use crate::webhooks;

/// `request.approved` / `denied` / `expired` / `cancelled` for each request made final.
pub fn finals(record: &AccountRecord, now: u64, finals: &[Final]) -> Vec<Event> {
    finals
        .iter()
        .filter_map(|f| {
            let event_type = match f.status {
                Status::Approved => EventType::RequestApproved,
                Status::Denied => EventType::RequestDenied,
                Status::Expired => EventType::RequestExpired,
                Status::Cancelled => EventType::RequestCancelled,
                Status::Pending => return None,
            };
            let v = view(record, record.rules.view(now, &f.request_id).ok()?);
            let data = v.into_status();
            webhooks::event(event_type, serde_json::to_value(data).ok()?)
        })
        .collect()
}

/// `activation.completed`, with what an RP keeps to verify receipts on its own (SPEC §8).
pub fn activation_completed(record: &AccountRecord, finished: &Finished) -> Option<Event> {
    let keys = record.devices.get(&finished.device_id)?;
    let public_key = b64u::decode(&keys.public_key).ok()?;
    let jwk = Jwk::from_uncompressed(&public_key).ok()?;
    webhooks::event(
        EventType::ActivationCompleted,
        json!({
            "activation_id": finished.activation_id,
            "user_id": record.user_id,
            "device_id": finished.device_id,
            "credential_id": keys.credential_id,
            "public_key": jwk.to_value(),
            "push": keys.subscription.is_some(),
        }),
    )
}

fn device_event(record: &AccountRecord, event_type: EventType, device_id: &str) -> Option<Event> {
    webhooks::event(
        event_type,
        json!({ "user_id": record.user_id, "device_id": device_id }),
    )
}

/// `device.locked` for each device a decision locked.
pub fn devices_locked(record: &AccountRecord, device_ids: &[String]) -> Vec<Event> {
    device_ids
        .iter()
        .filter_map(|id| device_event(record, EventType::DeviceLocked, id))
        .collect()
}

/// `device.push_gone`: the push service answered 404/410; the device is poll-only.
pub fn push_gone(record: &AccountRecord, device_id: &str) -> Option<Event> {
    device_event(record, EventType::DevicePushGone, device_id)
}

/// `device.removed`: by the RP, or deactivated from the device.
pub fn device_removed(record: &AccountRecord, device_id: &str) -> Option<Event> {
    device_event(record, EventType::DeviceRemoved, device_id)
}
