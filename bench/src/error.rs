//! Why a fixture could not be built or an operation failed. Any error is a bug in the
//! benchmark or in the crate under measurement: the runners stop and print it rather than
//! report a figure for work that was not done.

use core::fmt;

use assent_channel::ChannelError;
use assent_proto::jcs::JcsError;
use assent_receipt::{KeyError, ReceiptError};
use assent_webauthn::AssertionError;
use assent_webauthn::soft::SoftError;
use assent_webpush::{EncryptError, KeyError as PushKeyError, SubscriptionError, VapidError};

/// A failure while building the fixtures or running an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BenchError {
    /// No operation has this name.
    UnknownOp(String),
    /// A fixture key derived from its label is not a valid P-256 scalar.
    FixtureScalar(&'static str),
    /// JSON could not be produced or parsed.
    Json(String),
    /// RFC 8785 canonicalization failed.
    Jcs(JcsError),
    /// The push subscription was refused.
    Subscription(SubscriptionError),
    /// The push keys were refused.
    PushKeys(PushKeyError),
    /// The push topic was refused.
    Topic(assent_webpush::TopicError),
    /// VAPID signing failed.
    Vapid(VapidError),
    /// RFC 8291 encryption failed.
    Encrypt(EncryptError),
    /// Several consecutive per-message draws were not valid P-256 scalars (each happens with
    /// probability about 2^-32, so this means the draw is broken).
    EphemeralDraws,
    /// The secure channel failed.
    Channel(ChannelError),
    /// The software authenticator refused.
    Soft(SoftError),
    /// The assertion was not accepted.
    Assertion(AssertionError),
    /// The receipt key was refused.
    ReceiptKey(KeyError),
    /// Receipt signing failed.
    Receipt(ReceiptError),
    /// A host-crypto push needed a VAPID signature and the host gave none.
    HostSignatureMissing,
    /// A host-crypto push step came without its first step.
    HostPushNotBegun,
    /// The host gave a value of the wrong length.
    HostLength {
        /// What it was.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The length it must have.
        expected: usize,
    },
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOp(name) => write!(f, "no benchmark operation is called {name:?}"),
            Self::FixtureScalar(label) => {
                write!(f, "fixture key {label:?} is not a valid P-256 scalar")
            }
            Self::Json(msg) => write!(f, "fixture JSON: {msg}"),
            Self::Jcs(e) => write!(f, "canonical JSON: {e}"),
            Self::Subscription(e) => write!(f, "push subscription: {e}"),
            Self::PushKeys(e) => write!(f, "push keys: {e}"),
            Self::Topic(e) => write!(f, "push topic: {e}"),
            Self::Vapid(e) => write!(f, "VAPID: {e}"),
            Self::Encrypt(e) => write!(f, "push encryption: {e}"),
            Self::EphemeralDraws => {
                f.write_str("no valid ephemeral scalar in several consecutive draws")
            }
            Self::Channel(e) => write!(f, "secure channel: {e}"),
            Self::Soft(e) => write!(f, "software authenticator: {e}"),
            Self::Assertion(e) => write!(f, "assertion: {e}"),
            Self::ReceiptKey(e) => write!(f, "receipt key: {e}"),
            Self::Receipt(e) => write!(f, "receipt: {e}"),
            Self::HostSignatureMissing => {
                f.write_str("the VAPID token needs a signature and the host gave none")
            }
            Self::HostPushNotBegun => f.write_str("host push finished without being begun"),
            Self::HostLength {
                what,
                len,
                expected,
            } => write!(f, "host {what} is {len} bytes, expected {expected}"),
        }
    }
}

impl std::error::Error for BenchError {}

macro_rules! from_error {
    ($($source:ty => $variant:ident),* $(,)?) => {
        $(impl From<$source> for BenchError {
            fn from(e: $source) -> Self {
                Self::$variant(e)
            }
        })*
    };
}

from_error! {
    JcsError => Jcs,
    SubscriptionError => Subscription,
    PushKeyError => PushKeys,
    assent_webpush::TopicError => Topic,
    VapidError => Vapid,
    EncryptError => Encrypt,
    ChannelError => Channel,
    SoftError => Soft,
    AssertionError => Assertion,
    KeyError => ReceiptKey,
    ReceiptError => Receipt,
}

impl From<serde_json::Error> for BenchError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e.to_string())
    }
}
