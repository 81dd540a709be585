//! WebAuthn relying-party verification for Assent (WebAuthn Level 3 §7.1 and §7.2).
//!
//! Assent's policy, which this crate enforces rather than leaves to callers (SPEC §3, §7):
//! ES256 (P-256) credentials only; user verification required at registration and at every
//! assertion; attestation `none` requested — `none`, `packed` self attestation and `packed`
//! with an attestation certificate (`x5c`) are accepted. A certificate is verified for
//! integrity only (WebAuthn §8.2 procedure, §8.2.1 certificate requirements, AAGUID
//! extension): its chain is not built or checked against any root, because Assent does not
//! evaluate attestation trust. Exactly one origin and one RP ID; no cross-origin frames; a
//! non-zero signature counter that strictly increases.
//!
//! - [`creation_options`] / [`request_options`] build the JSON options for the PWA.
//! - [`verify_registration`] checks a `RegistrationResponseJSON` and returns the
//!   [`RegisteredCredential`] to store.
//! - [`verify_assertion`] checks an `AuthenticationResponseJSON` against the
//!   [`StoredCredential`]; [`verify_signed_assertion`] checks the signed bytes of a recorded
//!   assertion (a receipt) without the edge's state.
//! - With the `soft-authenticator` feature, `soft` answers like Chromium's authenticator,
//!   for tests.
//!
//! Every failed check has its own error variant ([`RegistrationError`], [`AssertionError`]).
//! The crate is pure: no clock, no randomness, no I/O; challenges and keys come from callers.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod assertion;
mod attestation_certificate;
mod auth_data;
mod cbor;
mod client_data;
mod cose;
mod error;
pub mod json;
mod options;
mod packed;
mod registration;
mod signature;
#[cfg(feature = "soft-authenticator")]
pub mod soft;

pub use assertion::{
    AssertionExpectations, SignedAssertionExpectations, StoredCredential, VerifiedAssertion,
    verify_assertion, verify_signed_assertion,
};
pub use error::{AssertionError, RegistrationError};
pub use json::{
    AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON,
    PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON,
};
pub use options::{CreationOptionsInput, creation_options, request_options};
pub use p256::ecdsa::VerifyingKey;
pub use registration::{
    AttestationFormat, MAX_CREDENTIAL_ID_LEN, RegisteredCredential, RegistrationExpectations,
    verify_registration,
};
