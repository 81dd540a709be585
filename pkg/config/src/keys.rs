//! The three P-256 private keys (SPEC §3): decoding, range checks and distinctness.

use assent_proto::b64u;
use p256::SecretKey;

use crate::error::ConfigError;

/// A P-256 private scalar that passed the range check (1 ≤ k < n), big-endian.
pub(crate) type Scalar = [u8; 32];

/// Decodes `text` as the base64url of a valid P-256 scalar, or records why not.
pub(crate) fn decode_scalar(
    name: &'static str,
    text: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<Scalar> {
    let Ok(bytes) = b64u::decode(text) else {
        errors.push(ConfigError::KeyEncoding { name });
        return None;
    };
    let Ok(scalar) = Scalar::try_from(bytes.as_slice()) else {
        errors.push(ConfigError::KeyLength {
            name,
            len: bytes.len(),
        });
        return None;
    };
    if !is_valid_scalar(&scalar) {
        errors.push(ConfigError::KeyScalar { name });
        return None;
    }
    Some(scalar)
}

/// True when `scalar` is a usable P-256 private key: not zero and below the group order.
pub(crate) fn is_valid_scalar(scalar: &Scalar) -> bool {
    SecretKey::from_slice(scalar).is_ok()
}

/// Records every pair of variables holding the same key.
pub(crate) fn check_distinct(
    keys: &[(&'static str, Option<Scalar>)],
    errors: &mut Vec<ConfigError>,
) {
    for (i, (first, a)) in keys.iter().enumerate() {
        for (second, b) in keys.iter().skip(i + 1) {
            if let (Some(a), Some(b)) = (a, b)
                && a == b
            {
                errors.push(ConfigError::KeysShared { first, second });
            }
        }
    }
}
