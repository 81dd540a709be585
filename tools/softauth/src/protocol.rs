//! The JSON the command reads and writes. Requests reject unknown members, so a misspelt
//! tweak fails loudly instead of silently producing a valid response.

use assent_webauthn::soft::Tweaks;
use assent_webauthn::{
    AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON,
    PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON,
};
use serde::{Deserialize, Serialize};

/// One ceremony, chosen by `op`.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Request {
    /// `navigator.credentials.create()`.
    Create(CreateRequest),
    /// `navigator.credentials.get()`.
    Get(GetRequest),
}

/// `{"op":"create", …}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// The credential's P-256 private scalar, big-endian, b64u of 32 bytes.
    pub private_key: String,
    /// The credential id, b64u.
    pub credential_id: String,
    /// The counter after the credential's last ceremony (0 before the first); this ceremony
    /// carries one more.
    pub sign_count: u32,
    /// `PublicKeyCredentialCreationOptionsJSON`, as the edge handed it out.
    pub options: PublicKeyCredentialCreationOptionsJSON,
    /// The origin of the page calling the API (the edge's, for the PWA).
    pub origin: String,
    /// Deviations from Chromium, for negative tests.
    #[serde(default)]
    pub tweaks: TweaksJson,
}

/// `{"op":"get", …}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetRequest {
    /// The credential's P-256 private scalar, big-endian, b64u of 32 bytes.
    pub private_key: String,
    /// The credential id, b64u.
    pub credential_id: String,
    /// The counter after the credential's last ceremony.
    pub sign_count: u32,
    /// The `userHandle` to return, b64u: the `user.id` of the registration, which a
    /// discoverable credential (what Chromium makes) returns. Absent or `null`: none returned.
    #[serde(default)]
    pub user_handle: Option<String>,
    /// `PublicKeyCredentialRequestOptionsJSON`, as the edge handed it out.
    pub options: PublicKeyCredentialRequestOptionsJSON,
    /// The origin of the page calling the API.
    pub origin: String,
    /// Deviations from Chromium, for negative tests.
    #[serde(default)]
    pub tweaks: TweaksJson,
}

/// The [`Tweaks`] the edge's negative tests need; every member optional, absent = Chromium.
/// Each response is still validly signed, so only the named check can reject it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TweaksJson {
    /// Clear the UV flag.
    pub omit_user_verification: bool,
    /// Clear the UP flag.
    pub omit_user_presence: bool,
    /// Hash this RP ID into `rpIdHash` instead of the options' one.
    pub rp_id: Option<String>,
    /// Carry exactly this signature counter instead of `sign_count + 1`.
    pub sign_count: Option<u32>,
    /// `"crossOrigin":true` in the client data.
    pub cross_origin: bool,
    /// This client data `type` instead of `webauthn.create` / `webauthn.get`.
    pub client_data_type: Option<String>,
    /// `"topOrigin":…` in the client data.
    pub top_origin: Option<String>,
    /// Append the member Chromium adds at random to about one `clientDataJSON` in five (a
    /// positive variation: relying parties must accept it).
    pub other_keys_member: bool,
    /// Set the BE flag (a syncable passkey).
    pub backup_eligible: bool,
    /// Set the BS flag (a backed-up passkey).
    pub backup_state: bool,
}

impl From<TweaksJson> for Tweaks {
    fn from(t: TweaksJson) -> Self {
        Self {
            omit_user_verification: t.omit_user_verification,
            omit_user_presence: t.omit_user_presence,
            rp_id: t.rp_id,
            sign_count: t.sign_count,
            cross_origin: t.cross_origin,
            client_data_type: t.client_data_type,
            top_origin: t.top_origin,
            other_keys_member: t.other_keys_member,
            backup_eligible: t.backup_eligible,
            backup_state: t.backup_state,
            ..Self::default()
        }
    }
}

/// What one run writes on stdout.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// After `create`.
    Create(CreateAnswer),
    /// After `get`.
    Get(GetAnswer),
}

/// `{"response", "public_key", "sign_count"}`.
#[derive(Debug, Serialize)]
pub struct CreateAnswer {
    /// `RegistrationResponseJSON`, as `PublicKeyCredential.toJSON()` gives it.
    pub response: RegistrationResponseJSON,
    /// The credential public key, b64u of the 65-byte uncompressed point.
    pub public_key: String,
    /// The counter this ceremony carried: pass it as `sign_count` next time.
    pub sign_count: u32,
}

/// `{"response", "sign_count"}`.
#[derive(Debug, Serialize)]
pub struct GetAnswer {
    /// `AuthenticationResponseJSON`, as `PublicKeyCredential.toJSON()` gives it.
    pub response: AuthenticationResponseJSON,
    /// The counter this ceremony carried: pass it as `sign_count` next time.
    pub sign_count: u32,
}
