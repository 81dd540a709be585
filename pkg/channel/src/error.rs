/// Why a channel operation failed. Deliberately coarse on `open`: a caller learns that a
/// sealed message is not authentic, never which byte was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelError {
    /// The static secret is not a valid P-256 scalar (zero or ≥ the group order).
    InvalidSecretKey,
    /// The peer key is not a 65-byte uncompressed P-256 point on the curve.
    InvalidPublicKey,
    /// The sealed text is not canonical unpadded base64url.
    InvalidEncoding,
    /// The sealed message is shorter than a nonce and a tag.
    TooShort,
    /// Authentication failed: wrong key, purpose, device id, or tampered bytes.
    NotAuthentic,
    /// The opened plaintext is not the expected JSON.
    InvalidJson,
}

impl core::fmt::Display for ChannelError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::InvalidSecretKey => "channel secret key is not a valid P-256 scalar",
            Self::InvalidPublicKey => "channel public key is not an uncompressed P-256 point",
            Self::InvalidEncoding => "sealed payload is not base64url",
            Self::TooShort => "sealed payload is too short",
            Self::NotAuthentic => "sealed payload failed authentication",
            Self::InvalidJson => "sealed payload is not the expected JSON",
        })
    }
}

impl std::error::Error for ChannelError {}
