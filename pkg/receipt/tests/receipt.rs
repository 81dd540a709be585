//! Receipts (SPEC §8): ours verify in npm `jose` with our JWK Set, `jose`'s verify here, and
//! receipts that lie about their issuer, audience or request fail on their own check.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_proto::b64u;
use assent_proto::{Decision, Kind, Statement};
use assent_receipt::jws::{self, JwsError};
use assent_receipt::{
    RECEIPT_TYP, ReceiptClaims, ReceiptError, ReceiptKey, sign_receipt, verify_receipt,
};
use serde_json::{Value, json};

fn receipt_key() -> ReceiptKey {
    ReceiptKey::from_signing_key(common::key(31))
}

fn login_approval(request_id: &str) -> ReceiptClaims {
    let mut claims = common::claims(request_id, 40);
    claims.request.kind = Kind::Login;
    claims.request.fields = None;
    claims.request.context = None;
    claims.request.title = None;
    claims.decision = Decision::Approve;
    claims.reason = None;
    claims.binding_code = None;
    claims
}

#[test]
fn our_receipts_verify_in_jose() {
    let key = receipt_key();
    let set = key.jwk_set();
    let all = [
        common::claims("req_AAAAAAAAAAAAAAAAAAAA", 40),
        login_approval("req_BBBBBBBBBBBBBBBBBBBB"),
    ];
    let tokens: Vec<String> = all.iter().map(|c| sign_receipt(c, &key).unwrap()).collect();
    let out = assent_testkit::run_node(
        "receipt-verify.mjs",
        &json!({
            "jwks": set,
            "tokens": tokens.iter().map(|t| json!({"jws": t, "typ": RECEIPT_TYP, "iss": common::EDGE, "aud": common::RP}))
                .chain([
                    // The oracle does check iss, aud and typ.
                    json!({"jws": tokens[0], "typ": RECEIPT_TYP, "iss": "https://evil.example", "aud": common::RP}),
                    json!({"jws": tokens[0], "typ": RECEIPT_TYP, "iss": common::EDGE, "aud": "other-rp"}),
                    json!({"jws": tokens[0], "typ": "JWT", "iss": common::EDGE, "aud": common::RP}),
                ])
                .collect::<Vec<_>>(),
        }),
    );
    let results = out["results"].as_array().unwrap();
    for (i, claims) in all.iter().enumerate() {
        let result = &results[i];
        assert_eq!(result["ok"], true, "{result}");
        assert_eq!(result["compact_ok"], true);
        assert_eq!(
            result["header"],
            json!({"alg": "ES256", "typ": RECEIPT_TYP, "kid": key.kid()})
        );
        // jose sees exactly the claims we signed.
        assert_eq!(result["payload"], serde_json::to_value(claims).unwrap());
    }
    assert_eq!(results[2]["error"], "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert_eq!(results[3]["error"], "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert_eq!(results[4]["error"], "ERR_JWT_CLAIM_VALIDATION_FAILED");
}

#[test]
fn jose_signed_receipts_verify_here() {
    let key = receipt_key();
    let public = key.public_jwk().to_value();
    let claims = common::claims("req_CCCCCCCCCCCCCCCCCCCC", 41);
    let out = assent_testkit::run_node(
        "receipt-sign.mjs",
        &json!({
            "private_jwk": {"kty": "EC", "crv": "P-256", "x": public["x"], "y": public["y"],
                            "d": b64u::encode(&key.signing_key().to_bytes())},
            "kid": key.kid(),
            "typ": RECEIPT_TYP,
            "payloads": [serde_json::to_string(&claims).unwrap()],
        }),
    );
    let token = out["tokens"][0].as_str().unwrap();
    let verified = verify_receipt(token, &key.jwk_set(), common::EDGE, common::RP).unwrap();
    assert_eq!(verified, claims);
}

#[test]
fn claims_wire_shape() {
    let claims = common::claims("req_DDDDDDDDDDDDDDDDDDDD", 42);
    let value = serde_json::to_value(&claims).unwrap();
    let members: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "iss",
        "aud",
        "sub",
        "jti",
        "iat",
        "request",
        "decision",
        "reason",
        "binding_code",
        "device",
        "webauthn",
    ];
    expected.sort_unstable();
    let mut members_sorted = members.clone();
    members_sorted.sort_unstable();
    assert_eq!(members_sorted, expected);
    assert_eq!(value["decision"], "deny");
    assert_eq!(value["reason"], "fraud");
    assert_eq!(
        value["device"]["credential_id"],
        b64u::encode(&claims.device.credential_id)
    );
    assert_eq!(value["device"]["public_key"]["kty"], "EC");
    assert_eq!(
        value["webauthn"]["client_data_json"],
        b64u::encode(&claims.webauthn.client_data_json)
    );
    assert_eq!(value["request"]["v"], 1);
    // Absent optionals are omitted, not null.
    let approval = serde_json::to_value(login_approval("req_EEEEEEEEEEEEEEEEEEEE")).unwrap();
    assert!(approval.get("reason").is_none());
    assert!(approval.get("binding_code").is_none());
    assert!(approval["request"].get("fields").is_none());
}

#[test]
fn statement_is_rebuilt_from_the_request() {
    let claims = common::claims("req_FFFFFFFFFFFFFFFFFFFF", 43);
    let statement = claims.statement().unwrap();
    assert_eq!(
        statement,
        Statement::new(
            claims.request.request_hash().unwrap(),
            Decision::Deny,
            claims.reason,
            Some("42".into())
        )
    );
    // Changing what was shown changes the challenge the assertion must match.
    let mut changed = claims.clone();
    changed.request.fields.as_mut().unwrap()[0].value = "EUR 9,999.00".into();
    assert_ne!(
        changed.statement().unwrap().challenge().unwrap(),
        statement.challenge().unwrap()
    );
}

/// Signs `claims` after `change` with the receipt key, bypassing nothing else.
fn signed_with(change: impl FnOnce(&mut Value)) -> String {
    let mut value = serde_json::to_value(common::claims("req_GGGGGGGGGGGGGGGGGGGG", 44)).unwrap();
    change(&mut value);
    let key = receipt_key();
    jws::sign(
        RECEIPT_TYP,
        key.kid(),
        value.to_string().as_bytes(),
        key.signing_key(),
    )
}

#[test]
fn negative_table() {
    let key = receipt_key();
    let set = key.jwk_set();
    let good = sign_receipt(&common::claims("req_GGGGGGGGGGGGGGGGGGGG", 44), &key).unwrap();
    assert!(verify_receipt(&good, &set, common::EDGE, common::RP).is_ok());

    let cases: Vec<(&str, String, &str, &str, ReceiptError)> = vec![
        (
            "wrong iss",
            good.clone(),
            "https://other.example",
            common::RP,
            ReceiptError::WrongIssuer {
                expected: "https://other.example".into(),
                found: common::EDGE.into(),
            },
        ),
        (
            "wrong aud",
            good.clone(),
            common::EDGE,
            "other-rp",
            ReceiptError::WrongAudience {
                expected: "other-rp".into(),
                found: common::RP.into(),
            },
        ),
        (
            "jti is another request",
            signed_with(|v| v["jti"] = json!("req_HHHHHHHHHHHHHHHHHHHH")),
            common::EDGE,
            common::RP,
            ReceiptError::JtiMismatch,
        ),
        (
            "request is another request",
            signed_with(|v| v["request"]["request_id"] = json!("req_HHHHHHHHHHHHHHHHHHHH")),
            common::EDGE,
            common::RP,
            ReceiptError::JtiMismatch,
        ),
        (
            "sub is another user",
            signed_with(|v| v["sub"] = json!("mallory")),
            common::EDGE,
            common::RP,
            ReceiptError::SubjectMismatch,
        ),
        (
            "request for another RP",
            signed_with(|v| v["request"]["rp_id"] = json!("other-rp")),
            common::EDGE,
            common::RP,
            ReceiptError::AudienceRequestMismatch,
        ),
        (
            "request version 2",
            signed_with(|v| v["request"]["v"] = json!(2)),
            common::EDGE,
            common::RP,
            ReceiptError::UnsupportedVersion(2),
        ),
        (
            "reason on an approval",
            signed_with(|v| v["decision"] = json!("approve")),
            common::EDGE,
            common::RP,
            ReceiptError::ReasonWithApprove,
        ),
        (
            "webauthn member missing",
            signed_with(|v| {
                v.as_object_mut().unwrap().remove("webauthn");
            }),
            common::EDGE,
            common::RP,
            ReceiptError::Claims(String::new()),
        ),
        (
            "decision unknown",
            signed_with(|v| v["decision"] = json!("maybe")),
            common::EDGE,
            common::RP,
            ReceiptError::Claims(String::new()),
        ),
        (
            "authenticator data padded",
            signed_with(|v| {
                let text = v["webauthn"]["authenticator_data"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                v["webauthn"]["authenticator_data"] = json!(format!("{text}="));
            }),
            common::EDGE,
            common::RP,
            ReceiptError::Claims(String::new()),
        ),
        (
            "device key carries d",
            signed_with(|v| v["device"]["public_key"]["d"] = json!("AAAA")),
            common::EDGE,
            common::RP,
            ReceiptError::Claims(String::new()),
        ),
        (
            "unknown request member",
            signed_with(|v| v["request"]["extra"] = json!(1)),
            common::EDGE,
            common::RP,
            ReceiptError::Claims(String::new()),
        ),
        (
            "JWS typ JWT",
            {
                let key = receipt_key();
                jws::sign(
                    "JWT",
                    key.kid(),
                    &serde_json::to_vec(&common::claims("req_GGGGGGGGGGGGGGGGGGGG", 44)).unwrap(),
                    key.signing_key(),
                )
            },
            common::EDGE,
            common::RP,
            ReceiptError::Jws(JwsError::WrongTyp {
                expected: RECEIPT_TYP.into(),
                found: "JWT".into(),
            }),
        ),
        (
            "signed by another key under our kid",
            {
                let claims = common::claims("req_GGGGGGGGGGGGGGGGGGGG", 44);
                jws::sign(
                    RECEIPT_TYP,
                    key.kid(),
                    &serde_json::to_vec(&claims).unwrap(),
                    &common::key(99),
                )
            },
            common::EDGE,
            common::RP,
            ReceiptError::Jws(JwsError::BadSignature),
        ),
    ];
    for (name, token, iss, aud, expected) in cases {
        let got = verify_receipt(&token, &set, iss, aud);
        match (&expected, &got) {
            (ReceiptError::Claims(_), Err(ReceiptError::Claims(_))) => {}
            _ => assert_eq!(got, Err(expected), "{name}"),
        }
    }
    // Unknown top-level claims are ignored (RFC 7519 §4): the edge may add optional ones.
    let extended = signed_with(|v| v["nbf"] = json!(1));
    assert!(verify_receipt(&extended, &set, common::EDGE, common::RP).is_ok());
    // A claim given twice is refused, whichever copy a lax parser would keep.
    let claims_text =
        serde_json::to_string(&common::claims("req_GGGGGGGGGGGGGGGGGGGG", 44)).unwrap();
    let twice = format!(r#"{{"aud":"other-rp",{}"#, &claims_text[1..]);
    let token = jws::sign(RECEIPT_TYP, key.kid(), twice.as_bytes(), key.signing_key());
    assert!(matches!(
        verify_receipt(&token, &set, common::EDGE, common::RP),
        Err(ReceiptError::Claims(_))
    ));
}
