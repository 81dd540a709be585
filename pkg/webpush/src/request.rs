//! The RFC 8030 push request, built without I/O: the caller sends it with whatever HTTP
//! client it has (the Worker's `fetch`).

use core::fmt;

use crate::encrypt::{EncryptError, encrypt, encrypt_with_agreement};
use crate::subscription::{P256DH_LEN, Subscription};

/// RFC 8030 §5.4: a topic is at most 32 characters.
pub const MAX_TOPIC_LEN: usize = 32;

/// Why a topic was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicError {
    /// The topic is empty.
    Empty,
    /// More than 32 characters.
    TooLong {
        /// Length in bytes.
        len: usize,
    },
    /// A character outside the URL-safe base64 alphabet `A–Z a–z 0–9 - _`.
    BadCharacter,
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("push topic is empty"),
            Self::TooLong { len } => write!(f, "push topic is {len} characters, at most 32"),
            Self::BadCharacter => {
                f.write_str("push topic has a character outside the base64url alphabet")
            }
        }
    }
}

impl std::error::Error for TopicError {}

/// A validated `Topic` header value (RFC 8030 §5.4): a newer message with the same topic
/// replaces an undelivered older one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Topic(String);

impl Topic {
    /// Validates 1 to 32 characters of the URL and filename safe base64 alphabet.
    pub fn new(topic: &str) -> Result<Self, TopicError> {
        if topic.is_empty() {
            return Err(TopicError::Empty);
        }
        if topic.len() > MAX_TOPIC_LEN {
            return Err(TopicError::TooLong { len: topic.len() });
        }
        if !topic
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(TopicError::BadCharacter);
        }
        Ok(Self(topic.to_owned()))
    }

    /// The header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 8030 §5.3 message urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    /// `very-low`: on power and Wi-Fi.
    VeryLow,
    /// `low`: on either power or Wi-Fi.
    Low,
    /// `normal`: neither power nor Wi-Fi needed.
    Normal,
    /// `high`: even on low battery (SPEC §6 sends every approval request this way).
    High,
}

impl Urgency {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VeryLow => "very-low",
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
        }
    }
}

/// Delivery options of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOptions {
    /// `TTL`: seconds the push service may hold the message (RFC 8030 §5.2); SPEC §6 sets it
    /// to the seconds left until the approval request expires.
    pub ttl: u32,
    /// `Urgency`.
    pub urgency: Urgency,
    /// `Topic`, if any.
    pub topic: Option<Topic>,
}

/// An HTTP request ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRequest {
    /// Always `POST` (RFC 8030 §5).
    pub method: &'static str,
    /// The subscription endpoint.
    pub url: String,
    /// Header names and values, in a fixed order.
    pub headers: Vec<(&'static str, String)>,
    /// The RFC 8291 encrypted body.
    pub body: Vec<u8>,
}

/// Builds the push request: encrypts `payload` for the subscription (RFC 8291, with the
/// caller's fresh `ephemeral_secret` and `salt`, ECDH in software) and adds the RFC 8030
/// headers and `authorization`, the VAPID header for `subscription.origin()` from
/// [`crate::VapidCache::authorization`] or [`crate::VapidKey::authorization`].
pub fn build_request(
    subscription: &Subscription,
    payload: &[u8],
    options: &PushOptions,
    authorization: &str,
    ephemeral_secret: &[u8; 32],
    salt: &[u8; 16],
) -> Result<PushRequest, EncryptError> {
    let body = encrypt(subscription.keys(), payload, ephemeral_secret, salt)?;
    Ok(request(subscription, body, options, authorization))
}

/// [`build_request`] for a caller that did the message's ECDH itself (WebCrypto at the
/// edge): `as_public` is its fresh uncompressed public key and `ecdh_secret` the shared
/// x-coordinate with the subscription's `p256dh`, as [`encrypt_with_agreement`] takes them.
pub fn build_request_with_agreement(
    subscription: &Subscription,
    payload: &[u8],
    options: &PushOptions,
    authorization: &str,
    as_public: &[u8; P256DH_LEN],
    ecdh_secret: &[u8; 32],
    salt: &[u8; 16],
) -> Result<PushRequest, EncryptError> {
    let body = encrypt_with_agreement(subscription.keys(), payload, as_public, ecdh_secret, salt)?;
    Ok(request(subscription, body, options, authorization))
}

fn request(
    subscription: &Subscription,
    body: Vec<u8>,
    options: &PushOptions,
    authorization: &str,
) -> PushRequest {
    let mut headers = vec![
        ("Content-Encoding", "aes128gcm".to_owned()),
        ("Content-Type", "application/octet-stream".to_owned()),
        ("TTL", options.ttl.to_string()),
        ("Urgency", options.urgency.as_str().to_owned()),
    ];
    if let Some(topic) = &options.topic {
        headers.push(("Topic", topic.as_str().to_owned()));
    }
    headers.push(("Authorization", authorization.to_owned()));
    PushRequest {
        method: "POST",
        url: subscription.endpoint().to_owned(),
        headers,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics() {
        assert_eq!(Topic::new("abc-DEF_123").unwrap().as_str(), "abc-DEF_123");
        assert!(Topic::new(&"a".repeat(32)).is_ok());
        assert_eq!(Topic::new(""), Err(TopicError::Empty));
        assert_eq!(
            Topic::new(&"a".repeat(33)),
            Err(TopicError::TooLong { len: 33 })
        );
        for bad in ["a b", "a+b", "a/b", "a=b", "a.b", "caf\u{e9}", "a\r\nX: y"] {
            assert_eq!(Topic::new(bad), Err(TopicError::BadCharacter), "{bad:?}");
        }
    }

    #[test]
    fn urgency_values() {
        assert_eq!(Urgency::VeryLow.as_str(), "very-low");
        assert_eq!(Urgency::Low.as_str(), "low");
        assert_eq!(Urgency::Normal.as_str(), "normal");
        assert_eq!(Urgency::High.as_str(), "high");
    }
}
