//! EC P-256 public keys as JWKs (RFC 7517, RFC 7518 §6.2) and their RFC 7638 thumbprints.
//!
//! Only public P-256 keys exist here: a JWK carrying the private member `d` is refused
//! rather than quietly stripped, because a private key that reached a public document is a
//! leak the operator must hear about.

use assent_proto::b64u;
use p256::ecdsa::VerifyingKey;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::member::{Member, Object};

/// Length of a SEC1 uncompressed P-256 point: `0x04 || x || y`.
pub const UNCOMPRESSED_POINT_LEN: usize = 65;

/// The only `alg` a JWK here may carry.
pub const ALG_ES256: &str = "ES256";

/// Why a JWK, a JWK Set or a raw public key was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwkError {
    /// The JWK is not a JSON object with string members where strings belong (or repeats one).
    Json(String),
    /// `kty` is missing or not `"EC"` (RFC 7518 §6.1).
    Kty,
    /// `crv` is missing or not `"P-256"` (RFC 7518 §6.2.1.1).
    Crv,
    /// `x` is missing, not canonical base64url, or not 32 bytes (RFC 7518 §6.2.1.2).
    X,
    /// `y` is missing, not canonical base64url, or not 32 bytes (RFC 7518 §6.2.1.3).
    Y,
    /// `(x, y)` is not a point on P-256 (or is the identity).
    NotOnCurve,
    /// The private member `d` is present (RFC 7518 §6.2.2.1): this must be a public key.
    PrivateKeyMember,
    /// `alg` is present and is not `"ES256"`.
    Alg,
    /// `use` is present and is not `"sig"`.
    Use,
    /// `kid` is present and is not a string.
    Kid,
    /// A raw public key that is not a 65-byte SEC1 uncompressed point (`0x04 || x || y`).
    NotUncompressedPoint,
    /// A JWK Set entry without `kid`: verifiers select keys by `kid` only.
    SetEntryWithoutKid,
    /// Two JWK Set entries share one `kid`, so a lookup would be ambiguous.
    DuplicateKid(String),
}

impl core::fmt::Display for JwkError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Json(detail) => write!(f, "JWK is not a well-formed JSON object: {detail}"),
            Self::Kty => f.write_str("JWK kty is missing or not \"EC\""),
            Self::Crv => f.write_str("JWK crv is missing or not \"P-256\""),
            Self::X => f.write_str("JWK x is missing or not 32 bytes of canonical base64url"),
            Self::Y => f.write_str("JWK y is missing or not 32 bytes of canonical base64url"),
            Self::NotOnCurve => f.write_str("JWK (x, y) is not a point on P-256"),
            Self::PrivateKeyMember => f.write_str("JWK carries the private member d"),
            Self::Alg => f.write_str("JWK alg is not \"ES256\""),
            Self::Use => f.write_str("JWK use is not \"sig\""),
            Self::Kid => f.write_str("JWK kid is not a string"),
            Self::NotUncompressedPoint => {
                f.write_str("public key is not a 65-byte SEC1 uncompressed point")
            }
            Self::SetEntryWithoutKid => f.write_str("JWK Set entry has no kid"),
            Self::DuplicateKid(kid) => write!(f, "JWK Set has two keys with kid {kid:?}"),
        }
    }
}

impl std::error::Error for JwkError {}

/// A validated EC P-256 public key JWK: `{"kty":"EC","crv":"P-256","x","y"}` plus optional
/// `kid`, `alg` (`"ES256"`) and `use` (`"sig"`).
///
/// Members a JWK may carry that are not listed above are ignored when parsing, as RFC 7517 §4
/// requires, and are not kept.
#[derive(Debug, Clone)]
pub struct Jwk {
    x: [u8; 32],
    y: [u8; 32],
    key: VerifyingKey,
    kid: Option<String>,
    alg_es256: bool,
    use_sig: bool,
}

impl PartialEq for Jwk {
    fn eq(&self, other: &Self) -> bool {
        self.x == other.x
            && self.y == other.y
            && self.kid == other.kid
            && self.alg_es256 == other.alg_es256
            && self.use_sig == other.use_sig
    }
}

impl Eq for Jwk {}

impl Jwk {
    /// The bare JWK (`kty`, `crv`, `x`, `y`) of a verifying key.
    pub fn from_verifying_key(key: &VerifyingKey) -> Self {
        let point = key.to_sec1_point(false);
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        // A valid verifying key is never the identity, so both coordinates are present.
        if let (Some(px), Some(py)) = (point.x(), point.y()) {
            x.copy_from_slice(px);
            y.copy_from_slice(py);
        }
        Self {
            x,
            y,
            key: *key,
            kid: None,
            alg_es256: false,
            use_sig: false,
        }
    }

    /// The JWK of a SEC1 uncompressed point (`0x04 || x || y`, 65 bytes), checked to lie on
    /// P-256.
    pub fn from_uncompressed(point: &[u8]) -> Result<Self, JwkError> {
        let point: &[u8; UNCOMPRESSED_POINT_LEN] = point
            .try_into()
            .map_err(|_| JwkError::NotUncompressedPoint)?;
        let (tag, coordinates) = point.split_first().ok_or(JwkError::NotUncompressedPoint)?;
        if *tag != 0x04 {
            return Err(JwkError::NotUncompressedPoint);
        }
        let (x, y) = coordinates.split_at(32);
        let x: [u8; 32] = x.try_into().map_err(|_| JwkError::NotUncompressedPoint)?;
        let y: [u8; 32] = y.try_into().map_err(|_| JwkError::NotUncompressedPoint)?;
        Self::from_coordinates(x, y)
    }

    /// The JWK of the affine coordinates `(x, y)`, checked to lie on P-256.
    pub fn from_coordinates(x: [u8; 32], y: [u8; 32]) -> Result<Self, JwkError> {
        let mut sec1 = [0u8; UNCOMPRESSED_POINT_LEN];
        let (tag, coordinates) = sec1.split_at_mut(1);
        tag.fill(0x04);
        let (sx, sy) = coordinates.split_at_mut(32);
        sx.copy_from_slice(&x);
        sy.copy_from_slice(&y);
        // from_sec1_bytes checks the curve equation and refuses the identity.
        let key = VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| JwkError::NotOnCurve)?;
        Ok(Self {
            x,
            y,
            key,
            kid: None,
            alg_es256: false,
            use_sig: false,
        })
    }

    /// Parses and validates a JWK from JSON text.
    pub fn from_json(text: &str) -> Result<Self, JwkError> {
        let raw: RawJwk = serde_json::from_str(text).map_err(|e| JwkError::Json(e.to_string()))?;
        raw.validate()
    }

    /// Parses and validates a JWK from a JSON value.
    pub fn from_value(value: &serde_json::Value) -> Result<Self, JwkError> {
        let raw = RawJwk::deserialize(value).map_err(|e| JwkError::Json(e.to_string()))?;
        raw.validate()
    }

    /// This key with `kid` set.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// This key marked for ES256 signatures: `alg` = `"ES256"`, `use` = `"sig"`, as a JWK Set
    /// entry for a signing key should be.
    #[must_use]
    pub fn for_es256_signatures(mut self) -> Self {
        self.alg_es256 = true;
        self.use_sig = true;
        self
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// True when `alg` is present (and so is `"ES256"`).
    pub fn has_alg(&self) -> bool {
        self.alg_es256
    }

    /// True when `use` is present (and so is `"sig"`).
    pub fn has_use(&self) -> bool {
        self.use_sig
    }

    /// The x coordinate, big-endian.
    pub fn x(&self) -> &[u8; 32] {
        &self.x
    }

    /// The y coordinate, big-endian.
    pub fn y(&self) -> &[u8; 32] {
        &self.y
    }

    /// The SEC1 uncompressed point `0x04 || x || y`.
    pub fn to_uncompressed(&self) -> [u8; UNCOMPRESSED_POINT_LEN] {
        let mut out = [0u8; UNCOMPRESSED_POINT_LEN];
        let (tag, coordinates) = out.split_at_mut(1);
        tag.fill(0x04);
        let (x, y) = coordinates.split_at_mut(32);
        x.copy_from_slice(&self.x);
        y.copy_from_slice(&self.y);
        out
    }

    /// The key for ECDSA verification.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// RFC 7638 §3.2: the required members of an EC key, `crv`, `kty`, `x`, `y`, in
    /// lexicographic order, no whitespace. The values are fixed names and base64url, so no
    /// JSON escaping can arise.
    pub fn thumbprint_input(&self) -> String {
        format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            b64u::encode(&self.x),
            b64u::encode(&self.y)
        )
    }

    /// The RFC 7638 JWK thumbprint with SHA-256, in base64url: the `kid` of a receipt key.
    pub fn thumbprint(&self) -> String {
        b64u::encode(&Sha256::digest(self.thumbprint_input().as_bytes()))
    }

    /// The JWK as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert("kty".into(), "EC".into());
        map.insert("crv".into(), "P-256".into());
        map.insert("x".into(), b64u::encode(&self.x).into());
        map.insert("y".into(), b64u::encode(&self.y).into());
        if let Some(kid) = &self.kid {
            map.insert("kid".into(), kid.as_str().into());
        }
        if self.alg_es256 {
            map.insert("alg".into(), ALG_ES256.into());
        }
        if self.use_sig {
            map.insert("use".into(), "sig".into());
        }
        serde_json::Value::Object(map)
    }
}

impl Serialize for Jwk {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Jwk {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawJwk::deserialize(deserializer)?
            .validate()
            .map_err(serde::de::Error::custom)
    }
}

/// A JWK before validation: a JSON object, each member at most once.
struct RawJwk(Object);

impl<'de> Deserialize<'de> for RawJwk {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Object::deserialize(deserializer).map(Self)
    }
}

impl RawJwk {
    fn validate(self) -> Result<Jwk, JwkError> {
        let object = &self.0;
        if object.member("d").is_present() {
            return Err(JwkError::PrivateKeyMember);
        }
        if object.member("kty").as_opt_str() != Ok(Some("EC")) {
            return Err(JwkError::Kty);
        }
        if object.member("crv").as_opt_str() != Ok(Some("P-256")) {
            return Err(JwkError::Crv);
        }
        let x = coordinate(object.member("x")).ok_or(JwkError::X)?;
        let y = coordinate(object.member("y")).ok_or(JwkError::Y)?;
        let alg_es256 = match object.member("alg").as_opt_str() {
            Ok(None) => false,
            Ok(Some(ALG_ES256)) => true,
            _ => return Err(JwkError::Alg),
        };
        let use_sig = match object.member("use").as_opt_str() {
            Ok(None) => false,
            Ok(Some("sig")) => true,
            _ => return Err(JwkError::Use),
        };
        let kid = object
            .member("kid")
            .as_opt_str()
            .map_err(|()| JwkError::Kid)?;
        let mut jwk = Jwk::from_coordinates(x, y)?;
        jwk.kid = kid.map(str::to_owned);
        jwk.alg_es256 = alg_es256;
        jwk.use_sig = use_sig;
        Ok(jwk)
    }
}

/// RFC 7518 §6.2.1.2: "The length of this octet string MUST be the full size of a
/// coordinate for the curve" — 32 bytes, leading zeros kept.
fn coordinate(member: Member<'_>) -> Option<[u8; 32]> {
    b64u::decode_array::<32>(member.as_opt_str().ok()??).ok()
}
