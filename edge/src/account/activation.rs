//! Activation inside the account object (SPEC §5, §7): the single-use code, the passkey
//! registration, the channel key proven by opening the sealed push subscription.

use assent_channel::{Channel, Purpose};
use assent_config::Config;
use assent_proto::api::{ActivationState, Bounds, ErrorBody, ErrorCode, PushPlaintext, Validate};
use assent_proto::b64u;
use assent_rules::PushRegistration;
use assent_webauthn::{RegistrationExpectations, RegistrationResponseJSON, verify_registration};
use assent_webpush::Subscription;
use serde::{Deserialize, Serialize};

use super::record::{AccountRecord, ActivationEntry, DeviceKeys, PendingDevice};
use crate::http::Failure;
use crate::{clock, sealed};

/// The answer to `BeginActivation`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Begun {
    pub device_id: String,
    /// b64u.
    pub challenge: String,
    pub user_name: String,
    pub display_name: String,
}

/// What a device sends to finish (already shape-checked by the Worker).
#[derive(Debug, Serialize, Deserialize)]
pub struct Finish {
    pub activation_id: String,
    pub device_id: String,
    pub credential: serde_json::Value,
    pub channel_public_key: String,
    pub push: String,
}

/// The answer to `FinishActivation`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Finished {
    pub activation_id: String,
    pub device_id: String,
    pub user_name: String,
    pub display_name: String,
}

/// The state of an activation at `now`.
pub fn state(entry: &ActivationEntry, now: u64) -> ActivationState {
    match (&entry.device_id, now >= entry.expires_at) {
        (Some(_), _) => ActivationState::Completed,
        (None, true) => ActivationState::Expired,
        (None, false) => ActivationState::Pending,
    }
}

/// The activation a code names, still usable at `now`.
fn usable<'a>(
    record: &'a mut AccountRecord,
    activation_id: &str,
    now: u64,
) -> Result<&'a mut ActivationEntry, Failure> {
    let entry = record
        .activations
        .get_mut(activation_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such activation code"))?;
    match state(entry, now) {
        ActivationState::Pending => Ok(entry),
        ActivationState::Completed => Err(Failure::new(
            ErrorCode::NotFound,
            "this activation code was already used; ask for a new one",
        )),
        ActivationState::Expired => Err(Failure::new(
            ErrorCode::Expired,
            "this activation code has expired; ask for a new one",
        )),
    }
}

/// `activate/begin`: a fresh device id and registration challenge. Beginning again (the
/// user retried) replaces the earlier ceremony.
pub fn begin(record: &mut AccountRecord, activation_id: &str, now: u64) -> Result<Begun, Failure> {
    let entry = usable(record, activation_id, now)?;
    let pending = PendingDevice {
        device_id: clock::new_id()?,
        challenge: b64u::encode(&clock::random::<32>()?),
    };
    let begun = Begun {
        device_id: pending.device_id.clone(),
        challenge: pending.challenge.clone(),
        user_name: entry.user_name.clone(),
        display_name: entry.display_name.clone(),
    };
    entry.pending = Some(pending);
    Ok(begun)
}

/// `activate/finish`: every check passes before anything changes.
pub fn finish(
    record: &mut AccountRecord,
    config: &Config,
    finish: Finish,
    now: u64,
) -> Result<Finished, Failure> {
    let entry = usable(record, &finish.activation_id, now)?;
    let pending = entry
        .pending
        .clone()
        .filter(|p| p.device_id == finish.device_id)
        .ok_or_else(|| {
            Failure::new(
                ErrorCode::NotFound,
                "no activation begun for this device id; call activate/begin first",
            )
        })?;

    // The passkey (SPEC §7: challenge, type, origin, rpIdHash, UP, UV, ES256 key).
    let invalid = |why: String| Failure::new(ErrorCode::InvalidAttestation, why);
    let response: RegistrationResponseJSON = serde_json::from_value(finish.credential)
        .map_err(|e| invalid(format!("credential is not a RegistrationResponseJSON: {e}")))?;
    let challenge =
        b64u::decode(&pending.challenge).map_err(|e| Failure::internal("challenge", e))?;
    let credential = verify_registration(
        &RegistrationExpectations {
            rp_id: config.rp_id(),
            origin: config.edge_origin(),
            challenge: &challenge,
        },
        &response,
    )
    .map_err(|e| invalid(format!("credential: {e}")))?;

    // The channel key, proven by opening the sealed push registration with it.
    let bad_push =
        |message: &str| Failure::new(ErrorCode::InvalidRequest, format!("push: {message}"));
    let channel_public_key = b64u::decode(&finish.channel_public_key)
        .map_err(|_| bad_push("channel_public_key is not base64url"))?;
    let channel = Channel::derive(config.channel_key(), &channel_public_key, &finish.device_id)
        .map_err(|e| {
            Failure::new(
                ErrorCode::InvalidRequest,
                format!("channel_public_key: {e}"),
            )
        })?;
    let push: PushPlaintext = sealed::open(&channel, Purpose::Push, &finish.push, "push")?;
    push.validate(&Bounds::default())
        .map_err(|e| Failure::from(ErrorBody::from(e)))?;
    let subscription = push
        .subscription
        .map(|s| Subscription::from_json(&s.to_string(), config.allow_loopback_push()))
        .transpose()
        .map_err(|e| Failure::new(ErrorCode::InvalidRequest, format!("push.subscription: {e}")))?;

    record
        .rules
        .add_device(
            now,
            &finish.device_id,
            PushRegistration {
                seq: push.seq,
                subscribed: subscription.is_some(),
            },
        )
        .map_err(|e| Failure::internal("add device", e))?;
    record.devices.insert(
        finish.device_id.clone(),
        DeviceKeys {
            credential_id: b64u::encode(&credential.credential_id),
            public_key: b64u::encode(&credential.public_key),
            sign_count: credential.sign_count,
            backup_eligible: credential.backup_eligible,
            channel_public_key: finish.channel_public_key,
            subscription: subscription.map(|s| s.to_json()),
            created_at: now,
            last_used_at: now,
        },
    );
    let entry = record
        .activations
        .get_mut(&finish.activation_id)
        .ok_or_else(|| Failure::internal("activation", "vanished"))?;
    entry.device_id = Some(finish.device_id.clone());
    entry.pending = None;
    Ok(Finished {
        activation_id: finish.activation_id,
        device_id: finish.device_id,
        user_name: entry.user_name.clone(),
        display_name: entry.display_name.clone(),
    })
}
