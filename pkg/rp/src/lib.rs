//! The Assent integrator kit for RP backends (SPEC §5, §8, §9, §11).
//!
//! Sans-IO, like rustls: the kit builds the HTTP requests an RP backend sends to the edge and
//! reads the answers, but never does I/O itself — no sockets, no clock, no randomness. The
//! backend plugs in its own HTTP client (ureq, reqwest, `worker::Fetch`…) as a
//! [`Transport`], or sends the [`HttpRequest`]s itself and hands the status and body to the
//! `parse_*` functions.
//!
//! - [`Edge`]: one call per RP API endpoint, each checked first with the edge's own rules
//!   (`assent_proto::api::Validate`), so a bad call fails here with the message the edge
//!   would answer; ids checked, `user_id` percent-encoded in paths.
//! - `parse_*` (e.g. [`parse_request_created`]): the success body, or [`RpError::Api`] with
//!   the SPEC §11 code for an error body, or one precise [`RpError`] for anything else.
//! - [`Client`]: build → send → parse over a [`Transport`].
//! - [`verify_webhook`]: the `Assent-Signature` header (HMAC-SHA256, constant time, time
//!   tolerance against replays), then the event typed ([`EventData`]). Dedupe by
//!   [`WebhookEvent::id`].
//! - Receipts, both ways: [`verify_receipt_with_jwks`] (the edge's JWS) and
//!   [`verify_receipt_independently`] (the device's WebAuthn assertion, checked with the key
//!   the RP recorded), then [`Receipt::matches`] / [`Receipt::check_approves`]: the decision
//!   is for the transaction the RP asked about.
//!
//! # End to end
//!
//! ```no_run
//! use assent_rp::api::{CreateActivation, CreateRequest};
//! use assent_rp::{Client, Edge, EventData, HttpRequest, HttpResponse, Kind};
//!
//! // Your HTTP client: send the request as is, return the answer whatever its status.
//! fn send(request: HttpRequest) -> Result<HttpResponse, std::io::Error> {
//!     # let _ = request;
//!     Err(std::io::Error::other("plug in ureq, reqwest, worker::Fetch…"))
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let edge = Edge::new("https://assent.example.com", "ak_…")?;
//! let client = Client::new(edge, send);
//!
//! // 1. Activation: show `activation_url` / `qr_svg` to the signed-in user.
//! let activation = client.create_activation(&CreateActivation {
//!     user_id: "alice".into(),
//!     user_name: Some("alice@example.com".into()),
//!     display_name: None,
//! })?;
//! # let _ = activation;
//! // …the `activation.completed` webhook brings the device's public key: store it.
//!
//! // 2. A login: show `binding_code` and the widget with `request_id` + `status_token`.
//! let ask = CreateRequest {
//!     user_id: "alice".into(),
//!     kind: Kind::Login,
//!     title: Some("Sign in to Example Bank".into()),
//!     context: None,
//!     fields: None,
//!     ttl_seconds: None,
//!     number_matching: None,
//! };
//! let created = client.create_request(&ask)?;
//!
//! // 3. The webhook (raw body bytes and the `Assent-Signature` header, as received).
//! # let (secret, header, raw_body, now) = (b"whsec_example", "t=1,v1=00", b"{}", 1u64);
//! let event = assent_rp::verify_webhook(secret, header, raw_body, now, 300)?;
//! // dedupe by event.id, then:
//! if let EventData::RequestApproved(status) = &event.data {
//!     let jws = status.receipt.as_deref().unwrap_or_default();
//!     // 4. The receipt: the edge's signature (keys cached from GET /.well-known/jwks.json)…
//!     let keys = client.jwks()?;
//!     let receipt = assent_rp::verify_receipt_with_keys(
//!         jws,
//!         &keys,
//!         client.edge().origin().as_str(),
//!         "demo",
//!     )?;
//!     // …and it says "yes" to exactly what was asked.
//!     receipt.matches(&ask)?;
//!     receipt.check_approves(&created)?;
//! }
//! # Ok(())
//! # }
//! ```
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::cast_possible_truncation
    )
)]

mod answers;
mod client;
mod edge;
mod error;
mod http;
mod matching;
mod origin;
mod path;
mod receipt;
mod webhook;

pub use answers::{
    Answer, DeviceRemoved, parse, parse_activation_created, parse_activation_status,
    parse_cancelled, parse_device_list, parse_device_removed, parse_jwks, parse_request_created,
    parse_request_status, parse_response,
};
pub use client::{Client, ClientError, Transport};
pub use edge::Edge;
pub use error::{EXCERPT_BYTES, MAX_BODY_BYTES, RpError};
pub use http::{HttpRequest, HttpResponse, Method};
pub use matching::{ReceiptExpectation, ReceiptMismatch};
pub use origin::{EdgeOrigin, OriginError};
pub use path::encode_segment;
pub use receipt::{
    Receipt, ReceiptError, verify_receipt_independently, verify_receipt_with_jwks,
    verify_receipt_with_keys,
};
pub use webhook::{
    ActivationCompleted, DEFAULT_TOLERANCE_SECONDS, DeviceEvent, EventData, HEADER_NAME,
    SignatureError, WebhookError, WebhookEvent, verify_webhook,
};

/// The RP API's wire types (SPEC §5, §11), from `assent-proto`.
pub use assent_proto::api;
pub use assent_proto::{Context, Decision, DenyReason, Field, Kind, RequestContent};
pub use assent_receipt::{IndependentError, Jwk, JwkError, JwkSet, ReceiptClaims};
pub use assent_webhook::EventType;
