//! The account's state value and its read-only queries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::effects::Effect;
use crate::errors::{DeviceError, ViewError};
use crate::model::{DeviceRecord, Reason, RequestRecord, RequestView, Status};

/// Everything mutable about one account `(rp_id, user_id)` (SPEC §12): its requests, its
/// devices' counters and push state, the creation budget and the fraud freeze.
///
/// Plain data: serialize it to persist it (the maps are ordered, so equal states serialize to
/// equal bytes). Its fields are private so that only the operations of this crate change it;
/// read it through the accessors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountState {
    pub(crate) requests: BTreeMap<String, RequestRecord>,
    pub(crate) devices: BTreeMap<String, DeviceRecord>,
    /// Creation times still inside the budget window, ascending.
    pub(crate) recent_creations: Vec<u64>,
    pub(crate) frozen_until: Option<u64>,
}

impl AccountState {
    /// A fresh account: no requests, no devices.
    pub fn new() -> Self {
        Self::default()
    }

    /// One request's stored record (the stored status: use [`AccountState::view`] for what to
    /// show).
    pub fn request(&self, request_id: &str) -> Option<&RequestRecord> {
        self.requests.get(request_id)
    }

    /// Every request held, by id.
    pub fn requests(&self) -> impl Iterator<Item = (&str, &RequestRecord)> {
        self.requests.iter().map(|(id, r)| (id.as_str(), r))
    }

    /// One device's record.
    pub fn device(&self, device_id: &str) -> Option<&DeviceRecord> {
        self.devices.get(device_id)
    }

    /// Every device, by id.
    pub fn devices(&self) -> impl Iterator<Item = (&str, &DeviceRecord)> {
        self.devices.iter().map(|(id, d)| (id.as_str(), d))
    }

    /// Devices that may decide: present and not locked.
    pub fn active_device_count(&self) -> usize {
        self.devices.values().filter(|d| !d.locked).count()
    }

    /// When the current fraud freeze ends (it may lie in the past).
    pub fn frozen_until(&self) -> Option<u64> {
        self.frozen_until
    }

    /// A request as the status API presents it at `now`: a pending request at or past its
    /// expiry reads as `expired` even if the alarm has not recorded that yet.
    pub fn view(&self, now: u64, request_id: &str) -> Result<RequestView, ViewError> {
        self.requests
            .get(request_id)
            .map(|record| RequestView::of(now, request_id, record))
            .ok_or(ViewError::NotFound)
    }

    /// The requests still awaiting a decision at `now`, oldest first (the secure-mode inbox,
    /// SPEC §7).
    pub fn pending(&self, now: u64) -> Vec<RequestView> {
        let mut live: Vec<RequestView> = self
            .requests
            .iter()
            .filter(|(_, r)| r.is_live(now))
            .map(|(id, r)| RequestView::of(now, id, r))
            .collect();
        live.sort_by(|a, b| (a.created_at, &a.request_id).cmp(&(b.created_at, &b.request_id)));
        live
    }

    /// The requests `device_id` may decide at `now`, newest first: what the PWA polls for
    /// on open and focus, so a lost push loses no request (an addition to SPEC §7).
    ///
    /// Any device of the account may decide any of its live requests, so this is
    /// [`AccountState::pending`] newest first — once the device is known to be able to decide
    /// at all: an unknown device is refused with [`DeviceError::NotFound`], a locked one with
    /// [`DeviceError::Locked`], in the order [`AccountState::decide`] checks them, so a locked
    /// device learns nothing about requests.
    pub fn pending_for_device(
        &self,
        now: u64,
        device_id: &str,
    ) -> Result<Vec<RequestView>, DeviceError> {
        let device = self.devices.get(device_id).ok_or(DeviceError::NotFound)?;
        if device.locked {
            return Err(DeviceError::Locked);
        }
        let mut live = self.pending(now);
        live.reverse();
        Ok(live)
    }

    /// When the alarm must fire next: the earliest expiry among stored-pending requests
    /// (including ones already past it, so an overdue expiry fires at once).
    pub fn next_alarm(&self) -> Option<u64> {
        self.requests
            .values()
            .filter(|r| r.status == Status::Pending)
            .map(|r| r.expires_at)
            .min()
    }

    /// Records a live request's final status. Callers have checked the request is live; the
    /// `Pending` guard keeps a final status final even if one did not.
    pub(crate) fn finalize(
        &mut self,
        request_id: &str,
        status: Status,
        reason: Option<Reason>,
        decided: Option<(u64, &str)>,
        effects: &mut Vec<Effect>,
    ) {
        let Some(record) = self.requests.get_mut(request_id) else {
            return;
        };
        if record.status != Status::Pending {
            return;
        }
        record.status = status;
        record.reason = reason;
        if let Some((at, device_id)) = decided {
            record.decided_at = Some(at);
            record.device_id = Some(device_id.to_owned());
        }
        effects.push(Effect::RequestFinal {
            request_id: request_id.to_owned(),
            status,
            reason,
        });
    }

    /// Emits `ArmAlarm` when an operation moved the earliest pending expiry.
    pub(crate) fn rearm_if_moved(&self, before: Option<u64>, effects: &mut Vec<Effect>) {
        let after = self.next_alarm();
        if after != before
            && let Some(at) = after
        {
            effects.push(Effect::ArmAlarm { at });
        }
    }
}
