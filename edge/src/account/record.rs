//! What the account Durable Object stores: one record, read and written whole (an account
//! has a handful of devices, pending requests and activations), and kept in the object's
//! memory between commands.

use std::collections::BTreeMap;

use assent_rules::AccountState;
use assent_webhook::Event;
use serde::{Deserialize, Serialize};

/// Storage key of the account record.
pub const RECORD_KEY: &str = "account";

/// The whole mutable state of one account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountRecord {
    /// Whose account this is (learnt from the first command; names webhook events).
    #[serde(default)]
    pub rp_id: String,
    #[serde(default)]
    pub user_id: String,
    /// Requests, devices' counters and locks, budget, freeze (`pkg/rules`).
    #[serde(default)]
    pub rules: AccountState,
    /// The keys of each activated device.
    #[serde(default)]
    pub devices: BTreeMap<String, DeviceKeys>,
    /// Activations by id.
    #[serde(default)]
    pub activations: BTreeMap<String, ActivationEntry>,
    /// SHA-256 (b64u) of each request's widget status token.
    #[serde(default)]
    pub status_tokens: BTreeMap<String, String>,
    /// The receipt of each decided request.
    #[serde(default)]
    pub receipts: BTreeMap<String, String>,
    /// Outstanding secure-mode inbox challenges by id (single use, 2 minutes).
    #[serde(default)]
    pub inbox_challenges: BTreeMap<String, InboxChallenge>,
    /// Webhook events not yet handed to the Queue. They are saved in the same write as the
    /// change they report (a transactional outbox), so a failed or interrupted Queue send
    /// loses no event: the alarm sends what is left.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outbox: Vec<Event>,
}

/// An inbox challenge issued to one device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboxChallenge {
    pub device_id: String,
    /// b64u.
    pub challenge: String,
    pub expires_at: u64,
    /// Issue order within the account (many are issued within one second).
    #[serde(default)]
    pub seq: u64,
}

/// One activation code's life: pending, begun by a device, completed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivationEntry {
    pub expires_at: u64,
    pub user_name: String,
    pub display_name: String,
    /// Set when a device completed the activation: the code is used.
    #[serde(default)]
    pub device_id: Option<String>,
    /// The ceremony a device began and has not finished.
    #[serde(default)]
    pub pending: Option<PendingDevice>,
}

/// A device between `activate/begin` and `activate/finish`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingDevice {
    pub device_id: String,
    /// The registration challenge, b64u.
    pub challenge: String,
}

/// What the edge keeps of a device (SPEC §3): its passkey and its channel key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceKeys {
    /// b64u.
    pub credential_id: String,
    /// 65-byte uncompressed P-256 point, b64u.
    pub public_key: String,
    pub sign_count: u32,
    pub backup_eligible: bool,
    /// 65-byte uncompressed P-256 point, b64u.
    pub channel_public_key: String,
    /// The validated PushSubscriptionJSON, when push is on.
    #[serde(default)]
    pub subscription: Option<String>,
    pub created_at: u64,
    pub last_used_at: u64,
}
