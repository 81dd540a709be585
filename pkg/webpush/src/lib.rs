//! Web Push for Assent (SPEC §6): RFC 8291 message encryption (`aes128gcm`, one record of
//! `rs` 4096), RFC 8292 VAPID (ES256 JWT, `aud` = the endpoint's origin), the RFC 8030 request
//! and the meaning of the push service's answer.
//!
//! Pure: no I/O, no clock, no randomness of its own. Callers pass `now` (Unix seconds) and the
//! per-message randomness (ephemeral ECDH scalar, salt), which also makes every output
//! reproducible in tests. Builds for `wasm32-unknown-unknown`.
//!
//! A send, in order: [`Subscription::from_json`] once at registration;
//! [`VapidCache::authorization`] for the subscription's [`Subscription::origin`];
//! [`build_request`]; the caller's HTTP client; [`classify_response`].
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod decrypt;
mod encrypt;
mod key_schedule;
mod origin;
mod request;
mod response;
mod subscription;
mod vapid;
mod vapid_cache;

pub use decrypt::{DecryptError, MAX_BODY_LEN, decrypt};
pub use encrypt::{EncryptError, HEADER_LEN, MAX_PLAINTEXT_LEN, RECORD_SIZE, TAG_LEN, encrypt};
pub use origin::{EndpointError, MAX_ENDPOINT_LEN, Origin};
pub use request::{
    MAX_TOPIC_LEN, PushOptions, PushRequest, Topic, TopicError, Urgency, build_request,
};
pub use response::{PushOutcome, classify_response, parse_retry_after};
pub use subscription::{AUTH_LEN, KeyError, P256DH_LEN, PushKeys, Subscription, SubscriptionError};
pub use vapid::{DEFAULT_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS, VapidError, VapidKey};
pub use vapid_cache::{MAX_AUDIENCES, REFRESH_MARGIN_SECONDS, VapidCache};
