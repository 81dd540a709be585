//! The push message plaintext (SPEC §6), in the Declarative Web Push shape: a browser that
//! understands it shows the notification itself, others hand it to the service worker.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::content::{FORMAT_VERSION, Kind};

/// The `web_push` magic number of Declarative Web Push.
pub const DECLARATIVE_WEB_PUSH: u16 = 8030;

/// Largest push plaintext the edge sends (SPEC §6): below the 4096-byte record limit of
/// RFC 8291 with room for the encryption overhead.
pub const PUSH_PLAINTEXT_MAX_BYTES: usize = 3000;

/// The push plaintext. No request details travel in a push: only ids, kind and expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushPayload {
    /// Always [`DECLARATIVE_WEB_PUSH`].
    pub web_push: u16,
    /// What the browser shows.
    pub notification: PushNotification,
    /// What the PWA reads.
    pub assent: PushAssent,
}

/// `notification` of [`PushPayload`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushNotification {
    /// `Sign-in request` or `Signature request`.
    pub title: String,
    /// The RP's name.
    pub body: String,
    /// `EDGE/#/requests/<device_id>/<request_id>`.
    pub navigate: String,
    /// The request id, so a repeated push replaces its notification.
    pub tag: String,
}

/// `assent` of [`PushPayload`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAssent {
    /// Always [`FORMAT_VERSION`].
    pub v: u8,
    /// The device pushed to.
    pub device_id: String,
    /// The request to open.
    pub request_id: String,
    /// `login` or `sign`.
    pub kind: Kind,
    /// Unix seconds.
    pub expires_at: u64,
}

impl PushPayload {
    /// The push for `request_id` to `device_id`. `edge_origin` is `EDGE` (a trailing `/` is
    /// ignored).
    pub fn new(
        edge_origin: &str,
        rp_name: &str,
        device_id: &str,
        request_id: &str,
        kind: Kind,
        expires_at: u64,
    ) -> Self {
        let title = match kind {
            Kind::Login => "Sign-in request",
            Kind::Sign => "Signature request",
        };
        Self {
            web_push: DECLARATIVE_WEB_PUSH,
            notification: PushNotification {
                title: title.to_owned(),
                body: rp_name.to_owned(),
                navigate: format!(
                    "{}/#/requests/{device_id}/{request_id}",
                    edge_origin.trim_end_matches('/')
                ),
                tag: request_id.to_owned(),
            },
            assent: PushAssent {
                v: FORMAT_VERSION,
                device_id: device_id.to_owned(),
                request_id: request_id.to_owned(),
                kind,
                expires_at,
            },
        }
    }

    /// The JSON plaintext to encrypt, refused above [`PUSH_PLAINTEXT_MAX_BYTES`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, PushPayloadError> {
        let bytes =
            serde_json::to_vec(self).map_err(|e| PushPayloadError::Serialize(e.to_string()))?;
        if bytes.len() > PUSH_PLAINTEXT_MAX_BYTES {
            return Err(PushPayloadError::TooLarge { len: bytes.len() });
        }
        Ok(bytes)
    }
}

/// Why a [`PushPayload`] cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushPayloadError {
    /// serde_json failed (not expected for these plain structs).
    Serialize(String),
    /// The plaintext exceeds [`PUSH_PLAINTEXT_MAX_BYTES`] (an RP name or origin far too long).
    TooLarge {
        /// Its length in bytes.
        len: usize,
    },
}

impl fmt::Display for PushPayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Serialize(e) => write!(f, "push payload does not serialize: {e}"),
            Self::TooLarge { len } => write!(
                f,
                "push payload is {len} bytes, more than {PUSH_PLAINTEXT_MAX_BYTES}"
            ),
        }
    }
}

impl std::error::Error for PushPayloadError {}
