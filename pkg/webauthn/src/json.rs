//! The WebAuthn Level 3 JSON forms (§5.1.8 `toJSON()`, §5.1.9/§5.1.10 `parse*OptionsFromJSON`),
//! member for member as browsers produce and consume them. Binary members are unpadded
//! base64url strings; they are decoded (strictly) by the verifiers, so a bad encoding is
//! reported as its own error rather than as a JSON error.
//!
//! Browser-made responses may gain members in future browser versions, so unknown members are
//! ignored when deserializing them; duplicate members are rejected (serde's derive does that).

use serde::{Deserialize, Serialize};

/// The credential type: always `"public-key"`.
pub const PUBLIC_KEY_TYPE: &str = "public-key";

/// COSE algorithm identifier of ES256 (ECDSA P-256 with SHA-256), the only one Assent accepts.
pub const ES256: i64 = -7;

/// `RegistrationResponseJSON`: what `PublicKeyCredential.toJSON()` returns after
/// `navigator.credentials.create()`. Members are in the order Chromium emits them
/// (WebIDL dictionaries serialize their members lexicographically).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationResponseJSON {
    /// `"platform"` or `"cross-platform"`, when the browser knows it. Informational only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    /// Client extension outputs. Assent requests none; the member is carried, not checked.
    #[serde(default)]
    pub client_extension_results: serde_json::Map<String, serde_json::Value>,
    /// The credential id, b64u.
    pub id: String,
    /// The credential id again, b64u (must equal `id`).
    pub raw_id: String,
    /// The authenticator's attestation response.
    pub response: AuthenticatorAttestationResponseJSON,
    /// Always `"public-key"`.
    #[serde(rename = "type")]
    pub type_: String,
}

/// `AuthenticatorAttestationResponseJSON`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorAttestationResponseJSON {
    /// The CBOR attestation object `{fmt, attStmt, authData}`, b64u.
    pub attestation_object: String,
    /// Convenience copy of the authenticator data inside the attestation object, b64u.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_data: Option<String>,
    /// The client data JSON the authenticator signed over (its SHA-256), b64u.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// Convenience copy of the credential public key as DER `SubjectPublicKeyInfo`, b64u.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Convenience copy of the credential's COSE algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_algorithm: Option<i64>,
    /// The transports the authenticator reports (`"internal"`, `"hybrid"`, `"usb"`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transports: Option<Vec<String>>,
}

/// `AuthenticationResponseJSON`: what `PublicKeyCredential.toJSON()` returns after
/// `navigator.credentials.get()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationResponseJSON {
    /// `"platform"` or `"cross-platform"`, when the browser knows it. Informational only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    /// Client extension outputs. Assent requests none; the member is carried, not checked.
    #[serde(default)]
    pub client_extension_results: serde_json::Map<String, serde_json::Value>,
    /// The credential id, b64u.
    pub id: String,
    /// The credential id again, b64u (must equal `id`).
    pub raw_id: String,
    /// The authenticator's assertion response.
    pub response: AuthenticatorAssertionResponseJSON,
    /// Always `"public-key"`.
    #[serde(rename = "type")]
    pub type_: String,
}

/// `AuthenticatorAssertionResponseJSON`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorAssertionResponseJSON {
    /// The authenticator data, b64u.
    pub authenticator_data: String,
    /// The client data JSON, b64u.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// DER-encoded ECDSA signature over `authenticatorData || SHA-256(clientDataJSON)`, b64u.
    pub signature: String,
    /// The user handle (`user.id` at registration), b64u, when the authenticator returns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_handle: Option<String>,
}

/// `PublicKeyCredentialCreationOptionsJSON`, the argument of
/// `PublicKeyCredential.parseCreationOptionsFromJSON()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyCredentialCreationOptionsJSON {
    /// The relying party.
    pub rp: RelyingPartyEntity,
    /// The user account.
    pub user: UserEntityJSON,
    /// The challenge, b64u.
    pub challenge: String,
    /// Acceptable credential types and algorithms, most preferred first.
    pub pub_key_cred_params: Vec<CredentialParameters>,
    /// How long the browser waits for the user, in milliseconds (a hint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
    /// Credentials the authenticator must not register again (the account's other devices).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_credentials: Vec<CredentialDescriptorJSON>,
    /// Authenticator requirements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_selection: Option<AuthenticatorSelection>,
    /// The attestation conveyance preference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<AttestationConveyance>,
}

/// `PublicKeyCredentialRpEntity`. Assent always names the RP ID explicitly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelyingPartyEntity {
    /// The RP ID: the edge's host name (e.g. `localhost`, `assent.example.com`).
    pub id: String,
    /// A human-palatable name for the relying party.
    pub name: String,
}

/// `PublicKeyCredentialUserEntityJSON`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserEntityJSON {
    /// The user handle, b64u (opaque, at most 64 bytes, no personal data).
    pub id: String,
    /// The account name shown by the authenticator.
    pub name: String,
    /// The display name shown by the authenticator.
    pub display_name: String,
}

/// `PublicKeyCredentialParameters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialParameters {
    /// Always `"public-key"`.
    #[serde(rename = "type")]
    pub type_: String,
    /// COSE algorithm identifier.
    pub alg: i64,
}

/// `PublicKeyCredentialDescriptorJSON` (allow / exclude lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialDescriptorJSON {
    /// Always `"public-key"`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The credential id, b64u.
    pub id: String,
    /// Transport hints, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transports: Option<Vec<String>>,
}

impl CredentialDescriptorJSON {
    /// A descriptor for the credential with this id, without transport hints.
    pub fn new(credential_id: &[u8]) -> Self {
        Self {
            type_: PUBLIC_KEY_TYPE.to_owned(),
            id: assent_proto::b64u::encode(credential_id),
            transports: None,
        }
    }
}

/// `AuthenticatorSelectionCriteria`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorSelection {
    /// Whether a discoverable credential (passkey) is wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_key: Option<Requirement>,
    /// Whether the authenticator must verify the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_verification: Option<Requirement>,
}

/// The three-valued requirement used by `residentKey` and `userVerification`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    /// `"required"`.
    Required,
    /// `"preferred"`.
    Preferred,
    /// `"discouraged"`.
    Discouraged,
}

/// `AttestationConveyancePreference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttestationConveyance {
    /// `"none"`: what Assent asks for.
    None,
    /// `"indirect"`.
    Indirect,
    /// `"direct"`.
    Direct,
    /// `"enterprise"`.
    Enterprise,
}

/// `PublicKeyCredentialRequestOptionsJSON`, the argument of
/// `PublicKeyCredential.parseRequestOptionsFromJSON()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyCredentialRequestOptionsJSON {
    /// The challenge, b64u.
    pub challenge: String,
    /// The RP ID.
    pub rp_id: String,
    /// The credentials that may answer (the device's one credential).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_credentials: Vec<CredentialDescriptorJSON>,
    /// Whether the authenticator must verify the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_verification: Option<Requirement>,
    /// How long the browser waits for the user, in milliseconds (a hint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
}
