//! RFC 8292 VAPID: the application server's P-256 key and the ES256 JWT that identifies it to
//! push services.

use core::fmt;

use assent_proto::b64u;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToSec1Point;

use crate::origin::Origin;
use crate::subscription::P256DH_LEN;

/// RFC 8292 §2: a push service may reject an `exp` more than 24 hours in the future.
pub const MAX_LIFETIME_SECONDS: u64 = 24 * 60 * 60;
/// The lifetime given to a token when the caller has no reason to choose one: half the
/// maximum, so clock skew between the edge and the push service never breaks the 24 h limit.
pub const DEFAULT_LIFETIME_SECONDS: u64 = 12 * 60 * 60;

/// The JOSE header of every VAPID token (RFC 8292 §2, RFC 7515).
const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;

/// Why a VAPID key could not be made or a token signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VapidError {
    /// The private key is not canonical base64url of 32 bytes.
    PrivateKeyEncoding,
    /// The private scalar is 0 or not below the P-256 group order.
    PrivateKeyOutOfRange,
    /// The subject is not a `mailto:` address or an `https:` URL (SPEC §3, RFC 8292 §2.1).
    BadSubject,
    /// `exp` is not after `now`.
    ExpNotInFuture {
        /// The requested expiry (Unix seconds).
        exp: u64,
        /// The caller's clock (Unix seconds).
        now: u64,
    },
    /// `exp` is more than 24 hours after `now`.
    ExpTooFar {
        /// The requested expiry (Unix seconds).
        exp: u64,
        /// The latest expiry allowed (Unix seconds).
        max: u64,
    },
    /// A token lifetime outside what [`crate::VapidCache`] can use.
    BadLifetime,
    /// The ECDSA signer reported an error (RustCrypto's software signer never does).
    Signing,
}

impl fmt::Display for VapidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PrivateKeyEncoding => {
                f.write_str("VAPID private key is not base64url of 32 bytes")
            }
            Self::PrivateKeyOutOfRange => {
                f.write_str("VAPID private key is not a valid P-256 scalar")
            }
            Self::BadSubject => f.write_str("VAPID subject is not a mailto: or https: URL"),
            Self::ExpNotInFuture { exp, now } => {
                write!(f, "VAPID exp {exp} is not after now ({now})")
            }
            Self::ExpTooFar { exp, max } => {
                write!(f, "VAPID exp {exp} is more than 24 h ahead (max {max})")
            }
            Self::BadLifetime => f.write_str("VAPID token lifetime is out of range"),
            Self::Signing => f.write_str("ECDSA signing failed"),
        }
    }
}

impl std::error::Error for VapidError {}

/// The application server's VAPID identity: its P-256 signing key and contact subject.
#[derive(Clone)]
pub struct VapidKey {
    signing: SigningKey,
    public: [u8; P256DH_LEN],
    public_b64u: String,
    subject: String,
}

impl fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VapidKey")
            .field("public", &self.public_b64u)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl VapidKey {
    /// A key from its 32-byte private scalar (big-endian) and the `sub` claim, a `mailto:`
    /// address or an `https:` URL.
    pub fn new(private_scalar: &[u8; 32], subject: &str) -> Result<Self, VapidError> {
        let signing =
            SigningKey::from_slice(private_scalar).map_err(|_| VapidError::PrivateKeyOutOfRange)?;
        if !is_contact_uri(subject) {
            return Err(VapidError::BadSubject);
        }
        let public: [u8; P256DH_LEN] = signing
            .verifying_key()
            .as_affine()
            .to_uncompressed_point()
            .into();
        Ok(Self {
            signing,
            public,
            public_b64u: b64u::encode(&public),
            subject: subject.to_owned(),
        })
    }

    /// A key from `VAPID_PRIVATE_KEY` (SPEC §3: base64url of the 32-byte scalar).
    pub fn from_b64u(private_scalar: &str, subject: &str) -> Result<Self, VapidError> {
        let scalar =
            b64u::decode_array::<32>(private_scalar).map_err(|_| VapidError::PrivateKeyEncoding)?;
        Self::new(&scalar, subject)
    }

    /// The public key, uncompressed (65 bytes): what browsers take as `applicationServerKey`.
    pub fn public_key(&self) -> &[u8; P256DH_LEN] {
        &self.public
    }

    /// The public key in base64url, the `k` parameter of the `vapid` scheme.
    pub fn public_key_b64u(&self) -> &str {
        &self.public_b64u
    }

    /// The `sub` claim.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Signs a VAPID JWT for `audience` expiring at `exp` (Unix seconds), which must be after
    /// `now` and at most 24 hours later (RFC 8292 §2). ES256 with RFC 6979 deterministic
    /// nonces, signature as JWS `r || s` (RFC 7518 §3.4).
    pub fn jwt(&self, audience: &Origin, exp: u64, now: u64) -> Result<String, VapidError> {
        if exp <= now {
            return Err(VapidError::ExpNotInFuture { exp, now });
        }
        let max = now.saturating_add(MAX_LIFETIME_SECONDS);
        if exp > max {
            return Err(VapidError::ExpTooFar { exp, max });
        }
        let claims = serde_json::json!({
            "aud": audience.as_str(),
            "exp": exp,
            "sub": self.subject,
        });
        let mut token = b64u::encode(JWT_HEADER.as_bytes());
        token.push('.');
        token.push_str(&b64u::encode(claims.to_string().as_bytes()));
        let signature: Signature = self
            .signing
            .try_sign(token.as_bytes())
            .map_err(|_| VapidError::Signing)?;
        token.push('.');
        token.push_str(&b64u::encode(&signature.to_bytes()));
        Ok(token)
    }

    /// The `Authorization` header value, `vapid t=<jwt>, k=<public key>` (RFC 8292 §3).
    pub fn authorization(
        &self,
        audience: &Origin,
        exp: u64,
        now: u64,
    ) -> Result<String, VapidError> {
        let jwt = self.jwt(audience, exp, now)?;
        Ok(format!("vapid t={jwt}, k={}", self.public_b64u))
    }
}

/// RFC 8292 §2.1: `sub` SHOULD be a `mailto:` (RFC 6068) or `https:` URI; SPEC §3 makes it
/// MUST. Anything that could break out of the JSON string or a header is refused too.
fn is_contact_uri(subject: &str) -> bool {
    if !subject.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    if let Some(address) = subject.strip_prefix("mailto:") {
        return matches!(address.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty());
    }
    subject.starts_with("https://") && Origin::of_endpoint(subject, false).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        for ok in [
            "mailto:ops@assent.example",
            "https://assent.example",
            "https://assent.example/contact",
        ] {
            assert!(is_contact_uri(ok), "{ok}");
        }
        for bad in [
            "",
            "mailto:",
            "mailto:@x",
            "mailto:ops@",
            "mailto:ops @x",
            "ops@assent.example",
            "http://assent.example",
            "https://",
            "https://a\"b",
            "mailto:ops@assent.example\r\nX: y",
        ] {
            assert!(!is_contact_uri(bad), "{bad:?}");
        }
    }
}
