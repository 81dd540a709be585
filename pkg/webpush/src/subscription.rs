//! A browser push subscription (the `PushSubscriptionJSON` of the Push API), validated once
//! when the device registers so that sending never meets a malformed key.

use core::fmt;

use assent_proto::b64u;
use p256::PublicKey;
use serde::Deserialize;

use crate::origin::{EndpointError, Origin};

/// Length of an uncompressed P-256 point (`0x04 || x || y`), the only form RFC 8291 §3.1 uses.
pub const P256DH_LEN: usize = 65;
/// Length of the authentication secret (RFC 8291 §3.2: 16 octets).
pub const AUTH_LEN: usize = 16;

/// Why the `keys` of a subscription were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// `p256dh` is not canonical unpadded base64url.
    P256dhEncoding,
    /// `p256dh` does not decode to 65 bytes.
    P256dhLength {
        /// Decoded length.
        len: usize,
    },
    /// `p256dh` does not start with `0x04` (uncompressed point).
    P256dhNotUncompressed,
    /// `p256dh` is not a point on P-256 (or is the identity).
    P256dhNotOnCurve,
    /// `auth` is not canonical unpadded base64url.
    AuthEncoding,
    /// `auth` does not decode to 16 bytes.
    AuthLength {
        /// Decoded length.
        len: usize,
    },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::P256dhEncoding => f.write_str("p256dh is not canonical unpadded base64url"),
            Self::P256dhLength { len } => write!(f, "p256dh is {len} bytes, expected 65"),
            Self::P256dhNotUncompressed => f.write_str("p256dh is not an uncompressed point"),
            Self::P256dhNotOnCurve => f.write_str("p256dh is not a point on P-256"),
            Self::AuthEncoding => f.write_str("auth is not canonical unpadded base64url"),
            Self::AuthLength { len } => write!(f, "auth is {len} bytes, expected 16"),
        }
    }
}

impl std::error::Error for KeyError {}

/// Why a `PushSubscriptionJSON` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionError {
    /// Not JSON, or a member is missing or has the wrong type (serde's message).
    Json(String),
    /// The endpoint URL is not acceptable.
    Endpoint(EndpointError),
    /// `expirationTime` is neither `null` nor a non-negative integer (milliseconds).
    ExpirationTime,
    /// A key is malformed.
    Keys(KeyError),
}

impl fmt::Display for SubscriptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(msg) => write!(f, "push subscription is not valid JSON: {msg}"),
            Self::Endpoint(e) => write!(f, "push subscription endpoint: {e}"),
            Self::ExpirationTime => f.write_str(
                "push subscription expirationTime is not null or a non-negative integer",
            ),
            Self::Keys(e) => write!(f, "push subscription keys: {e}"),
        }
    }
}

impl std::error::Error for SubscriptionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Endpoint(e) => Some(e),
            Self::Keys(e) => Some(e),
            Self::Json(_) | Self::ExpirationTime => None,
        }
    }
}

impl From<EndpointError> for SubscriptionError {
    fn from(e: EndpointError) -> Self {
        Self::Endpoint(e)
    }
}

impl From<KeyError> for SubscriptionError {
    fn from(e: KeyError) -> Self {
        Self::Keys(e)
    }
}

/// The user agent's message-encryption keys: `p256dh` (validated as a P-256 point) and `auth`.
#[derive(Clone, PartialEq, Eq)]
pub struct PushKeys {
    p256dh: [u8; P256DH_LEN],
    public: PublicKey,
    auth: [u8; AUTH_LEN],
}

impl fmt::Debug for PushKeys {
    // The auth secret is a secret (RFC 8291 §3.2): keep it out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushKeys")
            .field("p256dh", &b64u::encode(&self.p256dh))
            .finish_non_exhaustive()
    }
}

impl PushKeys {
    /// Validates raw keys: a 65-byte uncompressed P-256 point and a 16-byte secret.
    pub fn new(p256dh: &[u8], auth: &[u8]) -> Result<Self, KeyError> {
        let p256dh: [u8; P256DH_LEN] = p256dh
            .try_into()
            .map_err(|_| KeyError::P256dhLength { len: p256dh.len() })?;
        if p256dh.first() != Some(&0x04) {
            return Err(KeyError::P256dhNotUncompressed);
        }
        let public = PublicKey::from_sec1_bytes(&p256dh).map_err(|_| KeyError::P256dhNotOnCurve)?;
        let auth: [u8; AUTH_LEN] = auth
            .try_into()
            .map_err(|_| KeyError::AuthLength { len: auth.len() })?;
        Ok(Self {
            p256dh,
            public,
            auth,
        })
    }

    /// Validates the base64url forms found in `PushSubscriptionJSON.keys`.
    pub fn from_b64u(p256dh: &str, auth: &str) -> Result<Self, KeyError> {
        let p256dh = b64u::decode(p256dh).map_err(|_| KeyError::P256dhEncoding)?;
        let auth = b64u::decode(auth).map_err(|_| KeyError::AuthEncoding)?;
        Self::new(&p256dh, &auth)
    }

    /// The user agent's public key, uncompressed (`ua_public` in RFC 8291).
    pub fn p256dh(&self) -> &[u8; P256DH_LEN] {
        &self.p256dh
    }

    /// The authentication secret (`auth_secret` in RFC 8291).
    pub fn auth(&self) -> &[u8; AUTH_LEN] {
        &self.auth
    }

    pub(crate) fn public_key(&self) -> &PublicKey {
        &self.public
    }
}

/// A validated push subscription: where to send, and the keys to encrypt for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    endpoint: String,
    origin: Origin,
    expiration_time: Option<u64>,
    keys: PushKeys,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionJson {
    endpoint: String,
    #[serde(default)]
    expiration_time: Option<serde_json::Number>,
    keys: KeysJson,
}

#[derive(Deserialize)]
struct KeysJson {
    p256dh: String,
    auth: String,
}

impl Subscription {
    /// Parses and validates the browser's `PushSubscription.toJSON()`:
    /// `{"endpoint", "expirationTime"?, "keys": {"p256dh", "auth"}}`. Unknown members are
    /// ignored (browsers may add some); keys must be canonical unpadded base64url, the form
    /// `toJSON()` writes. `allow_loopback` admits `http://127.0.0.1:*` and
    /// `http://localhost:*` endpoints (SPEC §13, tests and local runs only).
    pub fn from_json(json: &str, allow_loopback: bool) -> Result<Self, SubscriptionError> {
        let raw: SubscriptionJson =
            serde_json::from_str(json).map_err(|e| SubscriptionError::Json(e.to_string()))?;
        let expiration_time = match raw.expiration_time {
            None => None,
            Some(n) => Some(n.as_u64().ok_or(SubscriptionError::ExpirationTime)?),
        };
        let keys = PushKeys::from_b64u(&raw.keys.p256dh, &raw.keys.auth)?;
        Self::new(&raw.endpoint, expiration_time, keys, allow_loopback)
    }

    /// Builds a subscription from its parts, validating the endpoint.
    pub fn new(
        endpoint: &str,
        expiration_time: Option<u64>,
        keys: PushKeys,
        allow_loopback: bool,
    ) -> Result<Self, SubscriptionError> {
        let origin = Origin::of_endpoint(endpoint, allow_loopback)?;
        Ok(Self {
            endpoint: endpoint.to_owned(),
            origin,
            expiration_time,
            keys,
        })
    }

    /// The push resource URL the message is `POST`ed to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The endpoint's origin, the VAPID `aud`.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// When the subscription expires, in Unix milliseconds, if the browser said.
    pub fn expiration_time(&self) -> Option<u64> {
        self.expiration_time
    }

    /// The encryption keys.
    pub fn keys(&self) -> &PushKeys {
        &self.keys
    }

    /// The subscription as `PushSubscriptionJSON`, keys in canonical base64url, for storage.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "endpoint": self.endpoint,
            "expirationTime": self.expiration_time,
            "keys": {
                "p256dh": b64u::encode(&self.keys.p256dh),
                "auth": b64u::encode(&self.keys.auth),
            },
        })
        .to_string()
    }
}
