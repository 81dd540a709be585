//! Device management inside the account object (SPEC §5, §7): push re-registration with a
//! strictly increasing `seq`, deactivation by the device, listing and removal by the RP.

use assent_channel::{Channel, Purpose};
use assent_config::Config;
use assent_proto::api::{
    Bounds, DeactivatePlaintext, DeviceInfo, ErrorBody, ErrorCode, PushPlaintext, Validate,
};
use assent_proto::b64u;
use assent_receipt::Jwk;
use assent_rules::{Effect, PushRegistration};
use assent_webpush::Subscription;

use super::record::AccountRecord;
use crate::http::Failure;
use crate::{rules_map, sealed};

fn channel(record: &AccountRecord, config: &Config, device_id: &str) -> Result<Channel, Failure> {
    let keys = record
        .devices
        .get(device_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such device"))?;
    let public =
        b64u::decode(&keys.channel_public_key).map_err(|e| Failure::internal("channel key", e))?;
    Channel::derive(config.channel_key(), &public, device_id)
        .map_err(|e| Failure::internal("channel", e))
}

/// `PUT /v1/device/{id}/push`: the sealed `{subscription, seq}`; a stale `seq` is refused.
pub fn set_push(
    record: &mut AccountRecord,
    config: &Config,
    device_id: &str,
    sealed: &str,
) -> Result<bool, Failure> {
    let plaintext: PushPlaintext = sealed::open(
        &channel(record, config, device_id)?,
        Purpose::Push,
        sealed,
        "sealed",
    )?;
    plaintext
        .validate(&Bounds::default())
        .map_err(|e| Failure::from(ErrorBody::from(e)))?;
    let subscription = plaintext
        .subscription
        .map(|s| Subscription::from_json(&s.to_string(), config.allow_loopback_push()))
        .transpose()
        .map_err(|e| Failure::new(ErrorCode::InvalidRequest, format!("subscription: {e}")))?;
    record
        .rules
        .set_push(
            device_id,
            PushRegistration {
                seq: plaintext.seq,
                subscribed: subscription.is_some(),
            },
        )
        .map_err(|e| rules_map::refusal(&e))?;
    let push = subscription.is_some();
    if let Some(keys) = record.devices.get_mut(device_id) {
        keys.subscription = subscription.map(|s| s.to_json());
    }
    Ok(push)
}

/// `POST /v1/device/{id}/deactivate`: the sealed `{ts}` within 5 minutes of now.
pub fn deactivate(
    record: &mut AccountRecord,
    config: &Config,
    device_id: &str,
    sealed: &str,
    now: u64,
) -> Result<Vec<Effect>, Failure> {
    let plaintext: DeactivatePlaintext = sealed::open(
        &channel(record, config, device_id)?,
        Purpose::Deactivate,
        sealed,
        "sealed",
    )?;
    if !plaintext.is_fresh(now) {
        return Err(Failure::new(
            ErrorCode::InvalidRequest,
            "sealed: `ts` must be within 5 minutes of the edge's clock",
        ));
    }
    remove(record, device_id)
}

/// Removes a device (by the RP, or deactivated by itself): it can decide nothing any more.
pub fn remove(record: &mut AccountRecord, device_id: &str) -> Result<Vec<Effect>, Failure> {
    let effects = record
        .rules
        .remove_device(device_id)
        .map_err(|e| rules_map::refusal(&e))?;
    record.devices.remove(device_id);
    Ok(effects)
}

/// `GET /v1/users/{user_id}/devices`.
pub fn list(record: &AccountRecord) -> Vec<DeviceInfo> {
    record
        .devices
        .iter()
        .filter_map(|(id, keys)| {
            let state = record.rules.device(id)?;
            let public_key = b64u::decode(&keys.public_key).ok()?;
            Some(DeviceInfo {
                device_id: id.clone(),
                created_at: keys.created_at,
                last_used_at: keys.last_used_at,
                // A subscription the push service answered 404/410 for no longer reaches
                // the device: it is poll-only until it registers a new one (SPEC §6).
                push: state.push == assent_rules::PushState::Active,
                credential_id: keys.credential_id.clone(),
                public_key: Jwk::from_uncompressed(&public_key).ok()?.to_value(),
            })
        })
        .collect()
}
