//! `packed` attestation with `x5c` (WebAuthn L3 §8.2, §8.2.1): Chromium's recorded batch
//! certificate and hand-encoded variants of it, spliced into the recorded "direct"
//! registration. Chromium's statement signature stays valid as long as the certificate keeps
//! Chromium's key, and the certificate's own signature is never checked (no chain building),
//! so every §8.2.1 requirement is reached with an otherwise valid statement.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_webauthn::json::AttestationConveyance;
use assent_webauthn::soft::{SoftAttestation, Tweaks};
use assent_webauthn::*;
use ciborium::Value;
use common::cert::*;
use common::*;

type RegResult = Result<RegisteredCredential, RegistrationError>;

#[test]
fn the_test_encoder_reproduces_chromiums_certificate() {
    // The oracle for every variant below: openssl decodes the recorded certificate as v3,
    // subject C=US, O=Chromium, OU=Authenticator Attestation, CN=Batch Certificate, a P-256
    // key, Basic Constraints critical CA:FALSE and the FIDO transports extension — no AAGUID
    // extension. The hand encoder writes exactly those bytes.
    let leaf = chromium_leaf();
    let ours = TestCert::chromium_like(p256_spki_of(&leaf));
    assert_eq!(ours.tbs(), tbs_of(&leaf));
    // Its filler signature is accepted: the certificate's own signature is not evaluated.
    assert_eq!(
        direct_with_cert(ours.der())
            .unwrap()
            .attestation_certificate,
        Some(ours.der())
    );
    assert_ne!(ours.der(), leaf);
}

#[test]
fn aaguid_extension_that_matches_is_accepted() {
    let cert = chromium_like(|c| {
        c.extensions.push((
            OID_FIDO_AAGUID,
            false,
            aaguid_value(&soft::CHROMIUM_VIRTUAL_AAGUID),
        ))
    });
    let credential = direct_with_cert(cert.clone()).unwrap();
    assert_eq!(credential.fmt, AttestationFormat::PackedCertificate);
    assert_eq!(credential.attestation_certificate, Some(cert));
}

#[test]
fn ca_certificates_after_the_leaf_are_carried_not_evaluated() {
    let credential = direct_with(|stmt| {
        x5c(stmt).push(Value::Bytes(b"not even DER".to_vec()));
    })
    .unwrap();
    assert_eq!(credential.attestation_certificate, Some(chromium_leaf()));
    // …but they must still be byte strings (§8.2 syntax).
    assert_eq!(
        direct_with(|stmt| x5c(stmt).push(Value::Integer(5.into()))).unwrap_err(),
        RegistrationError::X5cEntryNotBytes
    );
}

#[test]
fn soft_authenticator_with_its_own_certificate_is_accepted() {
    // A different key from Chromium's: the soft authenticator signs with its credential key,
    // which this certificate certifies.
    let key = soft(7).public_key();
    let cert = TestCert::chromium_like(ec_spki(OID_P256, &key)).der();
    let (_, result) = soft_register(
        &mut soft(7),
        AttestationConveyance::Direct,
        &Tweaks {
            attestation: Some(SoftAttestation::PackedWithX5c(vec![cert.clone()])),
            ..Tweaks::default()
        },
    );
    let credential = result.unwrap();
    assert_eq!(credential.fmt, AttestationFormat::PackedCertificate);
    assert_eq!(credential.attestation_certificate, Some(cert));
    assert_eq!(credential.public_key, key);

    // The same statement with a certificate for another key does not verify.
    let other = TestCert::chromium_like(ec_spki(OID_P256, &soft(99).public_key())).der();
    let (_, result) = soft_register(
        &mut soft(7),
        AttestationConveyance::Direct,
        &Tweaks {
            attestation: Some(SoftAttestation::PackedWithX5c(vec![other])),
            ..Tweaks::default()
        },
    );
    assert_eq!(result.unwrap_err(), RegistrationError::AttestationSignature);
}

#[test]
fn each_certificate_requirement_refuses_with_its_own_error() {
    use RegistrationError as E;
    let leaf = chromium_leaf();
    let mut off_curve = p256_spki_of(&leaf);
    *off_curve.last_mut().unwrap() ^= 1;
    let cases: Vec<(&str, RegResult, E)> = vec![
        (
            "x5c not an array",
            direct_with(|stmt| *entry(stmt, "x5c") = Value::Bytes(leaf.clone())),
            E::MalformedPackedStatement,
        ),
        (
            "x5c empty",
            direct_with(|stmt| x5c(stmt).clear()),
            E::X5cEmpty,
        ),
        (
            "x5c[0] text",
            direct_with(|stmt| x5c(stmt)[0] = Value::Text("MIIB".into())),
            E::X5cEntryNotBytes,
        ),
        (
            "leaf truncated",
            direct_with_cert(leaf[..leaf.len() - 1].to_vec()),
            E::MalformedAttestationCertificate,
        ),
        (
            "leaf with a trailing byte",
            direct_with_cert([leaf.clone(), vec![0]].concat()),
            E::MalformedAttestationCertificate,
        ),
        (
            "leaf repeats an extension",
            direct_with_cert(chromium_like(|c| {
                c.extensions
                    .push((OID_FIDO_TRANSPORTS, false, tlv(0x03, &[0x03, 0x08])))
            })),
            E::MalformedAttestationCertificate,
        ),
        (
            "basic constraints not a SEQUENCE",
            direct_with_cert(chromium_like(|c| {
                c.extensions[0].2 = tlv(0x01, &[0xff]);
            })),
            E::MalformedAttestationCertificate,
        ),
        (
            "alg RS256",
            direct_with(|stmt| *entry(stmt, "alg") = Value::Integer((-257).into())),
            E::PackedCertificateAlgorithm,
        ),
        (
            "leaf key on P-384",
            direct_with_cert(chromium_like(|c| c.spki = ec_spki(OID_P384, &[4; 97]))),
            E::AttestationCertificateKey,
        ),
        (
            "leaf key Ed25519",
            direct_with_cert(chromium_like(|c| {
                c.spki = seq(&[seq(&[oid(OID_ED25519)]), bit_string(&[7; 32])])
            })),
            E::AttestationCertificateKey,
        ),
        (
            "leaf key off the curve",
            direct_with_cert(chromium_like(|c| c.spki = off_curve)),
            E::AttestationCertificateKey,
        ),
        (
            "attestation signature flipped",
            direct_with(|stmt| {
                let Value::Bytes(sig) = entry(stmt, "sig") else {
                    panic!("sig")
                };
                *sig.last_mut().unwrap() ^= 1;
            }),
            E::AttestationSignature,
        ),
        (
            "attestation signature not DER",
            direct_with(|stmt| *entry(stmt, "sig") = Value::Bytes(vec![1; 64])),
            E::MalformedAttestationSignature,
        ),
        (
            "version 2",
            direct_with_cert(chromium_like(|c| c.version = Some(1))),
            E::AttestationCertificateVersion,
        ),
        (
            "version 1 (field omitted)",
            direct_with_cert(chromium_like(|c| c.version = None)),
            E::AttestationCertificateVersion,
        ),
        (
            "subject without C",
            direct_with_cert(chromium_like(|c| {
                c.subject.remove(0);
            })),
            E::AttestationCertificateSubject { attribute: "C" },
        ),
        (
            "subject without O",
            direct_with_cert(chromium_like(|c| {
                c.subject.remove(1);
            })),
            E::AttestationCertificateSubject { attribute: "O" },
        ),
        (
            "subject without CN",
            direct_with_cert(chromium_like(|c| {
                c.subject.remove(3);
            })),
            E::AttestationCertificateSubject { attribute: "CN" },
        ),
        (
            "subject with an empty O",
            direct_with_cert(chromium_like(|c| c.subject[1].2 = "")),
            E::AttestationCertificateSubject { attribute: "O" },
        ),
        (
            "subject without OU",
            direct_with_cert(chromium_like(|c| {
                c.subject.remove(2);
            })),
            E::AttestationCertificateOu,
        ),
        (
            "subject OU another text",
            direct_with_cert(chromium_like(|c| {
                c.subject[2].2 = "Authenticator Attestatiom"
            })),
            E::AttestationCertificateOu,
        ),
        (
            "subject OU as PrintableString",
            direct_with_cert(chromium_like(|c| c.subject[2].1 = PRINTABLE)),
            E::AttestationCertificateOu,
        ),
        (
            "subject with a second, other OU",
            direct_with_cert(chromium_like(|c| c.subject.push((OID_OU, UTF8, "Sales")))),
            E::AttestationCertificateOu,
        ),
        (
            "no basic constraints",
            direct_with_cert(chromium_like(|c| {
                c.extensions.remove(0);
            })),
            E::AttestationCertificateBasicConstraintsMissing,
        ),
        (
            "no extensions at all",
            direct_with_cert(chromium_like(|c| c.extensions.clear())),
            E::AttestationCertificateBasicConstraintsMissing,
        ),
        (
            "CA true",
            direct_with_cert(chromium_like(|c| {
                c.extensions[0].2 = basic_constraints(true)
            })),
            E::AttestationCertificateCa,
        ),
        (
            "AAGUID extension critical",
            direct_with_cert(chromium_like(|c| {
                c.extensions.push((
                    OID_FIDO_AAGUID,
                    true,
                    aaguid_value(&soft::CHROMIUM_VIRTUAL_AAGUID),
                ))
            })),
            E::AaguidExtensionCritical,
        ),
        (
            "AAGUID extension of 15 bytes",
            direct_with_cert(chromium_like(|c| {
                c.extensions.push((
                    OID_FIDO_AAGUID,
                    false,
                    aaguid_value(&soft::CHROMIUM_VIRTUAL_AAGUID[..15]),
                ))
            })),
            E::MalformedAaguidExtension,
        ),
        (
            "AAGUID extension not wrapped twice",
            direct_with_cert(chromium_like(|c| {
                c.extensions.push((
                    OID_FIDO_AAGUID,
                    false,
                    soft::CHROMIUM_VIRTUAL_AAGUID.to_vec(),
                ))
            })),
            E::MalformedAaguidExtension,
        ),
        (
            "AAGUID extension names another authenticator",
            direct_with_cert(chromium_like(|c| {
                c.extensions
                    .push((OID_FIDO_AAGUID, false, aaguid_value(&[0xaa; 16])))
            })),
            E::AaguidExtensionMismatch,
        ),
    ];
    for (name, result, expected) in cases {
        assert_eq!(result.map(|_| ()), Err(expected), "{name}");
    }
}

#[test]
fn other_certificate_formats_are_still_unsupported() {
    for fmt in [
        "android-key",
        "tpm",
        "fido-u2f",
        "apple",
        "android-safetynet",
    ] {
        // Chromium's valid packed statement, relabelled: refused by name, not by content.
        let rec = Recorded::load("registration-direct");
        let mut response = rec.registration();
        edit_attestation_object(&mut response, |entries| {
            *entry(entries, "fmt") = Value::Text(fmt.into());
        });
        let result = verify_registration(&rec.reg_expectations(), &response);
        assert_eq!(
            result.map(|_| ()),
            Err(RegistrationError::UnsupportedAttestationFormat),
            "{fmt}"
        );
    }
}
