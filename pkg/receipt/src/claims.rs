//! The claims of an Assent receipt (SPEC §8).

use assent_proto::content::FORMAT_VERSION;
use assent_proto::jcs::JcsError;
use assent_proto::{Decision, DenyReason, RequestContent, Statement};
use serde::{Deserialize, Serialize};

use crate::jwk::Jwk;

/// The JWS `typ` of a receipt.
pub const RECEIPT_TYP: &str = "assent-receipt+jwt";

/// The claims set of a receipt. Unknown claims are ignored when parsing (RFC 7519 §4), so
/// the edge may add optional ones; a claim given twice is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptClaims {
    /// The edge's origin, `EDGE`.
    pub iss: String,
    /// The RP's `rp_id`.
    pub aud: String,
    /// The RP's `user_id`.
    pub sub: String,
    /// The `request_id`.
    pub jti: String,
    /// When the receipt was issued, Unix seconds.
    pub iat: u64,
    /// The request content the user was shown and signed.
    pub request: RequestContent,
    /// The user's decision.
    pub decision: Decision,
    /// Why the user denied (deny only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DenyReason>,
    /// The code the user typed, when number matching was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_code: Option<String>,
    /// The device that decided.
    pub device: DeviceClaim,
    /// The WebAuthn assertion the decision was signed with.
    pub webauthn: WebAuthnClaim,
}

/// `device`: which authenticator decided, with the public key the RP can check the assertion
/// against (and compare with the one it recorded at activation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceClaim {
    /// The device id.
    pub id: String,
    /// The WebAuthn credential id (base64url in JSON).
    #[serde(with = "bytes_b64u")]
    pub credential_id: Vec<u8>,
    /// The credential's P-256 public key.
    pub public_key: Jwk,
}

/// `webauthn`: the raw assertion, so an RP can verify the decision without trusting the edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebAuthnClaim {
    /// `authenticatorData` (base64url in JSON).
    #[serde(with = "bytes_b64u")]
    pub authenticator_data: Vec<u8>,
    /// `clientDataJSON`, the exact bytes the authenticator hashed (base64url in JSON).
    #[serde(with = "bytes_b64u")]
    pub client_data_json: Vec<u8>,
    /// The ES256 assertion signature, ASN.1 DER as WebAuthn produces it (base64url in JSON).
    #[serde(with = "bytes_b64u")]
    pub signature: Vec<u8>,
}

impl ReceiptClaims {
    /// The decision statement this receipt attests, rebuilt from the claims: its
    /// [`Statement::challenge`] is what the WebAuthn assertion must have signed (SPEC §7).
    /// The `request_hash` is recomputed from `request`, never taken on trust.
    pub fn statement(&self) -> Result<Statement, JcsError> {
        Ok(Statement::new(
            self.request.request_hash()?,
            self.decision,
            self.reason,
            self.binding_code.clone(),
        ))
    }

    /// True when the request content is in the format version this crate knows.
    pub(crate) fn has_known_version(&self) -> bool {
        self.request.v == FORMAT_VERSION
    }
}

/// Binary members as canonical unpadded base64url (SPEC §1).
mod bytes_b64u {
    use assent_proto::b64u;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&b64u::encode(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        b64u::decode(&text).map_err(serde::de::Error::custom)
    }
}
