//! RFC 8292 VAPID: the application server's P-256 key and the ES256 JWT that identifies it to
//! push services.

use core::fmt;

use assent_proto::b64u;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToSec1Point;

use crate::origin::Origin;
use crate::subscription::P256DH_LEN;
use crate::vapid_token::UnsignedVapidToken;

/// RFC 8292 §2: a push service may reject an `exp` more than 24 hours in the future.
pub const MAX_LIFETIME_SECONDS: u64 = 24 * 60 * 60;
/// The lifetime given to a token when the caller has no reason to choose one: half the
/// maximum, so clock skew between the edge and the push service never breaks the 24 h limit.
pub const DEFAULT_LIFETIME_SECONDS: u64 = 12 * 60 * 60;

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
    /// An externally made signature has `r` or `s` equal to 0 or not below the P-256 group
    /// order: not a raw ES256 signature.
    BadSignature,
    /// [`crate::VapidCache::insert_signed`] got a token made for another VAPID key.
    OtherKey,
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
            Self::BadSignature => {
                f.write_str("VAPID signature is not a raw ES256 r || s with r, s in [1, n)")
            }
            Self::OtherKey => f.write_str("VAPID token was made for another key"),
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

    /// The private key as a JWK (RFC 7518 §6.2: `kty`, `crv`, `x`, `y`, `d`), JSON text, for
    /// importing into a host's signer (WebCrypto `importKey("jwk", …, {name: "ECDSA",
    /// namedCurve: "P-256"}, false, ["sign"])`). It holds the secret scalar: import it and drop
    /// it, never log or store it.
    pub fn private_jwk(&self) -> String {
        // `public` is `0x04 || x || y`, 32 bytes each.
        let x = self.public.get(1..33).unwrap_or_default();
        let y = self.public.get(33..).unwrap_or_default();
        serde_json::json!({
            "kty": "EC",
            "crv": "P-256",
            "x": b64u::encode(x),
            "y": b64u::encode(y),
            "d": b64u::encode(&self.signing.to_bytes()),
        })
        .to_string()
    }

    /// The JWT for `audience` expiring at `exp` (Unix seconds), unsigned: for a signer outside
    /// this crate. `exp` must be after `now` and at most 24 hours later (RFC 8292 §2).
    pub fn unsigned_jwt(
        &self,
        audience: &Origin,
        exp: u64,
        now: u64,
    ) -> Result<UnsignedVapidToken, VapidError> {
        if exp <= now {
            return Err(VapidError::ExpNotInFuture { exp, now });
        }
        let max = now.saturating_add(MAX_LIFETIME_SECONDS);
        if exp > max {
            return Err(VapidError::ExpTooFar { exp, max });
        }
        Ok(UnsignedVapidToken::new(
            audience,
            exp,
            &self.subject,
            &self.public_b64u,
        ))
    }

    /// ES256 in software: RFC 6979 deterministic nonce, `r || s`.
    pub(crate) fn sign(&self, token: &UnsignedVapidToken) -> Result<[u8; 64], VapidError> {
        let signature: Signature = self
            .signing
            .try_sign(token.signing_input().as_bytes())
            .map_err(|_| VapidError::Signing)?;
        Ok(signature.to_bytes().into())
    }

    /// Signs a VAPID JWT for `audience` expiring at `exp` (Unix seconds), which must be after
    /// `now` and at most 24 hours later (RFC 8292 §2). ES256 with RFC 6979 deterministic
    /// nonces, signature as JWS `r || s` (RFC 7518 §3.4): [`Self::unsigned_jwt`] signed here.
    pub fn jwt(&self, audience: &Origin, exp: u64, now: u64) -> Result<String, VapidError> {
        let token = self.unsigned_jwt(audience, exp, now)?;
        let signature = self.sign(&token)?;
        token.into_jwt(&signature)
    }

    /// The `Authorization` header value, `vapid t=<jwt>, k=<public key>` (RFC 8292 §3).
    pub fn authorization(
        &self,
        audience: &Origin,
        exp: u64,
        now: u64,
    ) -> Result<String, VapidError> {
        let token = self.unsigned_jwt(audience, exp, now)?;
        let signature = self.sign(&token)?;
        token.into_authorization(&signature)
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
