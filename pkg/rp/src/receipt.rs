//! Verifying receipts (SPEC §8) both ways, wrapping assent-receipt.
//!
//! 1. [`verify_receipt_with_jwks`]: the JWS with the edge's JWK Set
//!    (`GET /.well-known/jwks.json`): `alg` pinned to ES256, `typ` `assent-receipt+jwt`,
//!    key chosen by `kid`, `iss` = the edge origin, `aud` = the RP's `rp_id`.
//! 2. [`verify_receipt_independently`]: without trusting the edge at all — the statement
//!    recomputed from the request content in the receipt, and the device's WebAuthn
//!    assertion (`clientDataJSON` type, challenge and origin; rpIdHash; UP and UV; the ES256
//!    signature over `authenticatorData || SHA-256(clientDataJSON)`) checked with the device
//!    public key **the RP recorded** at activation (`activation.completed`, or
//!    `GET /v1/users/{user_id}/devices`).
//!
//! Either way, then check the receipt is about the transaction the RP asked for
//! ([`Receipt::matches`]), and accept a "yes" only through [`Receipt::check_approves`]: a
//! receipt with `decision: approve` but the wrong binding code records a *denial*
//! (`binding_mismatch`).

use assent_proto::api::RequestCreated;
use assent_proto::{Decision, DenyReason, RequestContent};
use assent_receipt::{
    IndependentError, IndependentExpectations, Jwk, JwkError, JwkSet, ReceiptClaims,
};

use crate::matching::{ReceiptExpectation, ReceiptMismatch};
use crate::origin::{EdgeOrigin, OriginError};

/// A verified receipt: the decision, the content the user was shown, the device and its
/// assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The verified claims.
    pub claims: ReceiptClaims,
}

impl Receipt {
    /// The request id (`jti`).
    pub fn request_id(&self) -> &str {
        &self.claims.jti
    }

    /// The account's user id (`sub`).
    pub fn user_id(&self) -> &str {
        &self.claims.sub
    }

    /// What the device signed: approve or deny.
    pub fn decision(&self) -> Decision {
        self.claims.decision
    }

    /// Why the user denied (deny only).
    pub fn reason(&self) -> Option<DenyReason> {
        self.claims.reason
    }

    /// The code the user typed, when number matching was on.
    pub fn binding_code(&self) -> Option<&str> {
        self.claims.binding_code.as_deref()
    }

    /// The request content the user was shown and signed.
    pub fn request(&self) -> &RequestContent {
        &self.claims.request
    }

    /// The device that decided.
    pub fn device_id(&self) -> &str {
        &self.claims.device.id
    }

    /// The deciding device's public key, as the receipt states it. For the independent
    /// way, compare with the key the RP recorded — never trust this one alone.
    pub fn device_public_key(&self) -> &Jwk {
        &self.claims.device.public_key
    }

    /// The authenticator's signature counter in this assertion (`authenticatorData` bytes
    /// 33–36, big-endian), for an RP that tracks it per device.
    pub fn sign_count(&self) -> Option<u32> {
        let bytes = self.claims.webauthn.authenticator_data.get(33..37)?;
        Some(u32::from_be_bytes(bytes.try_into().ok()?))
    }

    /// Checks that this receipt is about what the RP asked: see [`ReceiptExpectation`]'s
    /// implementations for [`RequestCreated`], [`assent_proto::api::CreateRequest`] and
    /// [`assent_proto::api::RequestStatus`].
    pub fn matches<E: ReceiptExpectation + ?Sized>(
        &self,
        expected: &E,
    ) -> Result<(), ReceiptMismatch> {
        expected.check(self)
    }

    /// The only check that turns a receipt into a "yes": it [`matches`](Self::matches)
    /// `created`, the decision is `approve`, and the binding code is the one the website
    /// showed (or absent, without number matching). An approval with a wrong code is
    /// recorded by the edge as `denied` / `binding_mismatch`, and is refused here.
    pub fn check_approves(&self, created: &RequestCreated) -> Result<(), ReceiptMismatch> {
        self.matches(created)?;
        if self.claims.decision != Decision::Approve {
            return Err(ReceiptMismatch::NotApproved {
                reason: self.claims.reason,
            });
        }
        if self.claims.binding_code != created.binding_code {
            return Err(ReceiptMismatch::BindingCode);
        }
        Ok(())
    }
}

/// Why a receipt was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptError {
    /// The expected edge origin is not one.
    EdgeOrigin(OriginError),
    /// The JWK Set is not a valid set of P-256 keys with distinct `kid`s.
    JwkSet(JwkError),
    /// The first way failed: the JWS (structure, header, signature) or its claims (`iss`,
    /// `aud`, consistency with the request content).
    Signed(assent_receipt::ReceiptError),
    /// The second way failed: claims, device key, or the WebAuthn assertion.
    Independent(IndependentError),
}

impl core::fmt::Display for ReceiptError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::EdgeOrigin(e) => write!(f, "{e}"),
            Self::JwkSet(e) => write!(f, "JWK Set: {e}"),
            Self::Signed(e) => write!(f, "{e}"),
            Self::Independent(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReceiptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::EdgeOrigin(e) => Some(e),
            Self::JwkSet(e) => Some(e),
            Self::Signed(e) => Some(e),
            Self::Independent(e) => Some(e),
        }
    }
}

/// The first way: verifies `jws` with the JWK Set `jwks_json` (the body of
/// `GET /.well-known/jwks.json`), `iss` = `expected_edge_origin` (serialized first, so a
/// trailing slash does not matter), `aud` = `expected_rp_id`.
pub fn verify_receipt_with_jwks(
    jws: &str,
    jwks_json: &str,
    expected_edge_origin: &str,
    expected_rp_id: &str,
) -> Result<Receipt, ReceiptError> {
    let keys = JwkSet::from_json(jwks_json).map_err(ReceiptError::JwkSet)?;
    verify_receipt_with_keys(jws, &keys, expected_edge_origin, expected_rp_id)
}

/// [`verify_receipt_with_jwks`] with a parsed (cached) JWK Set, e.g. from
/// [`crate::Client::jwks`]. An `UnknownKid` error means the edge rotated its key: fetch
/// the set again, once.
pub fn verify_receipt_with_keys(
    jws: &str,
    keys: &JwkSet,
    expected_edge_origin: &str,
    expected_rp_id: &str,
) -> Result<Receipt, ReceiptError> {
    let origin = EdgeOrigin::parse(expected_edge_origin).map_err(ReceiptError::EdgeOrigin)?;
    let claims = assent_receipt::verify_receipt(jws, keys, origin.as_str(), expected_rp_id)
        .map_err(ReceiptError::Signed)?;
    Ok(Receipt { claims })
}

/// The second way, trusting nothing from the edge: `device_public_jwk` is the key the RP
/// recorded for the device; `expected_edge_origin` the WebAuthn origin (the PWA runs at the
/// edge); `expected_webauthn_rp_id` the WebAuthn RP ID, the edge's host
/// ([`EdgeOrigin::host`]); `expected_rp_id` the RP's own `rp_id` (`aud`).
///
/// The edge's JWS signature is not consulted: a receipt passes only if the device signed
/// exactly this content and decision.
pub fn verify_receipt_independently(
    jws: &str,
    device_public_jwk: &Jwk,
    expected_edge_origin: &str,
    expected_webauthn_rp_id: &str,
    expected_rp_id: &str,
) -> Result<Receipt, ReceiptError> {
    let origin = EdgeOrigin::parse(expected_edge_origin).map_err(ReceiptError::EdgeOrigin)?;
    let device_key = device_public_jwk.to_uncompressed();
    let claims = assent_receipt::verify_receipt_independently(
        jws,
        &IndependentExpectations {
            rp_id: expected_rp_id,
            edge_origin: origin.as_str(),
            webauthn_rp_id: expected_webauthn_rp_id,
            device_public_key: &device_key,
        },
    )
    .map_err(ReceiptError::Independent)?;
    Ok(Receipt { claims })
}
