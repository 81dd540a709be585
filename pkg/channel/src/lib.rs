//! The Assent secure channel between a device and the edge (SPEC §3).
//!
//! ```text
//! payload_key = HKDF-SHA256(ikm  = x-coordinate of ECDH(device, edge),
//!                           salt = UTF-8(device_id),
//!                           info = "assent/v1 payload key", L = 32)
//! seal(purpose, plaintext) = b64u(nonce(12) || AES-256-GCM(payload_key, nonce, plaintext,
//!                                 aad = UTF-8("assent/v1/" + purpose + "|" + device_id)))
//! ```
//!
//! Binding the purpose and the device id into the AAD means a sealed push subscription
//! cannot be replayed as a deactivation, nor one device's message as another's. The PWA does
//! the same with WebCrypto (its key is non-extractable), using [`HKDF_INFO`] and [`aad`].
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod error;
mod key;
mod seal;

pub use error::ChannelError;
pub use key::{StaticSecret, public_key_from_sec1};
pub use seal::{Channel, NONCE_LEN, TAG_LEN};

/// HKDF `info` of the payload key.
pub const HKDF_INFO: &[u8] = b"assent/v1 payload key";

/// What a sealed message is for; part of its AAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// The device's push subscription and `seq` (activation and re-registration).
    Push,
    /// The secure-mode list of pending requests, edge to device.
    Inbox,
    /// A device asking to be removed.
    Deactivate,
}

impl Purpose {
    /// The wire name used in the AAD.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Push => "push",
            Self::Inbox => "inbox",
            Self::Deactivate => "deactivate",
        }
    }
}

/// The AAD of a sealed message: `UTF-8("assent/v1/" + purpose + "|" + device_id)`.
pub fn aad(purpose: Purpose, device_id: &str) -> Vec<u8> {
    format!("assent/v1/{}|{device_id}", purpose.as_str()).into_bytes()
}
