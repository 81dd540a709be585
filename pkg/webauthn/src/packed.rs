//! §8.2 Packed Attestation Statement Format: self attestation (no `x5c`) and attestation with
//! a certificate (`x5c`), verified for integrity only — see [`crate::attestation_certificate`].

use crate::attestation_certificate;
use crate::error::RegistrationError;
use crate::json::ES256;
use crate::signature::{SignatureFault, verify_es256};
use ciborium::Value;
use p256::ecdsa::VerifyingKey;

/// What a valid `packed` statement turned out to be.
pub(crate) enum Packed {
    /// Self attestation: signed by the credential key.
    SelfAttestation,
    /// Signed by the key of this certificate (`x5c[0]`, DER).
    Certificate(Vec<u8>),
}

/// `attStmt = { alg: COSEAlgorithmIdentifier, sig: bytes, ? x5c: [ attestnCert: bytes,
/// * (caCert: bytes) ] }`, verified per the §8.2 verification procedure.
pub(crate) fn verify(
    att_stmt: &[(Value, Value)],
    auth_data: &[u8],
    client_data_hash: &[u8; 32],
    credential_key: &VerifyingKey,
    aaguid: &[u8; 16],
) -> Result<Packed, RegistrationError> {
    use RegistrationError as E;
    let (mut alg, mut sig, mut x5c) = (None, None, None);
    for (key, value) in att_stmt {
        let Value::Text(name) = key else {
            return Err(E::MalformedPackedStatement);
        };
        match (name.as_str(), value) {
            ("alg", Value::Integer(i)) => alg = Some(i128::from(*i)),
            ("sig", Value::Bytes(b)) => sig = Some(b.as_slice()),
            ("x5c", Value::Array(certs)) => x5c = Some(certs.as_slice()),
            _ => return Err(E::MalformedPackedStatement),
        }
    }
    let (Some(alg), Some(sig)) = (alg, sig) else {
        return Err(E::MalformedPackedStatement);
    };

    let Some(x5c) = x5c else {
        // "If x5c is not present, self attestation is in use. Validate that alg matches the
        // algorithm of the credentialPublicKey in authenticatorData."
        if alg != i128::from(ES256) {
            return Err(E::PackedAlgorithmMismatch);
        }
        // "Verify that sig is a valid signature over the concatenation of authenticatorData
        // and clientDataHash using the credential public key with alg."
        verify_attestation_signature(credential_key, auth_data, client_data_hash, sig)?;
        return Ok(Packed::SelfAttestation);
    };

    // "If x5c is present: …"
    let mut certs = x5c.iter().map(|cert| match cert {
        Value::Bytes(der) => Ok(der.as_slice()),
        _ => Err(E::X5cEntryNotBytes),
    });
    let leaf = certs.next().ok_or(E::X5cEmpty)??;
    // The CA certificates after it are carried, not evaluated (no trust evaluation), but the
    // statement's syntax still holds them as byte strings.
    certs.try_for_each(|cert| cert.map(|_| ()))?;
    let attestn_cert = attestation_certificate::parse(leaf)?;
    // "Verify that sig is a valid signature over the concatenation of authenticatorData and
    // clientDataHash using the attestation public key in attestnCert with the algorithm
    // specified in alg." Assent verifies ES256 only: alg −7 and a P-256 key.
    if alg != i128::from(ES256) {
        return Err(E::PackedCertificateAlgorithm);
    }
    let attestation_key = attestation_certificate::p256_key(&attestn_cert)?;
    verify_attestation_signature(&attestation_key, auth_data, client_data_hash, sig)?;
    // "Verify that attestnCert meets the requirements in § 8.2.1 …" and the AAGUID extension.
    attestation_certificate::check_requirements(&attestn_cert, aaguid)?;
    // "Optionally, inspect x5c and consult externally provided knowledge to determine whether
    // attStmt conveys a Basic or AttCA attestation." Not done: Assent consults no such
    // knowledge (it asked for attestation `none`).
    Ok(Packed::Certificate(leaf.to_vec()))
}

fn verify_attestation_signature(
    key: &VerifyingKey,
    auth_data: &[u8],
    client_data_hash: &[u8; 32],
    sig: &[u8],
) -> Result<(), RegistrationError> {
    verify_es256(key, auth_data, client_data_hash, sig).map_err(|fault| match fault {
        SignatureFault::Malformed => RegistrationError::MalformedAttestationSignature,
        SignatureFault::Invalid => RegistrationError::AttestationSignature,
    })
}
