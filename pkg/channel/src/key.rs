use p256::elliptic_curve::sec1::ToSec1Point;
use p256::{PublicKey, SecretKey};

use crate::ChannelError;

/// A static P-256 ECDH secret: the edge's `CHANNEL_PRIVATE_KEY`, or a device key in tests.
#[derive(Clone)]
pub struct StaticSecret(SecretKey);

impl StaticSecret {
    /// From a 32-byte big-endian scalar.
    pub fn from_bytes(scalar: &[u8; 32]) -> Result<Self, ChannelError> {
        SecretKey::from_slice(scalar)
            .map(Self)
            .map_err(|_| ChannelError::InvalidSecretKey)
    }

    /// The 65-byte uncompressed public point.
    pub fn public_key(&self) -> [u8; 65] {
        let point = self.0.public_key().to_sec1_point(false);
        let mut out = [0u8; 65];
        out.copy_from_slice(point.as_bytes());
        out
    }

    /// The x-coordinate of ECDH(self, peer): the HKDF input keying material.
    pub(crate) fn shared_x(&self, peer: &PublicKey) -> [u8; 32] {
        let shared = p256::ecdh::diffie_hellman(self.0.to_nonzero_scalar(), peer.as_affine());
        (*shared.raw_secret_bytes()).into()
    }
}

impl core::fmt::Debug for StaticSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("StaticSecret(..)")
    }
}

/// Parses a 65-byte uncompressed SEC1 point (the form WebCrypto's `raw` export gives).
pub fn public_key_from_sec1(bytes: &[u8]) -> Result<PublicKey, ChannelError> {
    // Only the uncompressed form: it is what the SPEC names, and one spelling per key keeps
    // stored keys comparable.
    if bytes.len() != 65 || bytes.first() != Some(&0x04) {
        return Err(ChannelError::InvalidPublicKey);
    }
    PublicKey::from_sec1_bytes(bytes).map_err(|_| ChannelError::InvalidPublicKey)
}
