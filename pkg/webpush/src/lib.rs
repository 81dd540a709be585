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
//!
//! A host with native P-256 (WebCrypto in a Worker) keeps the elliptic-curve arithmetic and
//! this crate does the rest: [`build_request_with_agreement`] ([`encrypt_with_agreement`])
//! takes the message's ephemeral public key and ECDH secret computed by the host, and
//! [`VapidCache::cached`] / [`VapidCache::unsigned`] / [`VapidCache::insert_signed`] (or
//! [`VapidKey::unsigned_jwt`] and [`UnsignedVapidToken::into_authorization`]) take an ES256
//! signature made by the host with the key of [`VapidKey::private_jwk`]. The software entry
//! points ([`encrypt`], [`VapidKey::jwt`]) run through the same key schedule and token
//! assembly.
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
mod vapid_token;

pub use decrypt::{DecryptError, MAX_BODY_LEN, decrypt};
pub use encrypt::{
    EncryptError, HEADER_LEN, MAX_PLAINTEXT_LEN, RECORD_SIZE, TAG_LEN, encrypt,
    encrypt_with_agreement,
};
pub use origin::{EndpointError, MAX_ENDPOINT_LEN, Origin};
pub use request::{
    MAX_TOPIC_LEN, PushOptions, PushRequest, Topic, TopicError, Urgency, build_request,
    build_request_with_agreement,
};
pub use response::{PushOutcome, classify_response, parse_retry_after};
pub use subscription::{AUTH_LEN, KeyError, P256DH_LEN, PushKeys, Subscription, SubscriptionError};
pub use vapid::{DEFAULT_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS, VapidError, VapidKey};
pub use vapid_cache::{MAX_AUDIENCES, REFRESH_MARGIN_SECONDS, VapidCache};
pub use vapid_token::{ES256_SIGNATURE_LEN, UnsignedVapidToken};
