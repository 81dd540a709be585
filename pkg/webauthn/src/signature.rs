//! ES256 signatures as WebAuthn carries them: ASN.1 DER `ECDSA-Sig-Value` (RFC 3279 §2.2.3)
//! over `authenticatorData || SHA-256(clientDataJSON)` (§6.3.3, §7.2 step 22).

use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, Signature, VerifyingKey};
use sha2::{Digest, Sha256};

/// Why a signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureFault {
    /// Not strict DER, or r/s zero or out of range.
    Malformed,
    /// Well-formed but not valid for this key and message.
    Invalid,
}

/// SHA-256 of the client data JSON: `hash` / `clientDataHash` in the spec.
pub(crate) fn client_data_hash(client_data_json: &[u8]) -> [u8; 32] {
    Sha256::digest(client_data_json).into()
}

/// Verifies a DER ES256 signature over `authenticator_data || client_data_hash`.
///
/// Strict DER (minimal lengths and integers, nothing trailing) is required. High-S signatures
/// are accepted: WebAuthn does not ask authenticators for low-S, and some produce high-S.
pub(crate) fn verify_es256(
    key: &VerifyingKey,
    authenticator_data: &[u8],
    client_data_hash: &[u8; 32],
    der: &[u8],
) -> Result<(), SignatureFault> {
    let der = DerSignature::from_bytes(der).map_err(|_| SignatureFault::Malformed)?;
    let signature = Signature::try_from(der).map_err(|_| SignatureFault::Malformed)?;
    let mut message = Vec::with_capacity(authenticator_data.len() + client_data_hash.len());
    message.extend_from_slice(authenticator_data);
    message.extend_from_slice(client_data_hash);
    key.verify(&message, &signature)
        .map_err(|_| SignatureFault::Invalid)
}
