//! A device's decision inside the account object (SPEC §7, §8, §10): the request must be
//! pending, the assertion must verify over the statement the edge recomputed from the stored
//! content, then the one decision is recorded and its receipt signed.

use assent_config::Config;
use assent_proto::api::{ErrorCode, Reason, Status};
use assent_proto::b64u;
use assent_proto::content::{Decision, DenyReason, RequestContent, Statement};
use assent_receipt::{DeviceClaim, Jwk, ReceiptClaims, WebAuthnClaim, sign_receipt};
use assent_rules::{DecisionInput, Effect, Limits};
use assent_webauthn::{
    AssertionExpectations, AuthenticationResponseJSON, StoredCredential, verify_assertion,
};
use serde::{Deserialize, Serialize};

use super::record::AccountRecord;
use super::requests::{Final, finals};
use crate::http::Failure;
use crate::rules_map;

/// `Decide`, as the Worker prepared it (content read from KV).
#[derive(Debug, Serialize, Deserialize)]
pub struct Decide {
    pub device_id: String,
    pub content: RequestContent,
    pub decision: Decision,
    pub reason: Option<DenyReason>,
    pub binding_code: Option<String>,
    pub assertion: serde_json::Value,
    pub limits: Limits,
}

/// The answer to `Decide`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Decided {
    pub status: Status,
    pub reason: Option<Reason>,
    pub receipt: Option<String>,
    pub finals: Vec<Final>,
    /// Devices that this decision locked (SPEC §10).
    pub locked: Vec<String>,
}

/// What happened: a recorded decision, or an assertion that failed (counted, SPEC §10).
pub enum Outcome {
    Recorded(Decided),
    BadAssertion {
        failure: Failure,
        locked: Vec<String>,
    },
}

fn locked(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::DeviceLocked { device_id } => Some(device_id.clone()),
            _ => None,
        })
        .collect()
}

pub fn decide(
    record: &mut AccountRecord,
    config: &Config,
    d: Decide,
    now: u64,
) -> Result<Outcome, Failure> {
    let request_id = d.content.request_id.clone();
    // The checks that need no signature first, so a late or repeated decision is answered
    // `409`/`410` and counts as nobody's failure.
    let device = record
        .rules
        .device(&d.device_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such device"))?;
    if device.locked {
        return Err(Failure::new(
            ErrorCode::Forbidden,
            "device locked after repeated failed decisions; the website must remove it",
        ));
    }
    let view = record
        .rules
        .view(now, &request_id)
        .map_err(|_| Failure::new(ErrorCode::NotFound, "no such request"))?;
    match view.status {
        assent_rules::Status::Pending => {}
        assent_rules::Status::Expired => {
            return Err(Failure::new(ErrorCode::Expired, "the request has expired"));
        }
        _ => {
            return Err(Failure::new(
                ErrorCode::AlreadyDecided,
                format!("the request is already {}", view.status.as_str()),
            ));
        }
    }
    let keys = record
        .devices
        .get(&d.device_id)
        .cloned()
        .ok_or_else(|| Failure::internal("device keys", "missing"))?;

    // The statement over what the edge stored, never over a hash the device sent (SPEC §7).
    let request_hash = d
        .content
        .request_hash()
        .map_err(|e| Failure::internal("request hash", e))?;
    let statement = Statement::new(request_hash, d.decision, d.reason, d.binding_code.clone());
    let challenge = statement
        .challenge()
        .map_err(|e| Failure::internal("statement", e))?;
    let public_key: [u8; 65] =
        b64u::decode_array(&keys.public_key).map_err(|e| Failure::internal("stored key", e))?;
    let credential_id =
        b64u::decode(&keys.credential_id).map_err(|e| Failure::internal("stored id", e))?;
    let stored = StoredCredential {
        id: credential_id.clone(),
        public_key,
        sign_count: keys.sign_count,
        backup_eligible: keys.backup_eligible,
        user_handle: None,
    };
    let verified = serde_json::from_value::<AuthenticationResponseJSON>(d.assertion)
        .map_err(|e| format!("assertion is not an AuthenticationResponseJSON: {e}"))
        .and_then(|response| {
            verify_assertion(
                &AssertionExpectations {
                    rp_id: config.rp_id(),
                    origin: config.edge_origin(),
                    challenge: &challenge,
                    credential: &stored,
                },
                &response,
            )
            .map(|v| (v, response))
            .map_err(|e| e.to_string())
        });
    let (verified, response) = match verified {
        Ok(ok) => ok,
        Err(why) => {
            let effects = record
                .rules
                .record_failed_assertion(&d.device_id, &d.limits)
                .map_err(|e| rules_map::refusal(&e))?;
            return Ok(Outcome::BadAssertion {
                failure: Failure::new(ErrorCode::InvalidAssertion, format!("assertion: {why}")),
                locked: locked(&effects),
            });
        }
    };

    let decision = match (d.decision, d.reason) {
        (Decision::Approve, _) => assent_rules::Decision::Approve,
        (Decision::Deny, Some(DenyReason::Fraud)) => {
            assent_rules::Decision::Deny(assent_rules::DenyReason::Fraud)
        }
        (Decision::Deny, _) => assent_rules::Decision::Deny(assent_rules::DenyReason::Rejected),
    };
    let decided = record
        .rules
        .decide(
            now,
            &request_id,
            &d.device_id,
            &DecisionInput {
                decision,
                binding_code: d.binding_code.clone(),
            },
            &d.limits,
        )
        .map_err(|e| rules_map::refusal(&e))?;
    if let Some(device) = record.devices.get_mut(&d.device_id) {
        device.sign_count = verified.new_sign_count;
        device.last_used_at = now;
    }

    let raw =
        |field: &str, value: &str| b64u::decode(value).map_err(|e| Failure::internal(field, e));
    let claims = ReceiptClaims {
        iss: config.edge_origin().to_owned(),
        aud: d.content.rp_id.clone(),
        sub: d.content.user_id.clone(),
        jti: request_id.clone(),
        iat: now,
        decision: d.decision,
        reason: d.reason,
        binding_code: d.binding_code,
        device: DeviceClaim {
            id: d.device_id.clone(),
            credential_id,
            public_key: Jwk::from_uncompressed(&public_key)
                .map_err(|e| Failure::internal("device jwk", e))?,
        },
        webauthn: WebAuthnClaim {
            authenticator_data: raw("authenticatorData", &response.response.authenticator_data)?,
            client_data_json: raw("clientDataJSON", &response.response.client_data_json)?,
            signature: raw("signature", &response.response.signature)?,
        },
        request: d.content,
    };
    let receipt =
        sign_receipt(&claims, config.receipt_key()).map_err(|e| Failure::internal("receipt", e))?;
    record.receipts.insert(request_id, receipt.clone());
    Ok(Outcome::Recorded(Decided {
        status: decided.status,
        reason: decided.reason,
        receipt: Some(receipt),
        finals: finals(&decided.effects),
        locked: locked(&decided.effects),
    }))
}
