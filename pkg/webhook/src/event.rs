//! The webhook body: `{id, type, created_at, data}` (SPEC §9).

use serde::{Deserialize, Serialize};

/// What happened. Serialized as the SPEC §9 names, e.g. `request.approved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// A device finished activation for an account.
    #[serde(rename = "activation.completed")]
    ActivationCompleted,
    /// A request was approved.
    #[serde(rename = "request.approved")]
    RequestApproved,
    /// A request was denied (by the user, or for a wrong binding code).
    #[serde(rename = "request.denied")]
    RequestDenied,
    /// A request expired undecided.
    #[serde(rename = "request.expired")]
    RequestExpired,
    /// A request was cancelled (by the RP, or superseded).
    #[serde(rename = "request.cancelled")]
    RequestCancelled,
    /// A device was removed.
    #[serde(rename = "device.removed")]
    DeviceRemoved,
    /// The push service answered 404/410: the device's subscription is gone.
    #[serde(rename = "device.push_gone")]
    DevicePushGone,
    /// A device was locked after too many failed decisions.
    #[serde(rename = "device.locked")]
    DeviceLocked,
}

impl EventType {
    /// Every event type, in SPEC order.
    pub const ALL: [Self; 8] = [
        Self::ActivationCompleted,
        Self::RequestApproved,
        Self::RequestDenied,
        Self::RequestExpired,
        Self::RequestCancelled,
        Self::DeviceRemoved,
        Self::DevicePushGone,
        Self::DeviceLocked,
    ];

    /// The wire name, e.g. `request.approved`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActivationCompleted => "activation.completed",
            Self::RequestApproved => "request.approved",
            Self::RequestDenied => "request.denied",
            Self::RequestExpired => "request.expired",
            Self::RequestCancelled => "request.cancelled",
            Self::DeviceRemoved => "device.removed",
            Self::DevicePushGone => "device.push_gone",
            Self::DeviceLocked => "device.locked",
        }
    }

    /// The event type named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl core::fmt::Display for EventType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One webhook delivery's body. Receivers dedupe by `id`: delivery is at least once.
///
/// `data` defaults to a JSON value; for `request.*` it is the `GET /v1/requests/{id}`
/// object, receipt included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event<D = serde_json::Value> {
    /// The event id (unique per event, the same on every retry of it).
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When the event happened, Unix seconds.
    pub created_at: u64,
    /// The event's object.
    pub data: D,
}
