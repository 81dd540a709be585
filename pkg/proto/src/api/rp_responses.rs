//! Response bodies of the RP API (SPEC §5). Absent optional members are omitted; members the
//! SPEC writes as "or null" are always present. Unknown members are ignored when reading, so
//! clients keep working when the edge adds optional members.

use serde::{Deserialize, Serialize};

use super::status::{ActivationState, Reason, Status};
use crate::content::Kind;

/// `201` to `POST /v1/activations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationCreated {
    /// The id to poll with `GET /v1/activations/{activation_id}`.
    pub activation_id: String,
    /// The single-use code (10 minutes).
    pub code: String,
    /// `EDGE/#/activate/<code>`.
    pub activation_url: String,
    /// An SVG QR code of `activation_url`.
    pub qr_svg: String,
    /// Unix seconds.
    pub expires_at: u64,
}

/// `GET /v1/activations/{activation_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationStatus {
    /// The activation's id.
    pub activation_id: String,
    /// `pending`, `completed` or `expired`.
    pub status: ActivationState,
    /// The device the code activated, once `completed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
}

/// `201` to `POST /v1/requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCreated {
    /// The new request's id.
    pub request_id: String,
    /// Always `pending`.
    pub status: Status,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds.
    pub expires_at: u64,
    /// Two digits for the website to show; `null` without number matching.
    #[serde(default)]
    pub binding_code: Option<String>,
    /// Bearer token for the widget's status endpoints (SPEC §9).
    pub status_token: String,
    /// `b64u(SHA-256(JCS(request content)))`.
    pub request_hash: String,
    /// How many active devices the account has.
    pub devices: u32,
    /// How many of them a push was sent to.
    pub devices_notified: u32,
}

/// `GET /v1/requests/{request_id}`; also `data` of `request.*` webhooks (SPEC §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    /// The request's id.
    pub request_id: String,
    /// `login` or `sign`.
    pub kind: Kind,
    /// The current status.
    pub status: Status,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds.
    pub expires_at: u64,
    /// Unix seconds, once final.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<u64>,
    /// The device that decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// For `denied` and `cancelled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The receipt JWS (SPEC §8), for a decided request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// `200` to `POST /v1/requests/{request_id}/cancel`: `{"status": "cancelled"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancelled {
    /// Always `cancelled`.
    pub status: Status,
}

impl Cancelled {
    /// `{"status": "cancelled"}`.
    pub fn new() -> Self {
        Self {
            status: Status::Cancelled,
        }
    }
}

impl Default for Cancelled {
    fn default() -> Self {
        Self::new()
    }
}

/// `GET /v1/users/{user_id}/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceList {
    /// The account's devices.
    pub devices: Vec<DeviceInfo>,
}

/// One device of [`DeviceList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// The device's id.
    pub device_id: String,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds of the last decision or inbox opening; `created_at` until then.
    pub last_used_at: u64,
    /// Whether the device has a working push subscription.
    pub push: bool,
    /// The WebAuthn credential id, b64u.
    pub credential_id: String,
    /// The credential's public key as a JWK, for verifying receipts without trusting the
    /// edge (SPEC §8).
    pub public_key: serde_json::Value,
}
