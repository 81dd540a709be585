//! Request bodies of the device API (SPEC §7) and the plaintexts sealed inside them (§3).
//!
//! WebAuthn members (`credential`, `assertion`) are type parameters defaulting to
//! [`serde_json::Value`]: `assent-webauthn` depends on this crate, so this crate cannot name
//! its `RegistrationResponseJSON` / `AuthenticationResponseJSON`; the edge and the PWA
//! instantiate the bodies with those types (`ActivateFinish<RegistrationResponseJSON>`), and
//! anything else can keep them opaque.

use serde::{Deserialize, Serialize};

use super::validate::{
    Bounds, FieldError, Validate, check_activation_code, check_binding_code,
    check_channel_public_key, check_id, check_sealed,
};
use crate::content::{Decision, DenyReason, Statement};

/// How far `DeactivatePlaintext::ts` may be from the edge's clock, either way (SPEC §7:
/// "within 5 minutes").
pub const DEACTIVATE_MAX_SKEW_SECONDS: u64 = 300;

/// `POST /v1/device/activate/begin` `{code}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivateBegin {
    /// The activation code from the activation URL.
    pub code: String,
}

impl Validate for ActivateBegin {
    /// `code`: 1–64 base64url-alphabet characters.
    fn validate(&self, _bounds: &Bounds) -> Result<(), FieldError> {
        check_activation_code("code", &self.code)
    }
}

/// `POST /v1/device/activate/finish` `{device_id, code, credential, channel_public_key, push}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivateFinish<C = serde_json::Value> {
    /// The id `activate/begin` assigned.
    pub device_id: String,
    /// The same activation code.
    pub code: String,
    /// WebAuthn `RegistrationResponseJSON`; verified by the edge.
    pub credential: C,
    /// The device's secure-channel key: a 65-byte uncompressed P-256 point, b64u.
    pub channel_public_key: String,
    /// `seal("push", PushPlaintext)`: also the proof the device holds the channel key.
    pub push: String,
}

impl<C> Validate for ActivateFinish<C> {
    /// The shapes of `device_id`, `code`, `channel_public_key` and `push`; the credential and
    /// the seal are the edge's cryptographic checks.
    fn validate(&self, _bounds: &Bounds) -> Result<(), FieldError> {
        check_id("device_id", &self.device_id)?;
        check_activation_code("code", &self.code)?;
        check_channel_public_key("channel_public_key", &self.channel_public_key)?;
        check_sealed("push", &self.push)
    }
}

/// `PUT /v1/device/{device_id}/push` `{sealed}`: `seal("push", PushPlaintext)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushUpdate {
    /// The sealed [`PushPlaintext`].
    pub sealed: String,
}

impl Validate for PushUpdate {
    /// `sealed`: b64u of at least a nonce and a tag.
    fn validate(&self, _bounds: &Bounds) -> Result<(), FieldError> {
        check_sealed("sealed", &self.sealed)
    }
}

/// `POST /v1/device/{device_id}/inbox` `{challenge_id, assertion}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxOpen<A = serde_json::Value> {
    /// From `inbox/challenge`.
    pub challenge_id: String,
    /// WebAuthn `AuthenticationResponseJSON` over the challenge; verified by the edge.
    pub assertion: A,
}

impl<A> Validate for InboxOpen<A> {
    /// `challenge_id`: an id.
    fn validate(&self, _bounds: &Bounds) -> Result<(), FieldError> {
        check_id("challenge_id", &self.challenge_id)
    }
}

/// `POST /v1/device/{device_id}/requests/{request_id}/decision`
/// `{decision, reason?, binding_code?, assertion}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody<A = serde_json::Value> {
    /// `approve` or `deny`.
    pub decision: Decision,
    /// `rejected` or `fraud`; deny only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DenyReason>,
    /// The two digits the user typed, when number matching is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_code: Option<String>,
    /// WebAuthn `AuthenticationResponseJSON` whose challenge is [`Self::statement`]'s;
    /// verified by the edge.
    pub assertion: A,
}

impl<A> DecisionBody<A> {
    /// The statement the assertion must sign: `{"v":1, request_hash, decision, reason?,
    /// binding_code?}` exactly as given here, with the `request_hash` the edge holds.
    pub fn statement(&self, request_hash: &str) -> Statement {
        Statement::new(
            request_hash,
            self.decision,
            self.reason,
            self.binding_code.clone(),
        )
    }
}

impl<A> Validate for DecisionBody<A> {
    /// `reason` only with `deny`; `binding_code`, when present, two ASCII digits.
    fn validate(&self, _bounds: &Bounds) -> Result<(), FieldError> {
        if self.reason.is_some() && self.decision != Decision::Deny {
            return Err(FieldError::new(
                "reason",
                "only allowed when decision is \"deny\"",
            ));
        }
        if let Some(code) = &self.binding_code {
            check_binding_code("binding_code", code)?;
        }
        Ok(())
    }
}

/// `POST /v1/device/{device_id}/deactivate` `{sealed}`: `seal("deactivate",
/// DeactivatePlaintext)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deactivate {
    /// The sealed [`DeactivatePlaintext`].
    pub sealed: String,
}

impl Validate for Deactivate {
    /// `sealed`: b64u of at least a nonce and a tag.
    fn validate(&self, _bounds: &Bounds) -> Result<(), FieldError> {
        check_sealed("sealed", &self.sealed)
    }
}

/// The plaintext of `seal("push", …)`: `{"subscription": PushSubscriptionJSON | null, "seq"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushPlaintext {
    /// The browser's `PushSubscription.toJSON()`, validated by `assent-webpush`'s
    /// `Subscription::from_json`; `null` for a device without push permission. Always
    /// written (as `null` when absent); an absent member reads as `null`.
    pub subscription: Option<serde_json::Value>,
    /// Strictly increasing per device (1 at activation), so a replayed older seal is refused.
    pub seq: u64,
}

impl Validate for PushPlaintext {
    /// `subscription` an object or `null`; `seq` at least 1.
    fn validate(&self, _bounds: &Bounds) -> Result<(), FieldError> {
        if self.subscription.as_ref().is_some_and(|s| !s.is_object()) {
            return Err(FieldError::new("subscription", "must be an object or null"));
        }
        if self.seq == 0 {
            return Err(FieldError::new("seq", "must be at least 1"));
        }
        Ok(())
    }
}

/// The plaintext of `seal("deactivate", …)`: `{"ts"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeactivatePlaintext {
    /// The device's clock, Unix seconds.
    pub ts: u64,
}

impl DeactivatePlaintext {
    /// True when `ts` is within [`DEACTIVATE_MAX_SKEW_SECONDS`] of `now`, either way.
    pub fn is_fresh(&self, now: u64) -> bool {
        self.ts.abs_diff(now) <= DEACTIVATE_MAX_SKEW_SECONDS
    }
}
