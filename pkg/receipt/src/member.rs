//! Strict reading of flat JSON objects (JWKs, JWS headers).
//!
//! serde's derived structs also accept a JSON array in place of an object, and
//! `Option<Value>` turns `"crit": null` or `"d": null` into "absent"; the checks here must
//! see both. [`Object`] accepts only an object and refuses a member given twice (RFC 7515
//! §4 and RFC 7517 §4 let a parser reject duplicates, and one token must mean one thing);
//! [`Member`] is `None` only when a member is really missing.

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
use serde_json::Value;

/// The members of one JSON object, in order, each name once.
#[derive(Debug)]
pub(crate) struct Object(Vec<(String, Value)>);

impl Object {
    /// The member called `name`.
    pub(crate) fn member(&self, name: &str) -> Member<'_> {
        Member(
            self.0
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value),
        )
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
        let mut members: Vec<(String, Value)> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.iter().any(|(key, _)| *key == name) {
                return Err(A::Error::custom(format!("member {name:?} appears twice")));
            }
            let value = map.next_value::<Value>()?;
            members.push((name, value));
        }
        Ok(Object(members))
    }
}

/// One member: `None` when absent, `Some(value)` (possibly `Value::Null`) when present.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member<'a>(pub(crate) Option<&'a Value>);

impl<'a> Member<'a> {
    /// True when the member was present, whatever its value.
    pub(crate) fn is_present(self) -> bool {
        self.0.is_some()
    }

    /// `Ok(None)` when absent, `Ok(Some(text))` for a string, `Err(())` for any other value.
    pub(crate) fn as_opt_str(self) -> Result<Option<&'a str>, ()> {
        match self.0 {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(()),
        }
    }
}
