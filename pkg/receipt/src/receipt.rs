//! Signing and verifying receipts as JWS (SPEC §8, first way of verifying: the JWS with the
//! edge's JWK Set).
//!
//! The second, edge-independent way — recomputing the statement and checking the WebAuthn
//! assertion against the device key — is left to the WebAuthn verifier; the claims expose
//! [`ReceiptClaims::statement`] and the raw assertion for it.

use crate::claims::{RECEIPT_TYP, ReceiptClaims};
use crate::jwk_set::JwkSet;
use crate::jws::{self, JwsError};
use crate::key::ReceiptKey;
use assent_proto::Decision;

/// Why a receipt was refused. Each failed check has its own variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptError {
    /// The JWS itself failed a check (structure, header, signature, payload).
    Jws(JwsError),
    /// The claims could not be encoded (signing) or do not have the receipt shape (verifying).
    Claims(String),
    /// `iss` is not the expected edge origin.
    WrongIssuer {
        /// The edge origin the caller trusts.
        expected: String,
        /// The receipt's `iss`.
        found: String,
    },
    /// `aud` is not the expected RP id.
    WrongAudience {
        /// The caller's `rp_id`.
        expected: String,
        /// The receipt's `aud`.
        found: String,
    },
    /// `jti` is not `request.request_id`.
    JtiMismatch,
    /// `sub` is not `request.user_id`.
    SubjectMismatch,
    /// `aud` is not `request.rp_id`.
    AudienceRequestMismatch,
    /// `request.v` is a request content version this crate does not know.
    UnsupportedVersion(u8),
    /// `reason` is present on an approval (it belongs to denials only).
    ReasonWithApprove,
}

impl core::fmt::Display for ReceiptError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Jws(e) => write!(f, "receipt JWS: {e}"),
            Self::Claims(detail) => write!(f, "receipt claims: {detail}"),
            Self::WrongIssuer { expected, found } => {
                write!(f, "receipt iss is {found:?}, expected {expected:?}")
            }
            Self::WrongAudience { expected, found } => {
                write!(f, "receipt aud is {found:?}, expected {expected:?}")
            }
            Self::JtiMismatch => f.write_str("receipt jti is not request.request_id"),
            Self::SubjectMismatch => f.write_str("receipt sub is not request.user_id"),
            Self::AudienceRequestMismatch => f.write_str("receipt aud is not request.rp_id"),
            Self::UnsupportedVersion(v) => write!(f, "receipt request.v {v} is not supported"),
            Self::ReasonWithApprove => f.write_str("receipt has a reason on an approval"),
        }
    }
}

impl std::error::Error for ReceiptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Jws(e) => Some(e),
            _ => None,
        }
    }
}

impl From<JwsError> for ReceiptError {
    fn from(e: JwsError) -> Self {
        Self::Jws(e)
    }
}

/// Signs `claims` as a receipt: compact JWS, header
/// `{"alg":"ES256","typ":"assent-receipt+jwt","kid":<key's thumbprint>}`.
///
/// Fails only if the claims cannot be encoded as JSON, which plain data like these cannot
/// do; the `Result` keeps that path from panicking.
pub fn sign_receipt(claims: &ReceiptClaims, key: &ReceiptKey) -> Result<String, ReceiptError> {
    let payload = serde_json::to_vec(claims).map_err(|e| ReceiptError::Claims(e.to_string()))?;
    Ok(jws::sign(
        RECEIPT_TYP,
        key.kid(),
        &payload,
        key.signing_key(),
    ))
}

/// Verifies a receipt with the edge's JWK Set and returns its claims.
///
/// Checks, in order: the JWS (exactly three canonical base64url parts, `alg` ES256, `typ`
/// `assent-receipt+jwt`, no `crit`, a known `kid`, a 64-byte `r || s` signature that
/// verifies, an object payload); the claims' shape; `iss` = `expected_iss` (the edge
/// origin); `aud` = `expected_aud` (the caller's `rp_id`); then that the receipt is about
/// the request it carries: `jti` = `request.request_id`, `sub` = `request.user_id`,
/// `aud` = `request.rp_id`, a known `request.v`, and no `reason` on an approval.
pub fn verify_receipt(
    jws: &str,
    keys: &JwkSet,
    expected_iss: &str,
    expected_aud: &str,
) -> Result<ReceiptClaims, ReceiptError> {
    let verified = jws::verify(jws, keys, RECEIPT_TYP)?;
    let claims: ReceiptClaims = serde_json::from_slice(&verified.payload)
        .map_err(|e| ReceiptError::Claims(e.to_string()))?;
    if claims.iss != expected_iss {
        return Err(ReceiptError::WrongIssuer {
            expected: expected_iss.to_owned(),
            found: claims.iss,
        });
    }
    if claims.aud != expected_aud {
        return Err(ReceiptError::WrongAudience {
            expected: expected_aud.to_owned(),
            found: claims.aud,
        });
    }
    check_consistency(&claims)?;
    Ok(claims)
}

/// The claims that repeat the request content must agree with it, so that a receipt cannot
/// attest one request while carrying another's content.
pub(crate) fn check_consistency(claims: &ReceiptClaims) -> Result<(), ReceiptError> {
    if !claims.has_known_version() {
        return Err(ReceiptError::UnsupportedVersion(claims.request.v));
    }
    if claims.jti != claims.request.request_id {
        return Err(ReceiptError::JtiMismatch);
    }
    if claims.sub != claims.request.user_id {
        return Err(ReceiptError::SubjectMismatch);
    }
    if claims.aud != claims.request.rp_id {
        return Err(ReceiptError::AudienceRequestMismatch);
    }
    if claims.decision == Decision::Approve && claims.reason.is_some() {
        return Err(ReceiptError::ReasonWithApprove);
    }
    Ok(())
}
