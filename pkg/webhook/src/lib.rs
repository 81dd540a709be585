//! Assent webhooks (SPEC §9): the event envelope and its `Assent-Signature` header.
//!
//! - [`event`]: `{id, type, created_at, data}` and the event types.
//! - [`signature`]: [`sign`] and [`verify`] of
//!   `t=<unix>,v1=<hex HMAC-SHA256(webhook_secret, "<t>.<raw body>")>`.
//!
//! Pure: no I/O, no clock (callers pass `now`), no randomness.
//!
//! ```
//! use assent_webhook::{DEFAULT_TOLERANCE_SECONDS, WebhookError, sign, verify};
//! let body = br#"{"id":"evt_1","type":"request.approved","created_at":1767225600,"data":{}}"#;
//! // The edge, sending at t = 1767225600:
//! let header = sign(b"whsec_example", 1_767_225_600, body);
//! // The RP's receiver, 20 s later, over the raw body bytes:
//! let t = verify(b"whsec_example", &header, body, 1_767_225_620, DEFAULT_TOLERANCE_SECONDS);
//! assert_eq!(t, Ok(1_767_225_600));
//! // A replay an hour later is refused.
//! assert!(matches!(
//!     verify(b"whsec_example", &header, body, 1_767_229_200, DEFAULT_TOLERANCE_SECONDS),
//!     Err(WebhookError::TimestampTooOld { .. })
//! ));
//! ```
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod event;
pub mod signature;

pub use event::{Event, EventType};
pub use signature::{DEFAULT_TOLERANCE_SECONDS, HEADER_NAME, WebhookError, sign, verify};
