//! The edge's receipt signing key, `RECEIPT_PRIVATE_KEY` (SPEC §3).

use assent_proto::b64u;
use p256::ecdsa::SigningKey;

use crate::jwk::Jwk;
use crate::jwk_set::JwkSet;

/// Why a receipt private key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// Not canonical unpadded base64url.
    Encoding,
    /// Not 32 bytes.
    Length(usize),
    /// Zero, or not below the P-256 group order.
    Scalar,
}

impl core::fmt::Display for KeyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Encoding => f.write_str("receipt key is not canonical base64url"),
            Self::Length(n) => write!(f, "receipt key is {n} bytes, not 32"),
            Self::Scalar => f.write_str("receipt key is not a valid P-256 scalar"),
        }
    }
}

impl std::error::Error for KeyError {}

/// A P-256 signing key with its public JWK: `kid` = the RFC 7638 thumbprint, `alg` ES256,
/// `use` sig.
#[derive(Clone)]
pub struct ReceiptKey {
    signing: SigningKey,
    public: Jwk,
}

impl core::fmt::Debug for ReceiptKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print the scalar.
        f.debug_struct("ReceiptKey")
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}

impl ReceiptKey {
    /// The key for a 32-byte big-endian scalar.
    pub fn from_bytes(scalar: &[u8]) -> Result<Self, KeyError> {
        if scalar.len() != 32 {
            return Err(KeyError::Length(scalar.len()));
        }
        let signing = SigningKey::from_slice(scalar).map_err(|_| KeyError::Scalar)?;
        Ok(Self::from_signing_key(signing))
    }

    /// The key for the base64url scalar stored in `RECEIPT_PRIVATE_KEY`.
    pub fn from_b64u(text: &str) -> Result<Self, KeyError> {
        let scalar = b64u::decode(text).map_err(|_| KeyError::Encoding)?;
        Self::from_bytes(&scalar)
    }

    /// Wraps an existing signing key.
    pub fn from_signing_key(signing: SigningKey) -> Self {
        let bare = Jwk::from_verifying_key(signing.verifying_key());
        let kid = bare.thumbprint();
        Self {
            public: bare.with_kid(kid).for_es256_signatures(),
            signing,
        }
    }

    /// The key id: the RFC 7638 SHA-256 thumbprint of the public key.
    pub fn kid(&self) -> &str {
        self.public.kid().unwrap_or_default()
    }

    /// The public key as a JWK Set entry.
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }

    /// The JWK Set holding this key alone, as served at `/.well-known/jwks.json`.
    pub fn jwk_set(&self) -> JwkSet {
        JwkSet::from_single(self.public.clone())
    }

    /// The ECDSA signing key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }
}
