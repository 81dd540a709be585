//! RFC 8291 message decryption, the user agent's (receiving) side. The edge does not need it to
//! send; it is here for tests and for a fake push service that opens what the edge sent, the
//! way a browser would.

use core::fmt;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce, Tag};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::{PublicKey, SecretKey};

use crate::encrypt::{HEADER_LEN, LAST_RECORD_DELIMITER, TAG_LEN};
use crate::key_schedule;
use crate::subscription::{AUTH_LEN, P256DH_LEN};

/// Largest body accepted: RFC 8291 §4 limits a push message to 4096 octets.
pub const MAX_BODY_LEN: usize = 4096;

/// Why a message could not be decrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecryptError {
    /// The user agent's secret is 0 or not below the P-256 group order.
    BadSecret,
    /// The body is longer than [`MAX_BODY_LEN`].
    TooLong,
    /// The body is shorter than a header plus an empty record.
    TooShort,
    /// The header's `rs` is below 18 (RFC 8188 §2: the smallest useful record).
    RecordSizeTooSmall,
    /// `idlen` is not 65: RFC 8291 §4 puts the sender's uncompressed key in `keyid`.
    KeyIdLength {
        /// The `idlen` octet.
        len: u8,
    },
    /// `keyid` is not an uncompressed point on P-256.
    BadSenderKey,
    /// The ciphertext is longer than `rs`: more than one record, which Web Push never sends.
    MultipleRecords,
    /// AES-GCM authentication failed: wrong keys, or the message was altered.
    Authentication,
    /// The record is all zeros or ends in a delimiter other than 0x02 (RFC 8188 §2).
    BadPadding,
    /// HKDF refused an output length (cannot happen with RFC 8291's fixed lengths).
    KeyDerivation,
}

impl fmt::Display for DecryptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSecret => f.write_str("user agent secret is not a valid P-256 scalar"),
            Self::TooLong => write!(f, "push message is longer than {MAX_BODY_LEN} bytes"),
            Self::TooShort => f.write_str("push message is shorter than its header and tag"),
            Self::RecordSizeTooSmall => f.write_str("record size is below 18"),
            Self::KeyIdLength { len } => write!(f, "keyid is {len} bytes, expected 65"),
            Self::BadSenderKey => f.write_str("keyid is not an uncompressed P-256 point"),
            Self::MultipleRecords => f.write_str("push message has more than one record"),
            Self::Authentication => f.write_str("push message failed authentication"),
            Self::BadPadding => f.write_str("record padding has no last-record delimiter"),
            Self::KeyDerivation => f.write_str("HKDF key derivation failed"),
        }
    }
}

impl std::error::Error for DecryptError {}

/// Decrypts a Web Push message body as the user agent does: `ua_secret` is the private key
/// behind the subscription's `p256dh`, `auth` its authentication secret. Accepts one record of
/// any `rs` ≥ 18 and any amount of zero padding.
pub fn decrypt(
    ua_secret: &[u8; 32],
    auth: &[u8; AUTH_LEN],
    body: &[u8],
) -> Result<Vec<u8>, DecryptError> {
    let ua_secret = SecretKey::from_slice(ua_secret).map_err(|_| DecryptError::BadSecret)?;
    if body.len() > MAX_BODY_LEN {
        return Err(DecryptError::TooLong);
    }
    if body.len() < HEADER_LEN + 1 + TAG_LEN {
        return Err(DecryptError::TooShort);
    }
    let (salt, rest) = body
        .split_first_chunk::<16>()
        .ok_or(DecryptError::TooShort)?;
    let (rs, rest) = rest
        .split_first_chunk::<4>()
        .ok_or(DecryptError::TooShort)?;
    let (&idlen, rest) = rest.split_first().ok_or(DecryptError::TooShort)?;
    let rs = u32::from_be_bytes(*rs);
    if rs < 18 {
        return Err(DecryptError::RecordSizeTooSmall);
    }
    if usize::from(idlen) != P256DH_LEN {
        return Err(DecryptError::KeyIdLength { len: idlen });
    }
    let (as_public, record) = rest
        .split_first_chunk::<P256DH_LEN>()
        .ok_or(DecryptError::TooShort)?;
    if as_public.first() != Some(&0x04) {
        return Err(DecryptError::BadSenderKey);
    }
    let sender = PublicKey::from_sec1_bytes(as_public).map_err(|_| DecryptError::BadSenderKey)?;
    if u32::try_from(record.len()).map_or(true, |len| len > rs) {
        return Err(DecryptError::MultipleRecords);
    }

    let ua_public: [u8; P256DH_LEN] = ua_secret.public_key().to_uncompressed_point().into();
    let shared = ua_secret.diffie_hellman(&sender);
    let content =
        key_schedule::derive(shared.raw_secret_bytes(), auth, &ua_public, as_public, salt)
            .map_err(|_| DecryptError::KeyDerivation)?;

    let (ciphertext, tag) = record
        .len()
        .checked_sub(TAG_LEN)
        .and_then(|at| record.split_at_checked(at))
        .ok_or(DecryptError::TooShort)?;
    let tag = Tag::try_from(tag).map_err(|_| DecryptError::TooShort)?;
    let mut plaintext = ciphertext.to_vec();
    Aes128Gcm::new(&content.cek.into())
        .decrypt_inout_detached(
            &Nonce::from(content.nonce),
            &[],
            plaintext.as_mut_slice().into(),
            &tag,
        )
        .map_err(|_| DecryptError::Authentication)?;

    // RFC 8188 §2: strip trailing zero padding; the octet before it is the delimiter.
    let delimiter_at = plaintext
        .iter()
        .rposition(|&b| b != 0)
        .ok_or(DecryptError::BadPadding)?;
    if plaintext.get(delimiter_at) != Some(&LAST_RECORD_DELIMITER) {
        return Err(DecryptError::BadPadding);
    }
    plaintext.truncate(delimiter_at);
    Ok(plaintext)
}
