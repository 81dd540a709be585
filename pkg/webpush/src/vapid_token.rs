//! A VAPID JWT in two halves, for a signer outside this crate: the JWS signing input built
//! here, the ES256 signature made elsewhere (WebCrypto at the edge), the token assembled here.

use assent_proto::b64u;
use p256::ecdsa::Signature;

use crate::origin::Origin;
use crate::vapid::VapidError;

/// The JOSE header of every VAPID token (RFC 8292 §2, RFC 7515).
const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;

/// Length of a JWS ES256 signature: `r || s`, 32 big-endian bytes each (RFC 7518 §3.4).
pub const ES256_SIGNATURE_LEN: usize = 64;

/// A VAPID JWT with its header and claims fixed, waiting for its ES256 signature.
///
/// Made by [`crate::VapidKey::unsigned_jwt`] or [`crate::VapidCache::unsigned`]. Sign
/// [`Self::signing_input`] with the VAPID private key (ECDSA P-256 over SHA-256; WebCrypto:
/// `sign({name: "ECDSA", hash: "SHA-256"}, key, input)`, which returns exactly the raw
/// `r || s` JWS wants), then finish with [`Self::into_jwt`], [`Self::into_authorization`] or
/// [`crate::VapidCache::insert_signed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedVapidToken {
    audience: Origin,
    exp: u64,
    signing_input: String,
    public_b64u: String,
}

impl UnsignedVapidToken {
    /// RFC 7515 §5.1: `BASE64URL(header) || '.' || BASE64URL(claims)`, claims `aud`, `exp`,
    /// `sub` (RFC 8292 §2). Callers have checked `exp` and `subject`.
    pub(crate) fn new(audience: &Origin, exp: u64, subject: &str, public_b64u: &str) -> Self {
        let claims = serde_json::json!({
            "aud": audience.as_str(),
            "exp": exp,
            "sub": subject,
        });
        let mut signing_input = b64u::encode(JWT_HEADER.as_bytes());
        signing_input.push('.');
        signing_input.push_str(&b64u::encode(claims.to_string().as_bytes()));
        Self {
            audience: audience.clone(),
            exp,
            signing_input,
            public_b64u: public_b64u.to_owned(),
        }
    }

    /// The bytes to sign: the JWS signing input (ASCII).
    pub fn signing_input(&self) -> &str {
        &self.signing_input
    }

    /// The `aud` claim.
    pub fn audience(&self) -> &Origin {
        &self.audience
    }

    /// The `exp` claim (Unix seconds).
    pub fn exp(&self) -> u64 {
        self.exp
    }

    /// The base64url public key of the VAPID key the token is for (the header's `k`).
    pub fn public_key_b64u(&self) -> &str {
        &self.public_b64u
    }

    /// The JWT: the signing input, `.`, and the base64url of `signature`, the raw `r || s`
    /// ES256 signature of [`Self::signing_input`] (RFC 7518 §3.4; not DER).
    ///
    /// Checks that `r` and `s` are each in `[1, n)` ([`VapidError::BadSignature`]), which
    /// catches a DER or zeroed buffer; it does not verify the signature (that costs a scalar
    /// multiplication, the work the external signer exists to take away), so signing with the
    /// key behind [`Self::public_key_b64u`] is the caller's part.
    pub fn into_jwt(self, signature: &[u8; ES256_SIGNATURE_LEN]) -> Result<String, VapidError> {
        Signature::from_slice(signature).map_err(|_| VapidError::BadSignature)?;
        let mut token = self.signing_input;
        token.push('.');
        token.push_str(&b64u::encode(signature));
        Ok(token)
    }

    /// The `Authorization` header value, `vapid t=<jwt>, k=<public key>` (RFC 8292 §3), from
    /// [`Self::into_jwt`].
    pub fn into_authorization(
        self,
        signature: &[u8; ES256_SIGNATURE_LEN],
    ) -> Result<String, VapidError> {
        let k = self.public_b64u.clone();
        let jwt = self.into_jwt(signature)?;
        Ok(format!("vapid t={jwt}, k={k}"))
    }
}
