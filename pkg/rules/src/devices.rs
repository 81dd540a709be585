//! Device lifecycle as the rules see it: activation, push registration, push failure and
//! removal (SPEC §6, §7). The credential, keys and subscription itself are kept by the caller.

use crate::AccountState;
use crate::effects::Effect;
use crate::errors::DeviceError;
use crate::model::{DeviceRecord, PushState};

/// An opened `seal("push", {subscription, seq})` as far as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushRegistration {
    /// The PWA's counter, strictly increasing per device.
    pub seq: u64,
    /// Whether `subscription` was an object (false for `null`).
    pub subscribed: bool,
}

impl PushRegistration {
    fn state(self) -> PushState {
        if self.subscribed {
            PushState::Active
        } else {
            PushState::None
        }
    }
}

impl AccountState {
    /// Adds a device at activation (SPEC §7 `activate/finish`) with its first push
    /// registration. Refuses an id the account already holds.
    pub fn add_device(
        &mut self,
        now: u64,
        device_id: &str,
        push: PushRegistration,
    ) -> Result<(), DeviceError> {
        if self.devices.contains_key(device_id) {
            return Err(DeviceError::IdTaken);
        }
        self.devices.insert(
            device_id.to_owned(),
            DeviceRecord {
                created_at: now,
                failed_decisions: 0,
                locked: false,
                push: push.state(),
                push_seq: push.seq,
            },
        );
        Ok(())
    }

    /// Removes a device (RP `DELETE`, or the device's own deactivation). This is the only way
    /// out of a lock. Its pending requests stay pending for the other devices; the removed
    /// device can no longer decide.
    pub fn remove_device(&mut self, device_id: &str) -> Result<Vec<Effect>, DeviceError> {
        self.devices
            .remove(device_id)
            .ok_or(DeviceError::NotFound)?;
        Ok(vec![Effect::DeviceRemoved {
            device_id: device_id.to_owned(),
        }])
    }

    /// `PUT /v1/device/{id}/push`: replaces the registration when `seq` is above the last
    /// accepted one, so a replayed or reordered update cannot bring back an old subscription.
    /// A locked device is refused.
    pub fn set_push(&mut self, device_id: &str, push: PushRegistration) -> Result<(), DeviceError> {
        let device = self
            .devices
            .get_mut(device_id)
            .ok_or(DeviceError::NotFound)?;
        if device.locked {
            return Err(DeviceError::Locked);
        }
        if push.seq <= device.push_seq {
            return Err(DeviceError::StaleSeq {
                seq: push.seq,
                current: device.push_seq,
            });
        }
        device.push = push.state();
        device.push_seq = push.seq;
        Ok(())
    }

    /// The push service answered 404/410 for the registration `push_seq` (from the
    /// `SendPush` effect): the device becomes poll-only and `DevicePushGone` is returned.
    /// When the device has re-registered since (another `seq`) or is already not active,
    /// nothing changes and nothing is returned.
    pub fn mark_push_gone(
        &mut self,
        device_id: &str,
        push_seq: u64,
    ) -> Result<Vec<Effect>, DeviceError> {
        let device = self
            .devices
            .get_mut(device_id)
            .ok_or(DeviceError::NotFound)?;
        if device.push != PushState::Active || device.push_seq != push_seq {
            return Ok(Vec::new());
        }
        device.push = PushState::Gone;
        Ok(vec![Effect::DevicePushGone {
            device_id: device_id.to_owned(),
        }])
    }
}
