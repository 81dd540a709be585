//! Assent protocol core shared by the edge, the PWA and RP backends (SPEC §1, §5, §7), and
//! the JSON wire types of every endpoint ([`api`]).
//!
//! Pure: no I/O, no clock, no randomness of its own. Callers pass times and random bytes in.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod api;
pub mod b64u;
pub mod content;
pub mod http_date;
pub mod ids;
pub mod jcs;

pub use content::{Context, Decision, DenyReason, Field, Kind, RequestContent, Statement};
