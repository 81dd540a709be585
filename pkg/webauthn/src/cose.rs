//! The credential public key as a COSE_Key (RFC 9052 §7, RFC 9053 §7.1.1). Assent accepts one
//! kind: EC2 (kty 2) on P-256 (crv 1) for ES256 (alg −7), x and y 32 bytes each.

use crate::cbor;
use ciborium::Value;
use p256::ecdsa::VerifyingKey;

/// COSE key common parameter `kty`.
const LABEL_KTY: i128 = 1;
/// COSE key common parameter `alg`.
const LABEL_ALG: i128 = 3;
/// EC2 parameter `crv`.
const LABEL_CRV: i128 = -1;
/// EC2 parameter `x`.
const LABEL_X: i128 = -2;
/// EC2 parameter `y`.
const LABEL_Y: i128 = -3;
/// `kty` value EC2.
pub(crate) const KTY_EC2: i64 = 2;
/// `crv` value P-256.
pub(crate) const CRV_P256: i64 = 1;

/// Why a COSE key is not an acceptable ES256 key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CoseFault {
    /// Not a CBOR map with integer or text labels, each once.
    Malformed,
    /// `kty` missing or not EC2.
    KeyType,
    /// `alg` missing or not ES256.
    Algorithm,
    /// `crv` missing or not P-256.
    Curve,
    /// `x`/`y` missing, not 32-byte strings, or not a point on P-256 (other than infinity).
    InvalidPoint,
}

/// An ES256 public key read from a COSE_Key.
#[derive(Debug, Clone)]
pub(crate) struct Es256Key {
    pub(crate) sec1: [u8; 65],
    pub(crate) key: VerifyingKey,
}

/// Reads an ES256 P-256 key from a decoded COSE_Key. Other parameters (`kid`, `key_ops`…)
/// are allowed and ignored.
pub(crate) fn es256_key(value: &Value) -> Result<Es256Key, CoseFault> {
    let entries = cbor::unique_map(value.clone()).map_err(|_| CoseFault::Malformed)?;
    let mut kty = None;
    let mut alg = None;
    let mut crv = None;
    let mut x = None;
    let mut y = None;
    for (label, param) in &entries {
        match label {
            Value::Integer(_) => {}
            Value::Text(_) => continue,
            _ => return Err(CoseFault::Malformed),
        }
        match cbor::int(label) {
            Some(LABEL_KTY) => kty = Some(param),
            Some(LABEL_ALG) => alg = Some(param),
            Some(LABEL_CRV) => crv = Some(param),
            Some(LABEL_X) => x = Some(param),
            Some(LABEL_Y) => y = Some(param),
            _ => {}
        }
    }
    if kty.and_then(cbor::int) != Some(i128::from(KTY_EC2)) {
        return Err(CoseFault::KeyType);
    }
    if alg.and_then(cbor::int) != Some(i128::from(crate::json::ES256)) {
        return Err(CoseFault::Algorithm);
    }
    if crv.and_then(cbor::int) != Some(i128::from(CRV_P256)) {
        return Err(CoseFault::Curve);
    }
    let coordinate = |v: Option<&Value>| match v {
        Some(Value::Bytes(b)) => <[u8; 32]>::try_from(b.as_slice()).ok(),
        _ => None,
    };
    let (Some(x), Some(y)) = (coordinate(x), coordinate(y)) else {
        return Err(CoseFault::InvalidPoint);
    };
    let sec1 = sec1_uncompressed(&x, &y);
    // Rejects coordinates off the curve (and cannot encode infinity in this form).
    let key = VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| CoseFault::InvalidPoint)?;
    Ok(Es256Key { sec1, key })
}

/// `0x04 || x || y`, the SEC1 uncompressed point encoding.
pub(crate) fn sec1_uncompressed(x: &[u8; 32], y: &[u8; 32]) -> [u8; 65] {
    let mut sec1 = [0x04; 65];
    for (dst, src) in sec1.iter_mut().skip(1).zip(x.iter().chain(y)) {
        *dst = *src;
    }
    sec1
}
