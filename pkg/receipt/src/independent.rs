//! The second way to verify a receipt (SPEC §8): without trusting the edge at all.
//!
//! The edge's JWS signature is not consulted. The RP recomputes `request_hash` from the
//! request content inside the receipt, rebuilds the statement the user signed, and checks
//! the raw WebAuthn assertion (client data `type`, challenge, origin; rpIdHash; UP and UV;
//! the ES256 signature) with the device public key **the RP itself recorded at activation**.
//! A compromised edge can then neither invent a decision nor change what was shown: the
//! assertion only verifies over exactly the content and decision the device signed.

use assent_proto::b64u;
use assent_webauthn::{AssertionError, SignedAssertionExpectations, verify_signed_assertion};

use crate::receipt::check_consistency;
use crate::{ReceiptClaims, ReceiptError};

/// What the RP knows on its own, independently of the edge.
#[derive(Debug, Clone, Copy)]
pub struct IndependentExpectations<'a> {
    /// The RP's own `rp_id` (the receipt's `aud` and `request.rp_id`).
    pub rp_id: &'a str,
    /// The edge's origin (`EDGE`), where the PWA runs: the WebAuthn origin.
    pub edge_origin: &'a str,
    /// The WebAuthn RP ID: the edge's host name.
    pub webauthn_rp_id: &'a str,
    /// The device's credential public key (65-byte uncompressed) recorded at activation,
    /// e.g. from `activation.completed` or `GET /v1/users/{user_id}/devices`.
    pub device_public_key: &'a [u8; 65],
}

/// Why a receipt failed independent verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndependentError {
    /// Not three base64url parts, or the payload is not receipt claims.
    Malformed(String),
    /// The claims disagree with themselves or with the RP (`aud`, `jti`, `sub`, version).
    Claims(ReceiptError),
    /// The receipt names a device key other than the one the RP recorded.
    DeviceKeyMismatch,
    /// The statement could not be canonicalized.
    Statement,
    /// The WebAuthn assertion does not verify over the recomputed statement: the content,
    /// the decision or the binding code differ from what the device signed, or the
    /// signature is not the device's.
    Assertion(AssertionError),
}

impl core::fmt::Display for IndependentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "receipt is malformed: {why}"),
            Self::Claims(e) => write!(f, "receipt claims are inconsistent: {e}"),
            Self::DeviceKeyMismatch => {
                f.write_str("receipt names a device key other than the recorded one")
            }
            Self::Statement => f.write_str("statement cannot be canonicalized"),
            Self::Assertion(e) => write!(f, "device assertion does not verify: {e}"),
        }
    }
}

impl std::error::Error for IndependentError {}

/// Verifies a receipt without trusting the edge, returning its claims.
pub fn verify_receipt_independently(
    jws: &str,
    expected: &IndependentExpectations<'_>,
) -> Result<ReceiptClaims, IndependentError> {
    let claims = decode_claims(jws)?;
    if claims.aud != expected.rp_id {
        return Err(IndependentError::Claims(ReceiptError::WrongAudience {
            expected: expected.rp_id.to_owned(),
            found: claims.aud,
        }));
    }
    check_consistency(&claims).map_err(IndependentError::Claims)?;
    if claims.device.public_key.to_uncompressed() != *expected.device_public_key {
        return Err(IndependentError::DeviceKeyMismatch);
    }
    // The statement is rebuilt from the content, never taken from a hash the edge supplied.
    let challenge = claims
        .statement()
        .and_then(|s| s.challenge())
        .map_err(|_| IndependentError::Statement)?;
    verify_signed_assertion(
        &SignedAssertionExpectations {
            rp_id: expected.webauthn_rp_id,
            origin: expected.edge_origin,
            challenge: &challenge,
            public_key: expected.device_public_key,
        },
        &claims.webauthn.client_data_json,
        &claims.webauthn.authenticator_data,
        &claims.webauthn.signature,
    )
    .map_err(IndependentError::Assertion)?;
    Ok(claims)
}

/// The claims of a compact JWS, read without checking the edge's signature.
fn decode_claims(jws: &str) -> Result<ReceiptClaims, IndependentError> {
    let mut parts = jws.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(IndependentError::Malformed("not three parts".into()));
    };
    let payload = b64u::decode(payload)
        .map_err(|_| IndependentError::Malformed("payload is not base64url".into()))?;
    serde_json::from_slice(&payload).map_err(|e| IndependentError::Malformed(e.to_string()))
}
