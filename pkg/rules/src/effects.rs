//! What the caller must carry out after persisting the state an operation produced.

use serde::{Deserialize, Serialize};

use crate::model::{Reason, Status};

/// One thing to do outside the state. Operations return effects in the order they happened;
/// the caller persists the new state first, then carries them out (so a webhook or a widget
/// never announces a state that was not stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// A request reached its final status: send the `request.<status>` webhook and push the
    /// new status to the request's widget sockets (SPEC §9). Emitted exactly once per request.
    RequestFinal {
        /// The request.
        request_id: String,
        /// Its final status.
        status: Status,
        /// The reason for `denied` / `cancelled`.
        reason: Option<Reason>,
    },
    /// Notify a device of a new request by Web Push (SPEC §6). `push_seq` is the registration
    /// the push goes to: give it back to [`crate::AccountState::mark_push_gone`] on 404/410.
    SendPush {
        /// The device to notify.
        device_id: String,
        /// The new request.
        request_id: String,
        /// The device's push registration at the time.
        push_seq: u64,
    },
    /// Set the account's alarm to fire at `at` (replacing an earlier setting); when it fires,
    /// call [`crate::AccountState::on_alarm`].
    ArmAlarm {
        /// Unix seconds; may be in the past (fire now).
        at: u64,
    },
    /// A device reached the failed-decision limit: send `device.locked`. Emitted once.
    DeviceLocked {
        /// The device.
        device_id: String,
    },
    /// A fraud report froze new requests until `until`.
    AccountFrozen {
        /// Unix seconds.
        until: u64,
    },
    /// A device's push subscription is gone: send `device.push_gone`.
    DevicePushGone {
        /// The device.
        device_id: String,
    },
    /// A device was removed: send `device.removed` and drop its credential and keys.
    DeviceRemoved {
        /// The device.
        device_id: String,
    },
}
