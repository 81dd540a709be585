//! Recording the one decision on a request, and the failed-decision count that locks a device
//! (SPEC §5, §7, §10).

use crate::AccountState;
use crate::effects::Effect;
use crate::errors::{DecideError, DeviceError};
use crate::limits::Limits;
use crate::model::{Reason, Status};

/// Why the user denied (SPEC §7 `reason`; the edge maps an absent reason to `Rejected`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DenyReason {
    /// "Deny".
    Rejected,
    /// "I did not ask for this".
    Fraud,
}

/// The user's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Approve.
    Approve,
    /// Deny, with the reason.
    Deny(DenyReason),
}

/// A decision whose WebAuthn assertion the edge has verified against the statement
/// `{request_hash, decision, reason?, binding_code?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    /// Approve or deny.
    pub decision: Decision,
    /// The code the user typed, exactly as signed in the statement.
    pub binding_code: Option<String>,
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// `approved` or `denied`.
    pub status: Status,
    /// For `denied`: `rejected`, `fraud` or `binding_mismatch`.
    pub reason: Option<Reason>,
    /// In order: `RequestFinal` for this request; `DeviceLocked` if a mismatch reached the
    /// limit; for fraud `AccountFrozen`; `ArmAlarm`
    /// if the earliest pending expiry moved.
    pub effects: Vec<Effect>,
}

impl AccountState {
    /// Records `device_id`'s decision on `request_id`, refusing with the first failed check in
    /// this order: unknown device, locked device, unknown request, request final (`expired` →
    /// [`DecideError::Expired`] 410, others → [`DecideError::AlreadyDecided`] 409), request
    /// pending but `now >= expires_at` ([`DecideError::Expired`]; the request is left for
    /// `expire_due` to record, so this refusal changes nothing either), a binding code for a
    /// request without number matching.
    ///
    /// Device checks come first so a locked device learns nothing about requests.
    ///
    /// Outcomes:
    /// - approve with number matching and a missing or wrong code → `denied` /
    ///   `binding_mismatch`: final (a second guess would turn 1 % into 2 %), and a failed
    ///   decision for the device;
    /// - approve otherwise → `approved`; deny → `denied` / `rejected` or `fraud`; these reset
    ///   the device's failed-decision count;
    /// - deny with fraud also freezes new requests for `freeze_seconds`. Other live requests
    ///   stay as they are: SPEC §5 gives `cancelled` only the reasons `rp` and `superseded`,
    ///   and each of them still needs its own user-verified decision (the RP may cancel them).
    pub fn decide(
        &mut self,
        now: u64,
        request_id: &str,
        device_id: &str,
        input: &DecisionInput,
        limits: &Limits,
    ) -> Result<Decided, DecideError> {
        let device = self
            .devices
            .get(device_id)
            .ok_or(DecideError::DeviceNotFound)?;
        if device.locked {
            return Err(DecideError::DeviceLocked);
        }
        let record = self
            .requests
            .get(request_id)
            .ok_or(DecideError::RequestNotFound)?;
        match record.effective_status(now) {
            Status::Pending => {}
            Status::Expired => return Err(DecideError::Expired),
            status => return Err(DecideError::AlreadyDecided { status }),
        }
        if record.binding_code.is_none() && input.binding_code.is_some() {
            return Err(DecideError::UnexpectedBindingCode);
        }
        let (status, reason) = match input.decision {
            Decision::Approve => match &record.binding_code {
                Some(expected) if input.binding_code.as_ref() != Some(expected) => {
                    (Status::Denied, Some(Reason::BindingMismatch))
                }
                _ => (Status::Approved, None),
            },
            Decision::Deny(DenyReason::Rejected) => (Status::Denied, Some(Reason::Rejected)),
            Decision::Deny(DenyReason::Fraud) => (Status::Denied, Some(Reason::Fraud)),
        };

        // Every check passed: from here on nothing fails.
        let before = self.next_alarm();
        let mut effects = Vec::new();
        self.finalize(
            request_id,
            status,
            reason,
            Some((now, device_id)),
            &mut effects,
        );
        if reason == Some(Reason::BindingMismatch) {
            self.count_failed_decision(device_id, limits, &mut effects);
        } else if let Some(device) = self.devices.get_mut(device_id) {
            device.failed_decisions = 0;
        }
        if reason == Some(Reason::Fraud) {
            self.freeze(now, limits, &mut effects);
        }
        self.rearm_if_moved(before, &mut effects);
        Ok(Decided {
            status,
            reason,
            effects,
        })
    }

    /// Counts a decision whose assertion failed verification (SPEC §10: a bad assertion is a
    /// failed decision); nothing else changes. Returns `DeviceLocked` when this one reaches
    /// `max_failed_decisions`. A locked device is refused: it cannot fail further.
    pub fn record_failed_assertion(
        &mut self,
        device_id: &str,
        limits: &Limits,
    ) -> Result<Vec<Effect>, DeviceError> {
        let device = self.devices.get(device_id).ok_or(DeviceError::NotFound)?;
        if device.locked {
            return Err(DeviceError::Locked);
        }
        let mut effects = Vec::new();
        self.count_failed_decision(device_id, limits, &mut effects);
        Ok(effects)
    }

    fn count_failed_decision(&mut self, device_id: &str, limits: &Limits, fx: &mut Vec<Effect>) {
        let Some(device) = self.devices.get_mut(device_id) else {
            return;
        };
        device.failed_decisions = device.failed_decisions.saturating_add(1);
        if !device.locked && device.failed_decisions >= limits.max_failed_decisions {
            device.locked = true;
            fx.push(Effect::DeviceLocked {
                device_id: device_id.to_owned(),
            });
        }
    }

    fn freeze(&mut self, now: u64, limits: &Limits, effects: &mut Vec<Effect>) {
        if limits.freeze_seconds == 0 {
            return;
        }
        let until = now.saturating_add(u64::from(limits.freeze_seconds));
        if self.frozen_until.is_some_and(|current| current >= until) {
            return;
        }
        self.frozen_until = Some(until);
        effects.push(Effect::AccountFrozen { until });
    }
}
