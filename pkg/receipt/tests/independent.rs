//! The second way (SPEC §8): a receipt checked without trusting the edge — statement
//! recomputed, the device's WebAuthn assertion checked with the key the RP recorded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_proto::{Decision, DenyReason, Field};
use assent_receipt::{
    DeviceClaim, IndependentError, IndependentExpectations, Jwk, ReceiptClaims, ReceiptKey,
    WebAuthnClaim, sign_receipt, verify_receipt_independently,
};
use assent_webauthn::soft::SoftAuthenticator;
use assent_webauthn::{AssertionError, request_options};
use common::{EDGE, RP, part, replace_part, request};

const RP_HOST: &str = "assent.example.com";

struct Signed {
    jws: String,
    device_key: [u8; 65],
    claims: ReceiptClaims,
    edge: ReceiptKey,
}

/// What the edge would issue after the device signed `decision` over `request`.
fn issue(decision: Decision, reason: Option<DenyReason>, code: Option<&str>) -> Signed {
    let mut device = SoftAuthenticator::new(&[7; 32], b"credential-1").unwrap();
    let content = request("AAAAAAAAAAAAAAAAAAAAAA");
    let statement = assent_proto::Statement::new(
        content.request_hash().unwrap(),
        decision,
        reason,
        code.map(str::to_owned),
    );
    let options = request_options(RP_HOST, &statement.challenge().unwrap(), &[], 60_000);
    let assertion = device.get(&options, EDGE).unwrap();
    let r = &assertion.response;
    let device_key = device.public_key();
    let claims = ReceiptClaims {
        iss: EDGE.into(),
        aud: RP.into(),
        sub: content.user_id.clone(),
        jti: content.request_id.clone(),
        iat: content.created_at + 10,
        request: content,
        decision,
        reason,
        binding_code: code.map(str::to_owned),
        device: DeviceClaim {
            id: "device-1".into(),
            credential_id: b"credential-1".to_vec(),
            public_key: Jwk::from_uncompressed(&device_key).unwrap(),
        },
        webauthn: WebAuthnClaim {
            authenticator_data: assent_proto::b64u::decode(&r.authenticator_data).unwrap(),
            client_data_json: assent_proto::b64u::decode(&r.client_data_json).unwrap(),
            signature: assent_proto::b64u::decode(&r.signature).unwrap(),
        },
    };
    let edge = ReceiptKey::from_bytes(&[9; 32]).unwrap();
    let jws = sign_receipt(&claims, &edge).unwrap();
    Signed {
        jws,
        device_key,
        claims,
        edge,
    }
}

fn expect(device_key: &[u8; 65]) -> IndependentExpectations<'_> {
    IndependentExpectations {
        rp_id: RP,
        edge_origin: EDGE,
        webauthn_rp_id: RP_HOST,
        device_public_key: device_key,
    }
}

/// Re-signs altered claims with the edge key: a compromised edge issuing a lie.
fn lie(s: &Signed, alter: impl FnOnce(&mut ReceiptClaims)) -> String {
    let mut claims = s.claims.clone();
    alter(&mut claims);
    sign_receipt(&claims, &s.edge).unwrap()
}

#[test]
fn genuine_receipts_verify_both_ways() {
    for (decision, reason, code) in [
        (Decision::Approve, None, Some("42")),
        (Decision::Approve, None, None),
        (Decision::Deny, Some(DenyReason::Fraud), None),
    ] {
        let s = issue(decision, reason, code);
        let claims = verify_receipt_independently(&s.jws, &expect(&s.device_key)).unwrap();
        assert_eq!(claims, s.claims);
        let keys = s.edge.jwk_set();
        assert_eq!(
            assent_receipt::verify_receipt(&s.jws, &keys, EDGE, RP).unwrap(),
            s.claims
        );
    }
}

#[test]
fn the_edge_signature_is_not_needed() {
    let s = issue(Decision::Approve, None, Some("42"));
    // A garbage JWS signature: the first way fails, the second does not rely on it.
    let broken = replace_part(
        &s.jws,
        2,
        &part(&s.jws, 2).chars().rev().collect::<String>(),
    );
    assert!(assent_receipt::verify_receipt(&broken, &s.edge.jwk_set(), EDGE, RP).is_err());
    assert!(verify_receipt_independently(&broken, &expect(&s.device_key)).is_ok());
}

#[test]
fn a_lying_edge_is_caught() {
    let s = issue(Decision::Approve, None, Some("42"));
    let signature_fails = |jws: &str| {
        matches!(
            verify_receipt_independently(jws, &expect(&s.device_key)),
            Err(IndependentError::Assertion(AssertionError::Challenge))
        )
    };
    // Each of these is what the device did not sign, yet validly signed by the edge.
    assert!(signature_fails(&lie(&s, |c| {
        c.request.fields = Some(vec![Field {
            label: "Amount".into(),
            value: "EUR 9,999.00".into(),
        }]);
    })));
    assert!(signature_fails(
        &lie(&s, |c| c.binding_code = Some("17".into()))
    ));
    assert!(signature_fails(&lie(&s, |c| {
        c.decision = Decision::Deny;
        c.reason = Some(DenyReason::Rejected);
    })));
    assert!(signature_fails(&lie(&s, |c| c.request.expires_at += 3600)));
}

#[test]
fn the_recorded_device_key_decides() {
    let s = issue(Decision::Approve, None, Some("42"));
    // Another key recorded by the RP: the receipt's own key is not trusted.
    let other = SoftAuthenticator::new(&[8; 32], b"credential-2")
        .unwrap()
        .public_key();
    assert_eq!(
        verify_receipt_independently(&s.jws, &expect(&other)),
        Err(IndependentError::DeviceKeyMismatch)
    );
    // An edge that swaps in its own device key and signature cannot match the recorded key.
    let swapped = lie(&s, |c| {
        c.device.public_key = Jwk::from_uncompressed(&other).unwrap()
    });
    assert_eq!(
        verify_receipt_independently(&swapped, &expect(&s.device_key)),
        Err(IndependentError::DeviceKeyMismatch)
    );
    // Tampered signature bytes inside the claims.
    let forged = lie(&s, |c| c.webauthn.signature[10] ^= 1);
    assert!(matches!(
        verify_receipt_independently(&forged, &expect(&s.device_key)),
        Err(IndependentError::Assertion(_))
    ));
}

#[test]
fn other_rps_and_malformed_tokens_are_refused() {
    let s = issue(Decision::Approve, None, None);
    let mut other_rp = expect(&s.device_key);
    other_rp.rp_id = "other-bank";
    assert!(matches!(
        verify_receipt_independently(&s.jws, &other_rp),
        Err(IndependentError::Claims(_))
    ));
    let mut wrong_origin = expect(&s.device_key);
    wrong_origin.edge_origin = "https://evil.example";
    assert_eq!(
        verify_receipt_independently(&s.jws, &wrong_origin),
        Err(IndependentError::Assertion(AssertionError::Origin))
    );
    let mut wrong_rp_id = expect(&s.device_key);
    wrong_rp_id.webauthn_rp_id = "evil.example";
    assert_eq!(
        verify_receipt_independently(&s.jws, &wrong_rp_id),
        Err(IndependentError::Assertion(AssertionError::RpIdHash))
    );
    for bad in ["", "a.b", "a.b.c.d", "a.!!!.c", "a.e30.c"] {
        assert!(matches!(
            verify_receipt_independently(bad, &expect(&s.device_key)),
            Err(IndependentError::Malformed(_))
        ));
    }
    let inconsistent = lie(&s, |c| c.jti = "BBBBBBBBBBBBBBBBBBBBBB".into());
    assert!(matches!(
        verify_receipt_independently(&inconsistent, &expect(&s.device_key)),
        Err(IndependentError::Claims(_))
    ));
}
