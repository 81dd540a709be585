//! Receipts issued as the edge issues them (tests/common), and by an independent JWS signer
//! (npm `jose`, tests/interop/receipt-sign.mjs), verified both ways; every tampered field
//! refused; and a receipt checked against the transaction the RP asked for.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;

use assent_proto::api::{Reason, Status};
use assent_proto::{Decision, DenyReason, Field, Kind, b64u};
use assent_receipt::{IndependentError, JwsError, ReceiptError as SignedError};
use assent_rp::{
    Jwk, Receipt, ReceiptError, ReceiptMismatch, verify_receipt_independently,
    verify_receipt_with_jwks,
};
use assent_webauthn::AssertionError;
use assent_webauthn::soft::Tweaks;
use common::*;
use serde_json::{Value, json};

fn first_way(jws: &str, issued: &Issued) -> Result<Receipt, ReceiptError> {
    verify_receipt_with_jwks(jws, &jwks_json(issued), EDGE, RP)
}

fn second_way(jws: &str, recorded: &Jwk) -> Result<Receipt, ReceiptError> {
    verify_receipt_independently(jws, recorded, EDGE, HOST, RP)
}

#[test]
fn genuine_receipts_verify_both_ways_and_match_what_was_asked() {
    for (ask, decision, reason, code) in [
        (login(), Decision::Approve, None, Some(CODE)),
        (payment(), Decision::Approve, None, None),
        (payment(), Decision::Deny, Some(DenyReason::Fraud), None),
        (login(), Decision::Deny, None, None),
    ] {
        let issued = issue(ask, decision, reason, code, &Tweaks::default());
        let one = first_way(&issued.jws, &issued).unwrap();
        let two = second_way(&issued.jws, &issued.device).unwrap();
        assert_eq!(one, two);
        assert_eq!(one.claims, issued.claims);
        assert_eq!(one.request_id(), REQUEST_ID);
        assert_eq!(one.user_id(), "alice@example.com");
        assert_eq!(one.decision(), decision);
        assert_eq!(one.reason(), reason);
        assert_eq!(one.binding_code(), code);
        assert_eq!(one.device_id(), DEVICE_ID);
        assert_eq!(one.device_public_key(), &issued.device);
        assert_eq!(one.sign_count(), Some(1));
        one.matches(&issued.ask).unwrap();
        one.matches(&issued.created).unwrap();
        one.matches(&issued.status).unwrap();
        let approves = one.check_approves(&issued.created);
        assert_eq!(
            approves.is_ok(),
            decision == Decision::Approve,
            "{decision:?}"
        );
    }
}

#[test]
fn the_edge_origin_is_compared_serialized() {
    let issued = approved_login();
    let keys = jwks_json(&issued);
    assert!(
        verify_receipt_with_jwks(&issued.jws, &keys, "https://assent.example.com/", RP).is_ok()
    );
    assert!(
        verify_receipt_with_jwks(&issued.jws, &keys, "https://ASSENT.example.com:443", RP).is_ok()
    );
    assert!(matches!(
        verify_receipt_with_jwks(&issued.jws, &keys, "https://assent.example.com/v1", RP),
        Err(ReceiptError::EdgeOrigin(_))
    ));
    assert!(matches!(
        verify_receipt_with_jwks(&issued.jws, &keys, "https://other.example.com", RP),
        Err(ReceiptError::Signed(SignedError::WrongIssuer { .. }))
    ));
    assert!(matches!(
        verify_receipt_with_jwks(&issued.jws, &keys, EDGE, "other-bank"),
        Err(ReceiptError::Signed(SignedError::WrongAudience { .. }))
    ));
    assert!(matches!(
        verify_receipt_with_jwks(&issued.jws, "{\"keys\": 1}", EDGE, RP),
        Err(ReceiptError::JwkSet(_))
    ));
    let other_key = assent_receipt::ReceiptKey::from_bytes(&[8; 32]).unwrap();
    let other_set = serde_json::to_string(&other_key.jwk_set()).unwrap();
    assert!(matches!(
        verify_receipt_with_jwks(&issued.jws, &other_set, EDGE, RP),
        Err(ReceiptError::Signed(SignedError::Jws(
            JwsError::UnknownKid(_)
        )))
    ));
}

/// `jose` signs the same claims with the edge's key: an independent JWS implementation
/// whose tokens the kit must accept — and refuse when `typ` or the key is wrong.
#[test]
fn receipts_signed_by_jose_verify() {
    let issued = approved_login();
    let public = issued.edge_key.public_jwk();
    let private_jwk = json!({
        "kty": "EC", "crv": "P-256",
        "x": b64u::encode(public.x()), "y": b64u::encode(public.y()),
        "d": b64u::encode(&EDGE_SCALAR),
    });
    let payload = serde_json::to_string(&issued.claims).unwrap();
    let sign = |typ: &str, kid: &str| {
        let out = assent_testkit::run_node(
            "receipt-sign.mjs",
            &json!({"private_jwk": private_jwk, "kid": kid, "typ": typ, "payloads": [payload]}),
        );
        out["tokens"][0].as_str().unwrap().to_owned()
    };
    let kid = issued.edge_key.kid().to_owned();
    let by_jose = sign("assent-receipt+jwt", &kid);
    assert_ne!(
        by_jose, issued.jws,
        "ECDSA signatures differ; both must verify"
    );
    let receipt = first_way(&by_jose, &issued).unwrap();
    assert_eq!(receipt.claims, issued.claims);
    receipt.check_approves(&issued.created).unwrap();
    // The independent way does not read the edge's signature at all.
    assert!(second_way(&by_jose, &issued.device).is_ok());
    // Another typ (a token of another kind) and an unknown kid are refused.
    assert!(matches!(
        first_way(&sign("JWT", &kid), &issued),
        Err(ReceiptError::Signed(SignedError::Jws(
            JwsError::WrongTyp { .. }
        )))
    ));
    assert!(matches!(
        first_way(&sign("assent-receipt+jwt", "another-kid"), &issued),
        Err(ReceiptError::Signed(SignedError::Jws(
            JwsError::UnknownKid(_)
        )))
    ));
}

/// JSON pointers to every claim of a receipt, and a changed value for each.
fn tamperings(claims: &Value) -> Vec<(&'static str, Value)> {
    let flip = |v: &Value| -> Value {
        match v {
            Value::String(s) => {
                let mut bytes = b64u::decode(s).unwrap_or_else(|_| s.clone().into_bytes());
                bytes[0] ^= 1;
                match b64u::decode(s) {
                    Ok(_) => Value::String(b64u::encode(&bytes)),
                    Err(_) => Value::String(format!("{s}x")),
                }
            }
            Value::Number(n) => json!(n.as_u64().unwrap() + 1),
            other => panic!("{other}"),
        }
    };
    let pointers = [
        "/iss",
        "/aud",
        "/sub",
        "/jti",
        "/iat",
        "/request/rp_id",
        "/request/rp_name",
        "/request/request_id",
        "/request/user_id",
        "/request/title",
        "/request/context/ip",
        "/request/context/location",
        "/request/context/browser",
        "/request/created_at",
        "/request/expires_at",
        "/binding_code",
        "/device/id",
        "/device/credential_id",
        "/webauthn/authenticator_data",
        "/webauthn/client_data_json",
        "/webauthn/signature",
    ];
    let mut out: Vec<(&'static str, Value)> = pointers
        .iter()
        .map(|p| (*p, flip(claims.pointer(p).unwrap_or_else(|| panic!("{p}")))))
        .collect();
    out.push(("/decision", json!("deny")));
    out.push(("/request/kind", json!("sign")));
    out.push(("/device/public_key", {
        let other = assent_receipt::ReceiptKey::from_bytes(&[6; 32]).unwrap();
        Jwk::from_verifying_key(other.signing_key().verifying_key()).to_value()
    }));
    out
}

fn set(claims: &Value, pointer: &str, value: Value) -> Value {
    let mut claims = claims.clone();
    *claims.pointer_mut(pointer).unwrap() = value;
    claims
}

#[test]
fn every_field_tampered_in_transit_breaks_the_edge_signature() {
    let issued = approved_login();
    let claims = serde_json::to_value(&issued.claims).unwrap();
    let parts: Vec<&str> = issued.jws.split('.').collect();
    for (pointer, value) in tamperings(&claims) {
        let payload = serde_json::to_vec(&set(&claims, pointer, value)).unwrap();
        let forged = format!("{}.{}.{}", parts[0], b64u::encode(&payload), parts[2]);
        assert_eq!(
            first_way(&forged, &issued).unwrap_err(),
            ReceiptError::Signed(SignedError::Jws(JwsError::BadSignature)),
            "{pointer}"
        );
    }
    // The signature itself.
    let mut signature = b64u::decode(parts[2]).unwrap();
    signature[5] ^= 1;
    let forged = format!("{}.{}.{}", parts[0], parts[1], b64u::encode(&signature));
    assert!(matches!(
        first_way(&forged, &issued),
        Err(ReceiptError::Signed(SignedError::Jws(_)))
    ));
}

/// A compromised edge re-signs a changed receipt with its own (valid) key: the independent
/// way catches every change to what the device signed — content, decision, binding code —
/// and to the device's key or assertion.
#[test]
fn a_lying_edge_is_caught_by_the_independent_way() {
    let issued = approved_login();
    let claims = serde_json::to_value(&issued.claims).unwrap();
    // What the device's signature does not cover: the edge's own statements about when and
    // by whom, which the RP checks against its records (device id → recorded key).
    let not_signed_by_the_device = ["/iss", "/iat", "/device/id", "/device/credential_id"];
    for (pointer, value) in tamperings(&claims) {
        let altered: assent_receipt::ReceiptClaims =
            serde_json::from_value(set(&claims, pointer, value)).unwrap();
        let lie = common::lie(&issued, |c| *c = altered);
        // The edge's signature is valid: the first way alone cannot see the lie…
        let first = first_way(&lie, &issued);
        let second = second_way(&lie, &issued.device);
        if not_signed_by_the_device.contains(&pointer) {
            assert!(second.is_ok(), "{pointer}: {second:?}");
            continue;
        }
        // …the second way can.
        let why = second.unwrap_err();
        let expected = match pointer {
            // The receipt disagrees with itself or with the RP.
            "/aud"
            | "/sub"
            | "/jti"
            | "/request/rp_id"
            | "/request/request_id"
            | "/request/user_id" => {
                matches!(why, ReceiptError::Independent(IndependentError::Claims(_)))
            }
            "/device/public_key" => {
                why == ReceiptError::Independent(IndependentError::DeviceKeyMismatch)
            }
            "/webauthn/authenticator_data" => matches!(
                why,
                ReceiptError::Independent(IndependentError::Assertion(
                    AssertionError::RpIdHash | AssertionError::Signature
                ))
            ),
            "/webauthn/client_data_json" | "/webauthn/signature" => {
                matches!(
                    why,
                    ReceiptError::Independent(IndependentError::Assertion(_))
                )
            }
            // Content, decision, binding code: another statement than the one signed.
            _ => {
                why == ReceiptError::Independent(IndependentError::Assertion(
                    AssertionError::Challenge,
                ))
            }
        };
        assert!(expected, "{pointer}: {why:?} (first way: {first:?})");
    }
}

#[test]
fn the_independent_way_checks_origin_rp_id_flags_and_the_recorded_key() {
    let issued = approved_login();
    assert_eq!(
        verify_receipt_independently(
            &issued.jws,
            &issued.device,
            "https://evil.example",
            HOST,
            RP
        )
        .unwrap_err(),
        ReceiptError::Independent(IndependentError::Assertion(AssertionError::Origin))
    );
    assert_eq!(
        verify_receipt_independently(&issued.jws, &issued.device, EDGE, "evil.example", RP)
            .unwrap_err(),
        ReceiptError::Independent(IndependentError::Assertion(AssertionError::RpIdHash))
    );
    let stranger = Jwk::from_uncompressed(
        &assent_webauthn::soft::SoftAuthenticator::new(&[8; 32], b"other")
            .unwrap()
            .public_key(),
    )
    .unwrap();
    assert_eq!(
        second_way(&issued.jws, &stranger).unwrap_err(),
        ReceiptError::Independent(IndependentError::DeviceKeyMismatch)
    );
    for (tweaks, why) in [
        (
            Tweaks {
                omit_user_verification: true,
                ..Tweaks::default()
            },
            AssertionError::UserNotVerified,
        ),
        (
            Tweaks {
                omit_user_presence: true,
                ..Tweaks::default()
            },
            AssertionError::UserNotPresent,
        ),
        (
            Tweaks {
                client_data_type: Some("webauthn.create".into()),
                ..Tweaks::default()
            },
            AssertionError::ClientDataType,
        ),
    ] {
        let weak = issue(login(), Decision::Approve, None, Some(CODE), &tweaks);
        assert_eq!(
            second_way(&weak.jws, &weak.device).unwrap_err(),
            ReceiptError::Independent(IndependentError::Assertion(why.clone())),
            "{why:?}"
        );
    }
    assert!(matches!(
        second_way("not.a.receipt", &issued.device),
        Err(ReceiptError::Independent(IndependentError::Malformed(_)))
    ));
}

#[test]
fn a_receipt_for_another_transaction_does_not_match() {
    let issued = approved_login();
    let receipt = |alter: &dyn Fn(&mut assent_receipt::ReceiptClaims)| {
        first_way(&lie(&issued, alter), &issued).unwrap()
    };

    // Another request of the same RP (its id changed everywhere it appears).
    let other = receipt(&|c| {
        c.jti = "b3RoZXItcmVxdWVzdC0wMQ".into();
        c.request.request_id = c.jti.clone();
    });
    for result in [
        other.matches(&issued.created),
        other.matches(&issued.status),
    ] {
        assert!(
            matches!(result, Err(ReceiptMismatch::RequestId { .. })),
            "{result:?}"
        );
    }

    // The same id, another content: the hash announced at creation catches every member;
    // the RP's own body names the member (rp_name is not in it: only the hash sees that).
    type Alter<'a> = &'a dyn Fn(&mut assent_receipt::ReceiptClaims);
    let cases: [(Alter<'_>, Option<ReceiptMismatch>); 6] = [
        (
            &|c| c.request.title = Some("Sign in".into()),
            Some(ReceiptMismatch::Title),
        ),
        (
            &|c| c.request.context = None,
            Some(ReceiptMismatch::Context),
        ),
        (
            &|c| {
                c.request.kind = Kind::Sign;
                c.request.fields = Some(vec![Field {
                    label: "Amount".into(),
                    value: "EUR 9,999.00".into(),
                }]);
            },
            Some(ReceiptMismatch::Kind {
                expected: Kind::Login,
                found: Kind::Sign,
            }),
        ),
        (
            &|c| {
                c.sub = "mallory".into();
                c.request.user_id = "mallory".into();
            },
            Some(ReceiptMismatch::UserId {
                expected: "alice@example.com".into(),
                found: "mallory".into(),
            }),
        ),
        (
            &|c| c.request.expires_at += 480,
            Some(ReceiptMismatch::Lifetime {
                expected: 120,
                found: 600,
            }),
        ),
        (&|c| c.request.rp_name = "Evil Bank".into(), None),
    ];
    for (alter, against_ask) in cases {
        let r = receipt(alter);
        assert!(
            matches!(
                r.matches(&issued.created),
                Err(ReceiptMismatch::RequestHash { .. })
            ),
            "{against_ask:?}"
        );
        match against_ask {
            Some(mismatch) => assert_eq!(r.matches(&issued.ask), Err(mismatch)),
            None => assert!(r.matches(&issued.ask).is_ok()),
        }
    }
    let shifted = receipt(&|c| {
        c.request.created_at += 1;
        c.request.expires_at += 1;
    });
    assert!(matches!(
        shifted.matches(&issued.status),
        Err(ReceiptMismatch::CreatedAt { .. })
    ));
    let other_device = receipt(&|c| c.device.id = "b3RoZXItZGV2aWNlLTAwMQ".into());
    assert!(matches!(
        other_device.matches(&issued.status),
        Err(ReceiptMismatch::DeviceId { .. })
    ));
}

#[test]
fn only_an_approval_with_the_right_code_is_a_yes() {
    // The user approved, but typed another code than the website showed: the edge records
    // `denied` / `binding_mismatch`, and the receipt, valid both ways, is no "yes".
    let wrong = issue(
        login(),
        Decision::Approve,
        None,
        Some("17"),
        &Tweaks::default(),
    );
    let receipt = second_way(&wrong.jws, &wrong.device).unwrap();
    assert_eq!(receipt.decision(), Decision::Approve);
    receipt.matches(&wrong.created).unwrap();
    receipt.matches(&wrong.status).unwrap();
    assert_eq!(wrong.status.reason, Some(Reason::BindingMismatch));
    assert_eq!(
        receipt.check_approves(&wrong.created),
        Err(ReceiptMismatch::BindingCode)
    );

    let denied = issue(
        payment(),
        Decision::Deny,
        Some(DenyReason::Fraud),
        None,
        &Tweaks::default(),
    );
    let receipt = first_way(&denied.jws, &denied).unwrap();
    assert_eq!(
        receipt.check_approves(&denied.created),
        Err(ReceiptMismatch::NotApproved {
            reason: Some(DenyReason::Fraud)
        })
    );

    // A status the receipt's decision does not give. (`denied` / `binding_mismatch` is
    // given by an approval: which code was right, only `RequestCreated` tells.)
    let approved = approved_login();
    let receipt = first_way(&approved.jws, &approved).unwrap();
    for (status, reason) in [
        (Status::Denied, Some(Reason::Rejected)),
        (Status::Denied, Some(Reason::Fraud)),
        (Status::Approved, Some(Reason::Rp)),
        (Status::Expired, None),
        (Status::Cancelled, Some(Reason::Rp)),
        (Status::Pending, None),
    ] {
        let mut s = approved.status.clone();
        s.status = status;
        s.reason = reason;
        assert_eq!(
            receipt.matches(&s),
            Err(ReceiptMismatch::Status {
                status,
                reason,
                decision: Decision::Approve
            })
        );
    }
}
