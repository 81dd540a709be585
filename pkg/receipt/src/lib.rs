//! Assent receipts (SPEC §3, §8): the signed, portable record of one decision.
//!
//! - [`jwk`]: EC P-256 public keys as JWKs, strictly validated, with RFC 7638 thumbprints.
//! - [`jwk_set`]: the JWK Set the edge serves at `/.well-known/jwks.json`.
//! - [`jws`]: compact JWS with ES256 only — pinned `alg`, checked `typ`, `kid` lookup,
//!   canonical base64url, raw `r || s` signatures.
//! - [`claims`] and [`receipt`]: the receipt claims, [`sign_receipt`] and [`verify_receipt`]
//!   (the first way: the JWS with the edge's JWK Set).
//! - [`independent`]: the second way, trusting nothing from the edge: the statement is
//!   recomputed and the device's WebAuthn assertion checked with the key the RP recorded.
//!
//! Pure: no I/O, no clock, no randomness (ECDSA signing is deterministic, RFC 6979).
//!
//! ```
//! use assent_receipt::{JwkSet, ReceiptKey, jws};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The edge: RECEIPT_PRIVATE_KEY, and the JWK Set it publishes.
//! let key = ReceiptKey::from_b64u("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE")?;
//! let published = serde_json::to_string(&key.jwk_set())?;
//! let token = jws::sign("assent-receipt+jwt", key.kid(), br#"{"jti":"r1"}"#, key.signing_key());
//!
//! // An RP: the fetched JWK Set, the pinned alg and typ, the key chosen by kid.
//! let keys = JwkSet::from_json(&published)?;
//! let verified = jws::verify(&token, &keys, "assent-receipt+jwt")?;
//! assert_eq!(verified.payload, br#"{"jti":"r1"}"#);
//! # Ok(())
//! # }
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

pub mod claims;
pub mod independent;
pub mod jwk;
pub mod jwk_set;
pub mod jws;
pub mod key;
mod member;
pub mod receipt;

pub use claims::{DeviceClaim, RECEIPT_TYP, ReceiptClaims, WebAuthnClaim};
pub use independent::{IndependentError, IndependentExpectations, verify_receipt_independently};
pub use jwk::{Jwk, JwkError};
pub use jwk_set::JwkSet;
pub use jws::JwsError;
pub use key::{KeyError, ReceiptKey};
pub use receipt::{ReceiptError, sign_receipt, verify_receipt};

/// Re-exported so callers name the same P-256 types this crate uses.
pub use p256;
