//! RFC 8291 message encryption, the application server's side: one `aes128gcm` record
//! (RFC 8188) with `rs` = 4096 and the ephemeral public key as `keyid`.

use core::fmt;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::{PublicKey, SecretKey};

use crate::key_schedule;
use crate::subscription::{P256DH_LEN, PushKeys};

/// Record size written in the header (RFC 8291 §4: one record of at most 4096 octets).
pub const RECORD_SIZE: u32 = 4096;
/// Header length: salt (16) || rs (4) || idlen (1) || keyid (65) (RFC 8291 §4).
pub const HEADER_LEN: usize = 16 + 4 + 1 + P256DH_LEN;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;
/// Largest plaintext that fits one 4096-byte message: 4096 − 86 (header) − 1 (delimiter) −
/// 16 (tag) = 3993 (RFC 8291 §4).
pub const MAX_PLAINTEXT_LEN: usize = 4096 - HEADER_LEN - 1 - TAG_LEN;
/// RFC 8188 §2: the padding delimiter of the last record.
pub(crate) const LAST_RECORD_DELIMITER: u8 = 0x02;
/// The header's `idlen` octet: the keyid is the sender's uncompressed public key.
const IDLEN: u8 = 65;
const _: () = assert!(IDLEN as usize == P256DH_LEN);

/// Why a message could not be encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncryptError {
    /// The plaintext is longer than [`MAX_PLAINTEXT_LEN`].
    PlaintextTooLong {
        /// Plaintext length.
        len: usize,
    },
    /// The ephemeral secret is 0 or not below the P-256 group order.
    BadEphemeralSecret,
    /// The sender's public key given to [`encrypt_with_agreement`] does not start with `0x04`
    /// (RFC 8291 §4: the `keyid` is the uncompressed point).
    SenderKeyNotUncompressed,
    /// The sender's public key given to [`encrypt_with_agreement`] is not a point on P-256.
    SenderKeyNotOnCurve,
    /// HKDF refused an output length (cannot happen with RFC 8291's fixed lengths).
    KeyDerivation,
    /// AES-GCM refused the record (cannot happen for a record this small).
    Cipher,
}

impl fmt::Display for EncryptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PlaintextTooLong { len } => write!(
                f,
                "push plaintext is {len} bytes, at most {MAX_PLAINTEXT_LEN} fit one message"
            ),
            Self::BadEphemeralSecret => f.write_str("ephemeral secret is not a valid P-256 scalar"),
            Self::SenderKeyNotUncompressed => {
                f.write_str("sender public key is not an uncompressed point")
            }
            Self::SenderKeyNotOnCurve => f.write_str("sender public key is not a point on P-256"),
            Self::KeyDerivation => f.write_str("HKDF key derivation failed"),
            Self::Cipher => f.write_str("AES-GCM encryption failed"),
        }
    }
}

impl std::error::Error for EncryptError {}

/// Encrypts `plaintext` for the user agent that owns `keys` (RFC 8291 §3–§4), doing the ECDH
/// here in software (`p256`).
///
/// `ephemeral_secret` is the application server's one-time ECDH private scalar and `salt` 16
/// random bytes; both must be fresh for every message (the caller draws them, which keeps this
/// crate free of a randomness source and makes tests reproducible). The result is the whole
/// request body: `salt || rs || idlen || as_public || ciphertext || tag`.
///
/// A host with native elliptic-curve code (WebCrypto in a Worker) does the ECDH itself and
/// calls [`encrypt_with_agreement`]; both end in the same key schedule and record code (this
/// one skips only the check of a public key it has just computed).
pub fn encrypt(
    keys: &PushKeys,
    plaintext: &[u8],
    ephemeral_secret: &[u8; 32],
    salt: &[u8; 16],
) -> Result<Vec<u8>, EncryptError> {
    // Checked before the costly scalar multiplications, not only in `seal`.
    check_plaintext_len(plaintext)?;
    let as_secret =
        SecretKey::from_slice(ephemeral_secret).map_err(|_| EncryptError::BadEphemeralSecret)?;
    let as_public: [u8; P256DH_LEN] = as_secret.public_key().to_uncompressed_point().into();
    // RFC 8291 §3.1: the shared secret is the x-coordinate of the ECDH result.
    let shared = as_secret.diffie_hellman(keys.public_key());
    seal(keys, plaintext, &as_public, shared.raw_secret_bytes(), salt)
}

/// Encrypts `plaintext` for the user agent that owns `keys` (RFC 8291 §3–§4) with an ECDH
/// computed by the caller: the key schedule (§3.3–§3.4) and the single `aes128gcm` record of
/// [`encrypt`], without its elliptic-curve arithmetic.
///
/// - `as_public`: the application server's one-time public key, uncompressed (`0x04 || x ||
///   y`); it becomes the header's `keyid`. WebCrypto: `exportKey("raw", publicKey)` of a
///   fresh `generateKey({name: "ECDH", namedCurve: "P-256"}, …)` pair.
/// - `ecdh_secret`: the x-coordinate of the ECDH of that key pair's private key with
///   `keys.p256dh()` (RFC 8291 §3.1). WebCrypto: `deriveBits({name: "ECDH", public:
///   <p256dh imported raw>}, privateKey, 256)`.
/// - `salt`: 16 fresh random bytes.
///
/// Both keys must be fresh for every message. `as_public` is checked to be an uncompressed
/// P-256 point (a cheap check: no scalar multiplication); that `ecdh_secret` belongs to it
/// cannot be checked without the private key, and a wrong one gives a message the user agent
/// fails to decrypt. Output as [`encrypt`]: `salt || rs || idlen || as_public || ciphertext ||
/// tag`.
pub fn encrypt_with_agreement(
    keys: &PushKeys,
    plaintext: &[u8],
    as_public: &[u8; P256DH_LEN],
    ecdh_secret: &[u8; 32],
    salt: &[u8; 16],
) -> Result<Vec<u8>, EncryptError> {
    if as_public.first() != Some(&0x04) {
        return Err(EncryptError::SenderKeyNotUncompressed);
    }
    PublicKey::from_sec1_bytes(as_public).map_err(|_| EncryptError::SenderKeyNotOnCurve)?;
    seal(keys, plaintext, as_public, ecdh_secret, salt)
}

fn check_plaintext_len(plaintext: &[u8]) -> Result<(), EncryptError> {
    if plaintext.len() > MAX_PLAINTEXT_LEN {
        return Err(EncryptError::PlaintextTooLong {
            len: plaintext.len(),
        });
    }
    Ok(())
}

/// The one implementation of RFC 8291's key schedule and record, for both entry points.
fn seal(
    keys: &PushKeys,
    plaintext: &[u8],
    as_public: &[u8; P256DH_LEN],
    ecdh_secret: &[u8],
    salt: &[u8; 16],
) -> Result<Vec<u8>, EncryptError> {
    check_plaintext_len(plaintext)?;
    let content = key_schedule::derive(ecdh_secret, keys.auth(), keys.p256dh(), as_public, salt)
        .map_err(|_| EncryptError::KeyDerivation)?;

    let mut body = Vec::with_capacity(HEADER_LEN + plaintext.len() + 1 + TAG_LEN);
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(IDLEN);
    body.extend_from_slice(as_public);
    body.extend_from_slice(plaintext);
    // RFC 8291 §4: a single record, so it carries the last-record delimiter and no padding.
    body.push(LAST_RECORD_DELIMITER);

    let cipher = Aes128Gcm::new(&content.cek.into());
    let (_, record) = body
        .split_at_mut_checked(HEADER_LEN)
        .ok_or(EncryptError::Cipher)?;
    let tag = cipher
        .encrypt_inout_detached(&Nonce::from(content.nonce), &[], record.into())
        .map_err(|_| EncryptError::Cipher)?;
    body.extend_from_slice(&tag);
    Ok(body)
}
