//! JWK Sets (RFC 7517 §5): what the edge serves at `/.well-known/jwks.json` (SPEC §3).

use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::jwk::{Jwk, JwkError};

/// A JWK Set `{"keys": [...]}` of P-256 public keys, each with a distinct `kid`.
///
/// Keys are selected by `kid` only (never by trying each key), so every entry must carry one
/// and no two may share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwkSet {
    keys: Vec<Jwk>,
}

impl JwkSet {
    /// A set of `keys`; each must have a `kid`, and the `kid`s must differ.
    pub fn new(keys: Vec<Jwk>) -> Result<Self, JwkError> {
        for (i, key) in keys.iter().enumerate() {
            let kid = key.kid().ok_or(JwkError::SetEntryWithoutKid)?;
            if keys
                .iter()
                .take(i)
                .any(|earlier| earlier.kid() == Some(kid))
            {
                return Err(JwkError::DuplicateKid(kid.to_owned()));
            }
        }
        Ok(Self { keys })
    }

    /// A set of one key that has a `kid`.
    pub(crate) fn from_single(key: Jwk) -> Self {
        Self { keys: vec![key] }
    }

    /// Parses and validates a JWK Set from JSON text.
    pub fn from_json(text: &str) -> Result<Self, JwkError> {
        let raw: RawJwkSet =
            serde_json::from_str(text).map_err(|e| JwkError::Json(e.to_string()))?;
        Self::new(raw.keys)
    }

    /// The key whose `kid` is `kid`.
    pub fn get(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|key| key.kid() == Some(kid))
    }

    /// All keys, in order.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The set as a JSON value, `{"keys": [...]}`.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::json!({ "keys": self.keys.iter().map(Jwk::to_value).collect::<Vec<_>>() })
    }
}

impl Serialize for JwkSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RawJwkSetRef { keys: &self.keys }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for JwkSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(RawJwkSet::deserialize(deserializer)?.keys).map_err(serde::de::Error::custom)
    }
}

/// `{"keys": [...]}`: an object, `keys` exactly once; RFC 7517 §5 lets other members be
/// present, and they are ignored.
struct RawJwkSet {
    keys: Vec<Jwk>,
}

impl<'de> Deserialize<'de> for RawJwkSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RawJwkSetVisitor)
    }
}

struct RawJwkSetVisitor;

impl<'de> Visitor<'de> for RawJwkSetVisitor {
    type Value = RawJwkSet;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JWK Set object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawJwkSet, A::Error> {
        let mut keys = None;
        while let Some(name) = map.next_key::<String>()? {
            if name == "keys" {
                if keys.is_some() {
                    return Err(A::Error::duplicate_field("keys"));
                }
                keys = Some(map.next_value::<Vec<Jwk>>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        keys.map(|keys| RawJwkSet { keys })
            .ok_or_else(|| A::Error::missing_field("keys"))
    }
}

#[derive(Serialize)]
struct RawJwkSetRef<'a> {
    keys: &'a [Jwk],
}
