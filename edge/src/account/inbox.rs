//! The secure-mode inbox inside the account object (SPEC §4, §7): every retrieval of
//! details is authenticated with a fresh, single-use, user-verified assertion.

use assent_config::Config;
use assent_proto::api::{ErrorCode, Status};
use assent_proto::b64u;
use assent_webauthn::{
    AssertionExpectations, AuthenticationResponseJSON, StoredCredential, verify_assertion,
};
use serde::{Deserialize, Serialize};

use super::record::{AccountRecord, InboxChallenge};
use crate::clock;
use crate::http::Failure;

/// SPEC §7: an inbox challenge is single use and lives 2 minutes.
pub const CHALLENGE_SECONDS: u64 = 120;

/// Open inbox challenges a device may hold at once; issuing another drops its oldest.
const CHALLENGES_PER_DEVICE: usize = 3;

/// The answer to `InboxChallenge`: what the Worker turns into request options.
#[derive(Debug, Serialize, Deserialize)]
pub struct Issued {
    pub challenge_id: String,
    /// b64u.
    pub challenge: String,
    /// b64u.
    pub credential_id: String,
}

/// One pending request of the inbox (the Worker adds its content from KV).
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub request_id: String,
    pub status: Status,
    pub number_matching: bool,
}

/// The answer to `InboxOpen`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Opened {
    /// The device's channel key, to seal the list to it.
    pub channel_public_key: String,
    pub requests: Vec<Entry>,
}

fn usable_device<'a>(
    record: &'a AccountRecord,
    device_id: &str,
) -> Result<&'a super::record::DeviceKeys, Failure> {
    let state = record
        .rules
        .device(device_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such device"))?;
    if state.locked {
        return Err(Failure::new(ErrorCode::Forbidden, "device locked"));
    }
    record
        .devices
        .get(device_id)
        .ok_or_else(|| Failure::internal("device keys", "missing"))
}

pub fn challenge(record: &mut AccountRecord, device_id: &str, now: u64) -> Result<Issued, Failure> {
    let credential_id = usable_device(record, device_id)?.credential_id.clone();
    record.inbox_challenges.retain(|_, c| c.expires_at > now);
    // The device id is no secret (push URLs, webhooks carry it): without a bound, anyone
    // could grow the account's record with challenges. A device keeps its newest few.
    let seq = record
        .inbox_challenges
        .values()
        .map(|c| c.seq)
        .max()
        .map_or(0, |s| s.saturating_add(1));
    let mut open: Vec<(u64, String)> = record
        .inbox_challenges
        .iter()
        .filter(|(_, c)| c.device_id == device_id)
        .map(|(id, c)| (c.seq, id.clone()))
        .collect();
    if open.len() >= CHALLENGES_PER_DEVICE {
        open.sort();
        for (_, id) in open.iter().take(open.len() + 1 - CHALLENGES_PER_DEVICE) {
            record.inbox_challenges.remove(id);
        }
    }
    let issued = Issued {
        challenge_id: clock::new_id()?,
        challenge: b64u::encode(&clock::random::<32>()?),
        credential_id,
    };
    record.inbox_challenges.insert(
        issued.challenge_id.clone(),
        InboxChallenge {
            device_id: device_id.to_owned(),
            challenge: issued.challenge.clone(),
            expires_at: now + CHALLENGE_SECONDS,
            seq,
        },
    );
    Ok(issued)
}

/// Consumes the challenge (whatever the outcome: single use), verifies the assertion and
/// lists the account's pending requests.
pub fn open(
    record: &mut AccountRecord,
    config: &Config,
    device_id: &str,
    challenge_id: &str,
    assertion: serde_json::Value,
    now: u64,
) -> Result<Opened, Failure> {
    let issued = record
        .inbox_challenges
        .remove(challenge_id)
        .filter(|c| c.device_id == device_id && c.expires_at > now)
        .ok_or_else(|| {
            Failure::new(
                ErrorCode::NotFound,
                "unknown, used or expired challenge; ask for a new one",
            )
        })?;
    let keys = usable_device(record, device_id)?.clone();
    let challenge =
        b64u::decode(&issued.challenge).map_err(|e| Failure::internal("challenge", e))?;
    let stored = StoredCredential {
        id: b64u::decode(&keys.credential_id).map_err(|e| Failure::internal("id", e))?,
        public_key: b64u::decode_array(&keys.public_key)
            .map_err(|e| Failure::internal("key", e))?,
        sign_count: keys.sign_count,
        backup_eligible: keys.backup_eligible,
        user_handle: None,
    };
    let invalid =
        |why: String| Failure::new(ErrorCode::InvalidAssertion, format!("assertion: {why}"));
    let response: AuthenticationResponseJSON =
        serde_json::from_value(assertion).map_err(|e| invalid(e.to_string()))?;
    let verified = verify_assertion(
        &AssertionExpectations {
            rp_id: config.rp_id(),
            origin: config.edge_origin(),
            challenge: &challenge,
            credential: &stored,
        },
        &response,
    )
    .map_err(|e| invalid(e.to_string()))?;
    if let Some(device) = record.devices.get_mut(device_id) {
        device.sign_count = verified.new_sign_count;
        device.last_used_at = now;
    }
    let requests = record
        .rules
        .pending(now)
        .into_iter()
        .map(|v| Entry {
            number_matching: v.binding_code.is_some(),
            status: v.status,
            request_id: v.request_id,
        })
        .collect();
    Ok(Opened {
        channel_public_key: keys.channel_public_key,
        requests,
    })
}
