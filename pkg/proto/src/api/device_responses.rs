//! Response bodies of the device API (SPEC §7) and the inbox plaintext. Absent optional
//! members are omitted; members the SPEC always lists are always written. WebAuthn options are
//! type parameters defaulting to [`serde_json::Value`] (see [`super::device`]).

use serde::{Deserialize, Serialize};

use super::status::{Mode, Status};
use crate::content::{Kind, RequestContent};

/// Answer to `POST /v1/device/activate/begin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivateBeginResponse<O = serde_json::Value> {
    /// The id the device will have.
    pub device_id: String,
    /// The RP the account belongs to.
    pub rp: RpInfo,
    /// The account's names.
    pub user: UserInfo,
    /// WebAuthn `PublicKeyCredentialCreationOptionsJSON` (`userVerification: "required"`,
    /// `alg` −7, attestation `none`).
    pub creation_options: O,
    /// The VAPID public key for `pushManager.subscribe`: 65-byte point, b64u.
    pub vapid_public_key: String,
    /// The edge's static secure-channel key: 65-byte point, b64u.
    pub channel_public_key: String,
}

/// `rp` of [`ActivateBeginResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpInfo {
    /// The RP's configured id.
    pub id: String,
    /// The RP's display name.
    pub name: String,
}

/// `user` of [`ActivateBeginResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// The account name.
    pub name: String,
    /// The person's name.
    pub display_name: String,
}

/// Answer to `POST /v1/device/activate/finish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivateFinishResponse {
    /// The activated device's id.
    pub device_id: String,
    /// The account the PWA now holds.
    pub account: Account,
}

/// `account` of [`ActivateFinishResponse`]: what the PWA stores and shows for the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The RP's configured id.
    pub rp_id: String,
    /// The RP's display name.
    pub rp_name: String,
    /// The account name.
    pub user_name: String,
    /// The person's name.
    pub display_name: String,
    /// How the PWA fetches this account's requests.
    pub mode: Mode,
}

/// A request as a device sees it: `GET /v1/device/{device_id}/requests/{request_id}` in
/// gateway mode, and each entry of [`InboxPlaintext`]. The binding code itself is never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRequest {
    /// The content the user is shown and signs.
    pub request: RequestContent,
    /// The edge's hash of it; the PWA recomputes it and signs its own.
    pub request_hash: String,
    /// Whether the user must type the website's code.
    pub number_matching: bool,
    /// The request's status.
    pub status: Status,
}

/// Answer to `POST /v1/device/{device_id}/inbox/challenge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxChallenge<O = serde_json::Value> {
    /// Single use, 2 minutes.
    pub challenge_id: String,
    /// WebAuthn `PublicKeyCredentialRequestOptionsJSON` with the random challenge.
    pub request_options: O,
}

/// Answer to `POST /v1/device/{device_id}/inbox`: `seal("inbox", InboxPlaintext)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxSealed {
    /// The sealed [`InboxPlaintext`].
    pub sealed: String,
}

/// The plaintext of `seal("inbox", …)`: the account's pending requests (secure mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPlaintext {
    /// The pending requests.
    pub requests: Vec<DeviceRequest>,
}

/// `200` to a decision: `{status, receipt}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionResult {
    /// `approved` or `denied` (also `denied` for a wrong binding code).
    pub status: Status,
    /// The receipt JWS (SPEC §8); `null` when none was issued.
    #[serde(default)]
    pub receipt: Option<String>,
}

/// Answer to `GET /v1/device/{device_id}/pending` (an Assent addition to SPEC §7): the
/// requests the device may decide, newest first, with no more than a push carries (SPEC §6),
/// so a device that lost a push still finds the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingList {
    /// Newest first.
    pub pending: Vec<PendingEntry>,
}

/// One entry of [`PendingList`]: the members of the push's `assent` object that name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingEntry {
    /// The request.
    pub request_id: String,
    /// Login or sign.
    pub kind: Kind,
    /// Unix seconds.
    pub expires_at: u64,
}
