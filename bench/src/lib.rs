//! `make bench`: microseconds per operation of the edge's cryptographic work — a push
//! request (RFC 8291 + VAPID), assertion verification, secure-channel seal/open, receipt
//! signing — natively (the `bench-native` binary) and as wasm in Node
//! (`bench/run.mjs`), against npm `web-push` for the push.
//!
//! [`Bench::run`] is the one implementation of every operation; the native binary times it
//! with `std::time::Instant`, Node with `performance.now()` around the wasm export `run`.
//! This library itself has no clock and no randomness, like the `pkg/` crates it measures:
//! per-message randomness is SHA-256 of a counter ([`fixtures::draw`]).
//!
//! [`host`] is the edge's production push path, the P-256 work done by the host's WebCrypto:
//! `bench/run.mjs` times it with Node's `crypto.subtle` around the wasm exports.
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
pub mod fixtures;
pub mod host;
pub mod ops;
pub mod plan;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::BenchError;
pub use fixtures::Fixtures;
pub use host::HostPush;
pub use ops::{Bench, Op, Vapid};
