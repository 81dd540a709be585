//! The `packed` attestation certificate (`x5c[0]`, the spec's attestnCert): its P-256 key and
//! the WebAuthn L3 §8.2.1 "Certificate Requirements for Packed Attestation Statements".
//!
//! Integrity only. Assent requests attestation `none` and does not evaluate attestation trust:
//! no root store, no chain building, no validity period (the crate has no clock), no
//! revocation. What this module establishes is that the statement is internally sound — a
//! well-formed certificate, shaped as §8.2.1 demands, whose key signed this registration.

use crate::error::RegistrationError;
use p256::ecdsa::VerifyingKey;
use x509_cert::der::asn1::{ObjectIdentifier, OctetString};
use x509_cert::der::{Decode, Tag, Tagged};
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::name::Name;
use x509_cert::{Certificate, Version};

/// id-ecPublicKey (RFC 5480 §2.1.1).
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1 / prime256v1 (RFC 5480 §2.1.1.1).
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// id-ce-basicConstraints (RFC 5280 §4.2.1.9).
const ID_CE_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
/// id-fido-gen-ce-aaguid (WebAuthn L3 §8.2.1).
const ID_FIDO_GEN_CE_AAGUID: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.45724.1.1.4");
/// Subject attribute types (RFC 4519).
const COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const ORGANIZATIONAL_UNIT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// §8.2.1: "Subject-OU: Literal string “Authenticator Attestation” (UTF8String)".
const ATTESTATION_OU: &[u8] = b"Authenticator Attestation";

/// Parses `x5c[0]`: exactly one DER X.509 certificate, nothing after it.
pub(crate) fn parse(der: &[u8]) -> Result<Certificate, RegistrationError> {
    Certificate::from_der(der).map_err(|_| RegistrationError::MalformedAttestationCertificate)
}

/// The certificate's subject public key, which must be an EC key on P-256 (the only curve
/// ES256, the only attestation algorithm Assent verifies, signs with) and a valid point.
pub(crate) fn p256_key(cert: &Certificate) -> Result<VerifyingKey, RegistrationError> {
    let refused = RegistrationError::AttestationCertificateKey;
    let spki = cert.tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY
        || spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|curve| curve.decode_as::<ObjectIdentifier>().ok())
            != Some(SECP256R1)
    {
        return Err(refused);
    }
    // RFC 5480 §2.2: the ECPoint goes into the BIT STRING whole (no unused bits).
    let point = spki.subject_public_key.as_bytes().ok_or(refused.clone())?;
    VerifyingKey::from_sec1_bytes(point).map_err(|_| refused)
}

/// §8.2.1 certificate requirements, then §8.2 verification procedure: "If attestnCert contains
/// an extension with OID 1.3.6.1.4.1.45724.1.1.4 (id-fido-gen-ce-aaguid) verify that the value
/// of this extension matches the aaguid in authenticatorData."
pub(crate) fn check_requirements(
    cert: &Certificate,
    aaguid: &[u8; 16],
) -> Result<(), RegistrationError> {
    use RegistrationError as E;
    let tbs = cert.tbs_certificate();

    // "Version MUST be set to 3 (which is indicated by an ASN.1 INTEGER with value 2)."
    if tbs.version() != Version::V3 {
        return Err(E::AttestationCertificateVersion);
    }

    check_subject(tbs.subject())?;

    let extensions = tbs.extensions().map(Vec::as_slice).unwrap_or_default();
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular
    // extension." With two, which one the checks below read would be arbitrary.
    for (i, ext) in extensions.iter().enumerate() {
        if extensions
            .iter()
            .skip(i + 1)
            .any(|other| other.extn_id == ext.extn_id)
        {
            return Err(E::MalformedAttestationCertificate);
        }
    }
    let find = |oid| extensions.iter().find(|ext| ext.extn_id == oid);

    // "If the related attestation root certificate is used for multiple authenticator models,
    // the Extension OID 1.3.6.1.4.1.45724.1.1.4 (id-fido-gen-ce-aaguid) MUST be present,
    // containing the AAGUID as a 16-byte OCTET STRING. The extension MUST NOT be marked as
    // critical." Whether the root serves several models is external knowledge Assent does not
    // hold, so absence is accepted (Chromium's virtual authenticator omits it); presence is
    // checked.
    let aaguid_extension = match find(ID_FIDO_GEN_CE_AAGUID) {
        Some(ext) if ext.critical => return Err(E::AaguidExtensionCritical),
        // "Note that an X.509 Extension encodes the DER-encoding of the value in an OCTET
        // STRING. Thus, the AAGUID MUST be wrapped in two OCTET STRINGS to be valid."
        Some(ext) => Some(
            OctetString::from_der(ext.extn_value.as_bytes())
                .ok()
                .and_then(|inner| <[u8; 16]>::try_from(inner.as_bytes()).ok())
                .ok_or(E::MalformedAaguidExtension)?,
        ),
        None => None,
    };

    // "The Basic Constraints extension MUST have the CA component set to false." The sentence
    // presumes the extension; an attestation certificate without it is refused.
    let basic_constraints =
        find(ID_CE_BASIC_CONSTRAINTS).ok_or(E::AttestationCertificateBasicConstraintsMissing)?;
    let basic_constraints = BasicConstraints::from_der(basic_constraints.extn_value.as_bytes())
        .map_err(|_| E::MalformedAttestationCertificate)?;
    if basic_constraints.ca {
        return Err(E::AttestationCertificateCa);
    }

    if let Some(certified) = aaguid_extension
        && &certified != aaguid
    {
        return Err(E::AaguidExtensionMismatch);
    }
    Ok(())
}

/// §8.2.1: "Subject field MUST be set to: Subject-C … (PrintableString), Subject-O … (UTF8String),
/// Subject-OU: Literal string “Authenticator Attestation” (UTF8String), Subject-CN: A
/// UTF8String of the vendor's choosing". C, O and CN must be present and non-empty (their
/// content is the vendor's); every OU must be exactly the literal, as a UTF8String.
fn check_subject(subject: &Name) -> Result<(), RegistrationError> {
    let present = |oid| {
        subject
            .iter()
            .any(|attribute| attribute.oid == oid && !attribute.value.value().is_empty())
    };
    for (oid, attribute) in [(COUNTRY, "C"), (ORGANIZATION, "O")] {
        if !present(oid) {
            return Err(RegistrationError::AttestationCertificateSubject { attribute });
        }
    }
    let mut units = subject
        .iter()
        .filter(|attribute| attribute.oid == ORGANIZATIONAL_UNIT)
        .peekable();
    if units.peek().is_none()
        || !units
            .all(|unit| unit.value.tag() == Tag::Utf8String && unit.value.value() == ATTESTATION_OU)
    {
        return Err(RegistrationError::AttestationCertificateOu);
    }
    if !present(COMMON_NAME) {
        return Err(RegistrationError::AttestationCertificateSubject { attribute: "CN" });
    }
    Ok(())
}
