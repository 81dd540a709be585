//! One refusal per check, each with its own error variant. Tampered Chromium recordings where
//! the check comes before any signature; the soft authenticator for validly signed but wrong
//! responses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_proto::b64u;
use assent_webauthn::json::AttestationConveyance;
use assent_webauthn::soft::{SoftAttestation, Tweaks};
use assent_webauthn::*;
use ciborium::Value;
use common::*;
use std::collections::HashSet;
use std::mem::discriminant;

type RegResult = Result<RegisteredCredential, RegistrationError>;
type AssertResult = Result<VerifiedAssertion, AssertionError>;
/// A table row: the case's name, what the verifier said, and the error it must have said.
type Case<R, E> = (&'static str, R, fn(&E) -> bool);

/// A recorded registration ("registration-none") after `mutate`, checked against the
/// recording's expectations after `expect_mut`.
fn recorded_reg(
    mutate: impl FnOnce(&mut RegistrationResponseJSON),
    expect_mut: impl FnOnce(&mut Recorded),
) -> RegResult {
    let mut rec = Recorded::load("registration-none");
    let mut response = rec.registration();
    mutate(&mut response);
    expect_mut(&mut rec);
    verify_registration(&rec.reg_expectations(), &response)
}

fn soft_reg(tweaks: Tweaks) -> RegResult {
    soft_register(&mut soft(7), AttestationConveyance::None, &tweaks).1
}

fn soft_reg_packed(tweaks: Tweaks) -> RegResult {
    soft_register(&mut soft(7), AttestationConveyance::Direct, &tweaks).1
}

/// A soft registration, edited after the fact.
fn soft_reg_edited(
    attestation: AttestationConveyance,
    edit: impl FnOnce(&mut RegistrationResponseJSON),
) -> RegResult {
    let (mut response, result) = soft_register(&mut soft(7), attestation, &Tweaks::default());
    assert!(
        result.is_ok(),
        "unedited soft registration must pass: {result:?}"
    );
    edit(&mut response);
    verify_soft_registration(&response)
}

/// Authenticator data cut or re-flagged, wrapped in a fresh `none` attestation object.
fn recorded_reg_auth_data(edit: impl FnOnce(&mut Vec<u8>)) -> RegResult {
    recorded_reg(
        |r| {
            r.response.authenticator_data = None;
            edit_attestation_object(r, |entries| {
                let Value::Bytes(auth_data) = entry(entries, "authData") else {
                    panic!("authData")
                };
                edit(auth_data);
            });
        },
        |_| {},
    )
}

/// A COSE key with `y` replaced, so (x, y) is off the curve.
fn off_curve_cose_key(public_key: &[u8; 65]) -> Vec<u8> {
    let mut y = public_key[33..].to_vec();
    y[31] ^= 1;
    let mut out = Vec::new();
    ciborium::ser::into_writer(
        &Value::Map(vec![
            (1.into(), 2.into()),
            (3.into(), (-7).into()),
            ((-1).into(), 1.into()),
            ((-2).into(), Value::Bytes(public_key[1..33].to_vec())),
            ((-3).into(), Value::Bytes(y)),
        ]),
        &mut out,
    )
    .unwrap();
    out
}

#[test]
fn every_registration_check_refuses_with_its_own_variant() {
    use RegistrationError as E;
    let other_key = soft(99).public_key();
    let table: Vec<Case<RegResult, E>> = vec![
        (
            "credential type",
            recorded_reg(|r| r.type_ = "password".into(), |_| {}),
            |e| matches!(e, E::CredentialType),
        ),
        (
            "id differs from rawId",
            recorded_reg(|r| edit_b64(&mut r.id, |b| b[0] ^= 1), |_| {}),
            |e| matches!(e, E::IdMismatch),
        ),
        (
            "bad base64 (padding)",
            recorded_reg(|r| r.response.client_data_json.push('='), |_| {}),
            |e| {
                matches!(
                    e,
                    E::Base64 {
                        field: "response.clientDataJSON"
                    }
                )
            },
        ),
        (
            "bad base64 (standard alphabet)",
            recorded_reg(|r| r.raw_id = r.raw_id.replace(['-', '_'], "+"), |_| {}),
            |e| matches!(e, E::Base64 { field: "rawId" }),
        ),
        (
            "clientDataJSON not UTF-8",
            soft_reg(Tweaks {
                client_data_json: Some(b"{\"type\":\"webauthn.create\xff\"}".to_vec()),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::ClientDataNotUtf8),
        ),
        (
            "clientDataJSON not JSON",
            soft_reg(Tweaks {
                client_data_json: Some(b"{\"type\":".to_vec()),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedClientData),
        ),
        (
            "clientDataJSON with a repeated member",
            recorded_reg(
                |r| {
                    replace_in_b64(
                        &mut r.response.client_data_json,
                        "{",
                        "{\"type\":\"webauthn.create\",",
                    )
                },
                |_| {},
            ),
            |e| matches!(e, E::MalformedClientData),
        ),
        (
            "clientData type (tampered recording)",
            recorded_reg(
                |r| {
                    replace_in_b64(
                        &mut r.response.client_data_json,
                        "webauthn.create",
                        "webauthn.get",
                    )
                },
                |_| {},
            ),
            |e| matches!(e, E::ClientDataType),
        ),
        (
            "challenge",
            recorded_reg(|_| {}, |rec| rec.challenge[0] ^= 1),
            |e| matches!(e, E::Challenge),
        ),
        (
            "origin",
            recorded_reg(|_| {}, |rec| rec.origin = "http://localhost:1".into()),
            |e| matches!(e, E::Origin),
        ),
        (
            "crossOrigin true",
            soft_reg(Tweaks {
                cross_origin: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::CrossOrigin),
        ),
        (
            "topOrigin present",
            soft_reg(Tweaks {
                top_origin: Some(ORIGIN.into()),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::TopOrigin),
        ),
        (
            "attestation object not CBOR",
            recorded_reg(
                |r| r.response.attestation_object = b64u::encode(b"\xff\x00garbage"),
                |_| {},
            ),
            |e| matches!(e, E::MalformedAttestationObject),
        ),
        (
            "attestation object with trailing bytes",
            recorded_reg(
                |r| edit_b64(&mut r.response.attestation_object, |b| b.push(0)),
                |_| {},
            ),
            |e| matches!(e, E::MalformedAttestationObject),
        ),
        (
            "attestation object with an extra member",
            recorded_reg(
                |r| {
                    edit_attestation_object(r, |m| {
                        m.push((Value::Text("ep".into()), Value::Bool(true)))
                    })
                },
                |_| {},
            ),
            |e| matches!(e, E::MalformedAttestationObject),
        ),
        (
            "attestation object with a repeated key",
            recorded_reg(
                |r| {
                    edit_attestation_object(r, |m| {
                        m.insert(0, (Value::Text("fmt".into()), Value::Text("packed".into())))
                    })
                },
                |_| {},
            ),
            |e| matches!(e, E::MalformedAttestationObject),
        ),
        (
            "credential public key with a repeated label",
            soft_reg(Tweaks {
                // {1: 2, 3: -7, 3: -7, -1: 1, -2: x, -3: y}, from the real key.
                cose_key: Some({
                    let key = soft(7).public_key();
                    let mut out = Vec::new();
                    ciborium::ser::into_writer(
                        &Value::Map(vec![
                            (1.into(), 2.into()),
                            (3.into(), (-7).into()),
                            (3.into(), (-7).into()),
                            ((-1).into(), 1.into()),
                            ((-2).into(), Value::Bytes(key[1..33].to_vec())),
                            ((-3).into(), Value::Bytes(key[33..].to_vec())),
                        ]),
                        &mut out,
                    )
                    .unwrap();
                    out
                }),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedCredentialPublicKey),
        ),
        (
            "authenticator data truncated",
            recorded_reg_auth_data(|a| a.truncate(60)),
            |e| matches!(e, E::MalformedAuthenticatorData),
        ),
        (
            "credential public key not CBOR",
            soft_reg(Tweaks {
                cose_key: Some(vec![0xff]),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedCredentialPublicKey),
        ),
        (
            "credential public key not a map",
            soft_reg(Tweaks {
                cose_key: Some(vec![0x80]),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedCredentialPublicKey),
        ),
        (
            "ED set, extensions not a map",
            soft_reg(Tweaks {
                extensions: Some(vec![0x01]),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedExtensions),
        ),
        (
            "trailing bytes in authenticator data",
            soft_reg(Tweaks {
                trailing_bytes: vec![0xa0],
                ..Tweaks::default()
            }),
            |e| matches!(e, E::TrailingAuthenticatorData),
        ),
        (
            "rpIdHash (wrong expected RP ID)",
            recorded_reg(|_| {}, |rec| rec.rp_id = "example.com".into()),
            |e| matches!(e, E::RpIdHash),
        ),
        (
            "rpIdHash (authenticator used another RP ID)",
            soft_reg(Tweaks {
                rp_id: Some("evil.example".into()),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::RpIdHash),
        ),
        (
            "UP clear",
            soft_reg(Tweaks {
                omit_user_presence: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UserNotPresent),
        ),
        (
            "UV clear",
            soft_reg(Tweaks {
                omit_user_verification: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UserNotVerified),
        ),
        (
            "BS without BE",
            soft_reg(Tweaks {
                backup_state: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::BackupStateWithoutEligibility),
        ),
        (
            "AT clear",
            recorded_reg_auth_data(|a| {
                a.truncate(37);
                a[32] &= !0x40;
            }),
            |e| matches!(e, E::MissingAttestedCredentialData),
        ),
        (
            "attested credential id differs from rawId",
            soft_reg(Tweaks {
                attested_credential_id: Some(vec![7; 32]),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::CredentialIdMismatch),
        ),
        (
            "credential id over 1023 bytes",
            soft_register(
                &mut soft::SoftAuthenticator::new(&[3; 32], &[5; 1024]).unwrap(),
                AttestationConveyance::None,
                &Tweaks::default(),
            )
            .1,
            |e| matches!(e, E::CredentialIdTooLong),
        ),
        (
            "key type OKP",
            soft_reg(Tweaks {
                cose_kty: Some(1),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UnsupportedKeyType),
        ),
        (
            "key type RSA",
            soft_reg(Tweaks {
                cose_kty: Some(3),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UnsupportedKeyType),
        ),
        (
            "algorithm EdDSA",
            soft_reg(Tweaks {
                cose_alg: Some(-8),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UnsupportedAlgorithm),
        ),
        (
            "curve P-384",
            soft_reg(Tweaks {
                cose_crv: Some(2),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UnsupportedCurve),
        ),
        (
            "point off the curve",
            soft_reg(Tweaks {
                cose_key: Some(off_curve_cose_key(&soft(7).public_key())),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::InvalidPublicKey),
        ),
        (
            "unsupported fmt",
            soft_reg(Tweaks {
                attestation: Some(SoftAttestation::Other("tpm".into())),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UnsupportedAttestationFormat),
        ),
        (
            "unsupported fmt android-key",
            soft_reg(Tweaks {
                attestation: Some(SoftAttestation::Other("android-key".into())),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UnsupportedAttestationFormat),
        ),
        (
            "fmt is case-sensitive",
            soft_reg(Tweaks {
                attestation: Some(SoftAttestation::Other("None".into())),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UnsupportedAttestationFormat),
        ),
        (
            "none with a statement",
            soft_reg(Tweaks {
                attestation: Some(SoftAttestation::NoneWithStatement),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::NoneAttestationStatementNotEmpty),
        ),
        (
            "packed without sig",
            soft_reg_edited(AttestationConveyance::Direct, |r| {
                edit_attestation_object(r, |m| {
                    let Value::Map(stmt) = entry(m, "attStmt") else {
                        panic!()
                    };
                    stmt.retain(|(k, _)| k.as_text() != Some("sig"));
                });
            }),
            |e| matches!(e, E::MalformedPackedStatement),
        ),
        (
            "packed alg differs from the key's",
            soft_reg_packed(Tweaks {
                packed_alg: Some(-257),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::PackedAlgorithmMismatch),
        ),
        (
            "packed x5c leaf not a certificate (soft)",
            soft_reg(Tweaks {
                attestation: Some(SoftAttestation::PackedWithX5c(vec![vec![0x30, 0x00]])),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedAttestationCertificate),
        ),
        // `packed` with x5c: Chromium's recorded statement, its certificate swapped for a
        // hand-encoded variant holding the same key (tests/packed_certificate.rs has more).
        (
            "packed x5c empty",
            cert::direct_with(|stmt| cert::x5c(stmt).clear()),
            |e| matches!(e, E::X5cEmpty),
        ),
        (
            "packed x5c entry not bytes",
            cert::direct_with(|stmt| cert::x5c(stmt)[0] = Value::Text("MIIB".into())),
            |e| matches!(e, E::X5cEntryNotBytes),
        ),
        (
            "packed x5c alg not ES256",
            cert::direct_with(|stmt| *entry(stmt, "alg") = Value::Integer((-257).into())),
            |e| matches!(e, E::PackedCertificateAlgorithm),
        ),
        (
            "packed x5c key on P-384",
            cert::direct_with_cert(cert::chromium_like(|c| {
                c.spki = cert::ec_spki(cert::OID_P384, &[4; 97])
            })),
            |e| matches!(e, E::AttestationCertificateKey),
        ),
        (
            "packed x5c signature flipped",
            cert::direct_with(|stmt| {
                let Value::Bytes(sig) = entry(stmt, "sig") else {
                    panic!()
                };
                *sig.last_mut().unwrap() ^= 1;
            }),
            |e| matches!(e, E::AttestationSignature),
        ),
        (
            "packed x5c certificate version 2",
            cert::direct_with_cert(cert::chromium_like(|c| c.version = Some(1))),
            |e| matches!(e, E::AttestationCertificateVersion),
        ),
        (
            "packed x5c subject without O",
            cert::direct_with_cert(cert::chromium_like(|c| {
                c.subject.remove(1);
            })),
            |e| matches!(e, E::AttestationCertificateSubject { attribute: "O" }),
        ),
        (
            "packed x5c subject OU wrong",
            cert::direct_with_cert(cert::chromium_like(|c| c.subject[2].2 = "Sales")),
            |e| matches!(e, E::AttestationCertificateOu),
        ),
        (
            "packed x5c without basic constraints",
            cert::direct_with_cert(cert::chromium_like(|c| {
                c.extensions.remove(0);
            })),
            |e| matches!(e, E::AttestationCertificateBasicConstraintsMissing),
        ),
        (
            "packed x5c certificate is a CA",
            cert::direct_with_cert(cert::chromium_like(|c| {
                c.extensions[0].2 = cert::basic_constraints(true)
            })),
            |e| matches!(e, E::AttestationCertificateCa),
        ),
        (
            "packed x5c AAGUID extension critical",
            cert::direct_with_cert(cert::chromium_like(|c| {
                c.extensions.push((
                    cert::OID_FIDO_AAGUID,
                    true,
                    cert::aaguid_value(&soft::CHROMIUM_VIRTUAL_AAGUID),
                ))
            })),
            |e| matches!(e, E::AaguidExtensionCritical),
        ),
        (
            "packed x5c AAGUID extension not 16 bytes",
            cert::direct_with_cert(cert::chromium_like(|c| {
                c.extensions
                    .push((cert::OID_FIDO_AAGUID, false, cert::aaguid_value(&[1; 17])))
            })),
            |e| matches!(e, E::MalformedAaguidExtension),
        ),
        (
            "packed x5c AAGUID extension mismatch",
            cert::direct_with_cert(cert::chromium_like(|c| {
                c.extensions.push((
                    cert::OID_FIDO_AAGUID,
                    false,
                    cert::aaguid_value(&[0xaa; 16]),
                ))
            })),
            |e| matches!(e, E::AaguidExtensionMismatch),
        ),
        (
            "packed sig not DER",
            soft_reg_edited(AttestationConveyance::Direct, |r| {
                edit_attestation_object(r, |m| {
                    let Value::Map(stmt) = entry(m, "attStmt") else {
                        panic!()
                    };
                    *entry(stmt, "sig") = Value::Bytes(vec![1; 64]);
                });
            }),
            |e| matches!(e, E::MalformedAttestationSignature),
        ),
        (
            "packed sig does not verify",
            soft_reg_edited(AttestationConveyance::Direct, |r| {
                edit_attestation_object(r, |m| {
                    let Value::Map(stmt) = entry(m, "attStmt") else {
                        panic!()
                    };
                    let Value::Bytes(sig) = entry(stmt, "sig") else {
                        panic!()
                    };
                    *sig.last_mut().unwrap() ^= 1;
                });
            }),
            |e| matches!(e, E::AttestationSignature),
        ),
        (
            "publicKey member disagrees",
            recorded_reg(
                |r| {
                    edit_b64(r.response.public_key.as_mut().unwrap(), |spki| {
                        spki.truncate(26);
                        spki.extend_from_slice(&other_key);
                    });
                },
                |_| {},
            ),
            |e| {
                matches!(
                    e,
                    E::InconsistentResponse {
                        field: "response.publicKey"
                    }
                )
            },
        ),
        (
            "authenticatorData member disagrees",
            recorded_reg(
                |r| {
                    edit_b64(r.response.authenticator_data.as_mut().unwrap(), |a| {
                        a[36] ^= 1
                    })
                },
                |_| {},
            ),
            |e| {
                matches!(
                    e,
                    E::InconsistentResponse {
                        field: "response.authenticatorData"
                    }
                )
            },
        ),
        (
            "publicKeyAlgorithm member disagrees",
            recorded_reg(|r| r.response.public_key_algorithm = Some(-257), |_| {}),
            |e| {
                matches!(
                    e,
                    E::InconsistentResponse {
                        field: "response.publicKeyAlgorithm"
                    }
                )
            },
        ),
    ];

    let mut variants = HashSet::new();
    for (name, result, expected) in &table {
        match result {
            Err(e) => {
                assert!(expected(e), "{name}: refused with the wrong error {e:?}");
                assert!(!e.to_string().is_empty());
                variants.insert(discriminant(e));
            }
            Ok(_) => panic!("{name}: accepted"),
        }
    }
    // Every one of the 46 RegistrationError variants is exercised.
    assert_eq!(variants.len(), 46, "distinct variants exercised");
}

/// A recorded assertion ("assertion-uv-1") after `mutate`, checked against its recording's
/// expectations and stored credential after `expect_mut`.
fn recorded_assert(
    mutate: impl FnOnce(&mut AuthenticationResponseJSON),
    expect_mut: impl FnOnce(&mut Recorded, &mut StoredCredential),
) -> AssertResult {
    let mut rec = Recorded::load("assertion-uv-1");
    let mut stored = rec.stored();
    let mut response = rec.assertion();
    mutate(&mut response);
    expect_mut(&mut rec, &mut stored);
    rec.verify_assertion_with(&stored, &response)
}

fn soft_assert_with(tweaks: Tweaks) -> AssertResult {
    let (mut authenticator, stored) = registered(11);
    soft_assert(&mut authenticator, &stored, &tweaks).1
}

fn soft_assert_stored(edit: impl FnOnce(&mut StoredCredential), tweaks: Tweaks) -> AssertResult {
    let (mut authenticator, mut stored) = registered(11);
    edit(&mut stored);
    soft_assert(&mut authenticator, &stored, &tweaks).1
}

#[test]
fn every_assertion_check_refuses_with_its_own_variant() {
    use AssertionError as E;
    let table: Vec<Case<AssertResult, E>> = vec![
        (
            "credential type",
            recorded_assert(|r| r.type_ = "public-key ".into(), |_, _| {}),
            |e| matches!(e, E::CredentialType),
        ),
        (
            "id differs from rawId",
            recorded_assert(|r| edit_b64(&mut r.id, |b| b[0] ^= 1), |_, _| {}),
            |e| matches!(e, E::IdMismatch),
        ),
        (
            "not the stored credential",
            recorded_assert(|_| {}, |_, s| s.id[0] ^= 1),
            |e| matches!(e, E::CredentialMismatch),
        ),
        (
            "userHandle differs",
            recorded_assert(
                |_| {},
                |_, s| s.user_handle = Some(b"someone-else".to_vec()),
            ),
            |e| matches!(e, E::UserHandleMismatch),
        ),
        (
            "bad base64 in signature",
            recorded_assert(|r| r.response.signature.push('.'), |_, _| {}),
            |e| {
                matches!(
                    e,
                    E::Base64 {
                        field: "response.signature"
                    }
                )
            },
        ),
        (
            "bad base64 in userHandle",
            recorded_assert(|r| r.response.user_handle = Some("A".into()), |_, _| {}),
            |e| {
                matches!(
                    e,
                    E::Base64 {
                        field: "response.userHandle"
                    }
                )
            },
        ),
        (
            "stored key not a point",
            recorded_assert(|_| {}, |_, s| s.public_key = [4; 65]),
            |e| matches!(e, E::InvalidStoredPublicKey),
        ),
        (
            "clientDataJSON not UTF-8",
            soft_assert_with(Tweaks {
                client_data_json: Some(vec![0xc3, 0x28]),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::ClientDataNotUtf8),
        ),
        (
            "clientDataJSON without challenge",
            soft_assert_with(Tweaks {
                client_data_json: Some(
                    format!("{{\"type\":\"webauthn.get\",\"origin\":\"{ORIGIN}\"}}").into_bytes(),
                ),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedClientData),
        ),
        (
            "clientDataJSON an array, not an object",
            soft_assert_with(Tweaks {
                client_data_json: Some(
                    format!(
                        "[\"webauthn.get\",\"{}\",\"{ORIGIN}\"]",
                        b64u::encode(&challenge(2))
                    )
                    .into_bytes(),
                ),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedClientData),
        ),
        (
            "clientData type (tampered recording)",
            recorded_assert(
                |r| {
                    replace_in_b64(
                        &mut r.response.client_data_json,
                        "webauthn.get",
                        "webauthn.create",
                    )
                },
                |_, _| {},
            ),
            |e| matches!(e, E::ClientDataType),
        ),
        (
            "clientData type (signed)",
            soft_assert_with(Tweaks {
                client_data_type: Some("payment.get".into()),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::ClientDataType),
        ),
        (
            "challenge",
            recorded_assert(|_| {}, |rec, _| rec.challenge.push(0)),
            |e| matches!(e, E::Challenge),
        ),
        (
            "origin",
            recorded_assert(
                |_| {},
                |rec, _| rec.origin = rec.origin.replace("localhost", "127.0.0.1"),
            ),
            |e| matches!(e, E::Origin),
        ),
        (
            "crossOrigin true",
            soft_assert_with(Tweaks {
                cross_origin: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::CrossOrigin),
        ),
        (
            "topOrigin present",
            soft_assert_with(Tweaks {
                top_origin: Some("https://evil.example".into()),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::TopOrigin),
        ),
        (
            "authenticator data truncated",
            recorded_assert(
                |r| edit_b64(&mut r.response.authenticator_data, |a| a.truncate(36)),
                |_, _| {},
            ),
            |e| matches!(e, E::MalformedAuthenticatorData),
        ),
        (
            "attested credential data in an assertion",
            soft_assert_with(Tweaks {
                attested_data_in_assertion: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UnexpectedAttestedCredentialData),
        ),
        (
            "ED set, extensions not a map",
            soft_assert_with(Tweaks {
                extensions: Some(vec![0x60]),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedExtensions),
        ),
        (
            "ED set, no extensions",
            soft_assert_with(Tweaks {
                extensions: Some(vec![]),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::MalformedExtensions),
        ),
        (
            "trailing bytes in authenticator data",
            soft_assert_with(Tweaks {
                trailing_bytes: vec![0xa0],
                ..Tweaks::default()
            }),
            |e| matches!(e, E::TrailingAuthenticatorData),
        ),
        (
            "rpIdHash (wrong expected RP ID)",
            recorded_assert(|_| {}, |rec, _| rec.rp_id = "localhost.".into()),
            |e| matches!(e, E::RpIdHash),
        ),
        (
            "rpIdHash (authenticator used another RP ID)",
            soft_assert_with(Tweaks {
                rp_id: Some("example.com".into()),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::RpIdHash),
        ),
        (
            "UP clear",
            soft_assert_with(Tweaks {
                omit_user_presence: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UserNotPresent),
        ),
        (
            "UV clear",
            soft_assert_with(Tweaks {
                omit_user_verification: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::UserNotVerified),
        ),
        (
            "BS without BE",
            soft_assert_with(Tweaks {
                backup_state: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::BackupStateWithoutEligibility),
        ),
        (
            "BE appeared after registration",
            soft_assert_with(Tweaks {
                backup_eligible: true,
                ..Tweaks::default()
            }),
            |e| matches!(e, E::BackupEligibilityChanged),
        ),
        (
            "BE vanished after registration",
            soft_assert_stored(|s| s.backup_eligible = true, Tweaks::default()),
            |e| matches!(e, E::BackupEligibilityChanged),
        ),
        (
            "signature with a trailing byte",
            recorded_assert(
                |r| edit_b64(&mut r.response.signature, |s| s.push(0)),
                |_, _| {},
            ),
            |e| matches!(e, E::MalformedSignature),
        ),
        (
            "signature bit flip (recording)",
            recorded_assert(
                |r| {
                    edit_b64(&mut r.response.signature, |s| {
                        *s.last_mut().unwrap() ^= 0x10
                    })
                },
                |_, _| {},
            ),
            |e| matches!(e, E::Signature),
        ),
        (
            "signed by another key",
            {
                let (_, stored) = registered(11);
                let mut impostor = soft::SoftAuthenticator::new(&[0x42; 32], &stored.id).unwrap();
                impostor.set_sign_count(10);
                soft_assert(&mut impostor, &stored, &Tweaks::default()).1
            },
            |e| matches!(e, E::Signature),
        ),
        (
            "signCount zero",
            soft_assert_with(Tweaks {
                sign_count: Some(0),
                ..Tweaks::default()
            }),
            |e| matches!(e, E::SignCountZero),
        ),
        (
            "signCount equal to stored",
            soft_assert_with(Tweaks {
                sign_count: Some(1),
                ..Tweaks::default()
            }),
            |e| {
                matches!(
                    e,
                    E::SignCountNotIncreasing {
                        stored: 1,
                        received: 1
                    }
                )
            },
        ),
        (
            "signCount lower than stored (recording replayed)",
            recorded_assert(|_| {}, |_, s| s.sign_count = 7),
            |e| {
                matches!(
                    e,
                    E::SignCountNotIncreasing {
                        stored: 7,
                        received: 2
                    }
                )
            },
        ),
    ];

    let mut variants = HashSet::new();
    for (name, result, expected) in &table {
        match result {
            Err(e) => {
                assert!(expected(e), "{name}: refused with the wrong error {e:?}");
                assert!(!e.to_string().is_empty());
                variants.insert(discriminant(e));
            }
            Ok(_) => panic!("{name}: accepted"),
        }
    }
    // Every one of the 26 AssertionError variants is exercised.
    assert_eq!(variants.len(), 26, "distinct variants exercised");
}

/// Strict DER: each of these encodings of the recorded signature's (r, s) is refused before
/// any arithmetic, although a lenient BER parser would read the same numbers.
#[test]
fn non_der_signatures_are_malformed() {
    let rec = Recorded::load("assertion-uv-1");
    let der = b64u::decode(&rec.assertion().response.signature).unwrap();
    let (r32, s32) = p256::ecdsa::Signature::from_der(&der)
        .unwrap()
        .split_bytes();
    // Minimal DER INTEGER contents of a 32-byte unsigned big-endian number.
    let minimal = |v: &[u8]| {
        let v = &v[v.iter().take_while(|b| **b == 0).count()..];
        if v[0] & 0x80 != 0 {
            [&[0][..], v].concat()
        } else {
            v.to_vec()
        }
    };
    let (r, s) = (&minimal(&r32)[..], &minimal(&s32)[..]);
    let int = |v: &[u8]| [&[0x02, u8::try_from(v.len()).unwrap()][..], v].concat();
    let seq = |body: Vec<u8>| [&[0x30, u8::try_from(body.len()).unwrap()][..], &body].concat();

    let padded_r = [&[0x00][..], r].concat();
    let mut long_form = vec![0x30, 0x81, der[1]];
    long_form.extend_from_slice(&der[2..]);
    let raw = [&r32[..], &s32[..]].concat();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("re-encoded (control)", seq([int(r), int(s)].concat())),
        (
            "extra leading zero in r",
            seq([int(&padded_r), int(s)].concat()),
        ),
        ("long-form length", long_form),
        ("trailing byte", [&der[..], &[0][..]].concat()),
        ("raw r||s", raw),
        ("empty", vec![]),
        ("s missing", seq(int(r))),
        (
            "indefinite length",
            [&[0x30, 0x80][..], &der[2..], &[0, 0][..]].concat(),
        ),
    ];
    for (name, sig) in cases {
        let mut response = rec.assertion();
        response.response.signature = b64u::encode(&sig);
        let result = rec.verify_assertion_with(&rec.stored(), &response);
        if name.contains("control") {
            assert!(result.is_ok(), "{name}: {result:?}");
        } else {
            assert_eq!(result, Err(AssertionError::MalformedSignature), "{name}");
        }
    }
}
