//! Strict JWS ES256: tokens from npm `jose` verify here, ours verify in `jose`, and each
//! malformed or hostile token fails on its own check.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_proto::b64u;
use assent_receipt::jws::{self, JwsError};
use assent_receipt::p256::ecdsa::Signature;
use assent_receipt::{Jwk, JwkSet, ReceiptKey};
use serde_json::{Value, json};

const TYP: &str = "assent-test+jwt";

fn setup() -> (ReceiptKey, JwkSet) {
    let key = ReceiptKey::from_signing_key(common::key(21));
    let other = Jwk::from_verifying_key(common::key(22).verifying_key()).with_kid("other");
    let set = JwkSet::new(vec![other, key.public_jwk().clone()]).unwrap();
    (key, set)
}

fn header(key: &ReceiptKey) -> Value {
    json!({"alg": "ES256", "typ": TYP, "kid": key.kid()})
}

#[test]
fn sign_then_verify_and_header_shape() {
    let (key, set) = setup();
    let payload = br#"{"hello":"world","n":1}"#;
    let token = jws::sign(TYP, key.kid(), payload, key.signing_key());
    let verified = jws::verify(&token, &set, TYP).unwrap();
    assert_eq!(verified.payload, payload);
    assert_eq!(verified.kid, key.kid());
    // The header is exactly {"alg","typ","kid"} in that order.
    let header = b64u::decode(&common::part(&token, 0)).unwrap();
    assert_eq!(
        String::from_utf8(header).unwrap(),
        format!(r#"{{"alg":"ES256","typ":"{TYP}","kid":"{}"}}"#, key.kid())
    );
    // RFC 6979: deterministic.
    assert_eq!(token, jws::sign(TYP, key.kid(), payload, key.signing_key()));
    // With one pinned key, the kid need not be in any set.
    let other = jws::sign(TYP, "anything", payload, key.signing_key());
    assert!(jws::verify_with_key(&other, key.public_jwk().verifying_key(), TYP).is_ok());
    assert_eq!(
        jws::verify(&other, &set, TYP),
        Err(JwsError::UnknownKid("anything".into()))
    );
    // A kid that needs JSON escaping survives.
    let odd = jws::sign(TYP, "a\"b\\c\u{1}", payload, key.signing_key());
    assert_eq!(
        jws::verify_with_key(&odd, key.public_jwk().verifying_key(), TYP)
            .unwrap()
            .kid,
        "a\"b\\c\u{1}"
    );
}

#[test]
fn jose_made_tokens_verify_here() {
    let (key, set) = setup();
    let public = key.public_jwk().to_value();
    let private_jwk = json!({
        "kty": "EC", "crv": "P-256",
        "x": public["x"], "y": public["y"],
        "d": b64u::encode(&key.signing_key().to_bytes()),
    });
    let payloads = [
        r#"{"a":1}"#,
        r#"{"text":"é — \u0000 \ud83d\ude00","nested":{"list":[1,2,3]}}"#,
        "{}",
    ];
    let out = assent_testkit::run_node(
        "receipt-sign.mjs",
        &json!({"private_jwk": private_jwk, "kid": key.kid(), "typ": TYP, "payloads": payloads}),
    );
    let tokens = out["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), payloads.len());
    for (token, payload) in tokens.iter().zip(payloads) {
        let verified = jws::verify(token.as_str().unwrap(), &set, TYP).unwrap();
        assert_eq!(verified.payload, payload.as_bytes());
        // ... and the wrong typ still fails on jose's tokens.
        assert!(matches!(
            jws::verify(token.as_str().unwrap(), &set, "JWT"),
            Err(JwsError::WrongTyp { .. })
        ));
    }
}

#[test]
fn our_tokens_verify_in_jose() {
    let (key, set) = setup();
    let token = jws::sign(TYP, key.kid(), br#"{"x":"y"}"#, key.signing_key());
    let flipped = {
        let mut sig = b64u::decode(&common::part(&token, 2)).unwrap();
        sig[63] ^= 1;
        common::replace_part(&token, 2, &b64u::encode(&sig))
    };
    let out = assent_testkit::run_node(
        "receipt-verify.mjs",
        &json!({"jwks": set, "tokens": [
            {"jws": token, "typ": TYP},
            {"jws": flipped, "typ": TYP},
            {"jws": token, "typ": "other+jwt"},
        ]}),
    );
    let results = out["results"].as_array().unwrap();
    assert_eq!(results[0]["ok"], true, "{:?}", results[0]);
    assert_eq!(results[0]["compact_ok"], true);
    assert_eq!(results[0]["payload"], json!({"x": "y"}));
    assert_eq!(results[0]["header"]["kid"], key.kid());
    // The oracle does reject: a flipped bit, a wrong typ.
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["compact_ok"], false);
    assert_eq!(results[2]["ok"], false);
}

/// Makes `base64url` of `bytes` non-canonical: when the last character carries unused low
/// bits, set one. Lax decoders map both spellings to the same bytes.
fn non_canonical(encoded: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    assert_ne!(encoded.len() % 4, 0, "no unused bits to set");
    let last = *encoded.as_bytes().last().unwrap();
    let index = ALPHABET.iter().position(|&c| c == last).unwrap();
    let mut text = encoded[..encoded.len() - 1].to_owned();
    text.push(ALPHABET[index | 1] as char);
    assert_ne!(text, encoded);
    text
}

fn padded(encoded: &str) -> String {
    let pad = (4 - encoded.len() % 4) % 4;
    format!("{encoded}{}", "=".repeat(pad.max(1)))
}

#[test]
fn negative_table() {
    let (key, set) = setup();
    let sk = key.signing_key();
    let payload = br#"{"sub":"alice"}"#;
    let good = jws::sign(TYP, key.kid(), payload, sk);
    let h = header(&key);
    let with_header = |change: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut header = h.as_object().unwrap().clone();
        change(&mut header);
        common::forge(&Value::Object(header).to_string(), payload, sk)
    };
    let [h64, p64, s64] = [0, 1, 2].map(|i| common::part(&good, i));
    let signature = b64u::decode(&s64).unwrap();
    let der = Signature::from_slice(&signature).unwrap().to_der();
    let mut flipped = signature.clone();
    flipped[40] ^= 0x10;
    let tampered_payload = b64u::encode(br#"{"sub":"mallory"}"#);

    let cases: Vec<(&str, String, JwsError)> = vec![
        (
            "alg none, empty signature",
            format!(
                "{}.{p64}.",
                b64u::encode(
                    json!({"alg":"none","typ":TYP,"kid":key.kid()})
                        .to_string()
                        .as_bytes()
                )
            ),
            JwsError::AlgNone,
        ),
        (
            "alg HS256",
            with_header(&|m| {
                m.insert("alg".into(), "HS256".into());
            }),
            JwsError::AlgNotAllowed("HS256".into()),
        ),
        (
            "alg ES384",
            with_header(&|m| {
                m.insert("alg".into(), "ES384".into());
            }),
            JwsError::AlgNotAllowed("ES384".into()),
        ),
        (
            "alg not a string",
            with_header(&|m| {
                m.insert("alg".into(), json!(["ES256"]));
            }),
            JwsError::AlgNotAllowed(r#"["ES256"]"#.into()),
        ),
        (
            "alg missing",
            with_header(&|m| {
                m.remove("alg");
            }),
            JwsError::MissingAlg,
        ),
        (
            "typ wrong",
            with_header(&|m| {
                m.insert("typ".into(), "JWT".into());
            }),
            JwsError::WrongTyp {
                expected: TYP.into(),
                found: "JWT".into(),
            },
        ),
        (
            "typ missing",
            with_header(&|m| {
                m.remove("typ");
            }),
            JwsError::MissingTyp,
        ),
        (
            "kid unknown",
            with_header(&|m| {
                m.insert("kid".into(), "nope".into());
            }),
            JwsError::UnknownKid("nope".into()),
        ),
        (
            "kid missing",
            with_header(&|m| {
                m.remove("kid");
            }),
            JwsError::MissingKid,
        ),
        (
            "kid not a string",
            with_header(&|m| {
                m.insert("kid".into(), json!(1));
            }),
            JwsError::MissingKid,
        ),
        (
            "crit present",
            with_header(&|m| {
                m.insert("crit".into(), json!(["b64"]));
                m.insert("b64".into(), json!(false));
            }),
            JwsError::Crit,
        ),
        (
            "crit null",
            with_header(&|m| {
                m.insert("crit".into(), Value::Null);
            }),
            JwsError::Crit,
        ),
        (
            "alg repeated",
            common::forge(
                &format!(
                    r#"{{"alg":"ES256","typ":"{TYP}","kid":"{}","alg":"none"}}"#,
                    key.kid()
                ),
                payload,
                sk,
            ),
            JwsError::HeaderJson(String::new()),
        ),
        (
            "header is an array",
            common::forge(
                &format!(r#"["ES256","{TYP}","{}"]"#, key.kid()),
                payload,
                sk,
            ),
            JwsError::HeaderJson(String::new()),
        ),
        (
            "header not JSON",
            format!("{}.{p64}.{s64}", b64u::encode(b"{alg")),
            JwsError::HeaderJson(String::new()),
        ),
        (
            "header padded",
            format!("{}.{p64}.{s64}", padded(&h64)),
            JwsError::HeaderEncoding,
        ),
        (
            "payload padded",
            format!("{h64}.{}.{s64}", padded(&p64)),
            JwsError::PayloadEncoding,
        ),
        (
            "signature padded",
            format!("{h64}.{p64}.{}", padded(&s64)),
            JwsError::SignatureEncoding,
        ),
        (
            "signature non-canonical base64url",
            format!("{h64}.{p64}.{}", non_canonical(&s64)),
            JwsError::SignatureEncoding,
        ),
        (
            "signature in standard base64",
            format!(
                "{h64}.{p64}.{}",
                s64.replace('-', "+").replace('_', "/") + "+"
            ),
            JwsError::SignatureEncoding,
        ),
        ("two parts", format!("{h64}.{p64}"), JwsError::PartCount(2)),
        (
            "four parts",
            format!("{good}.{s64}"),
            JwsError::PartCount(4),
        ),
        ("one part", h64.clone(), JwsError::PartCount(1)),
        (
            "DER signature",
            format!("{h64}.{p64}.{}", b64u::encode(der.as_bytes())),
            JwsError::SignatureLength(der.as_bytes().len()),
        ),
        (
            "empty signature",
            format!("{h64}.{p64}."),
            JwsError::SignatureLength(0),
        ),
        (
            "r = 0",
            format!("{h64}.{p64}.{}", b64u::encode(&[0u8; 64])),
            JwsError::SignatureScalars,
        ),
        (
            "flipped signature bit",
            format!("{h64}.{p64}.{}", b64u::encode(&flipped)),
            JwsError::BadSignature,
        ),
        (
            "tampered payload",
            format!("{h64}.{tampered_payload}.{s64}"),
            JwsError::BadSignature,
        ),
        (
            "signed by another key",
            jws::sign(TYP, key.kid(), payload, &common::key(22)),
            JwsError::BadSignature,
        ),
        (
            "payload is an array",
            jws::sign(TYP, key.kid(), b"[1,2]", sk),
            JwsError::PayloadNotObject,
        ),
        (
            "payload is a string",
            jws::sign(TYP, key.kid(), br#""claims""#, sk),
            JwsError::PayloadNotObject,
        ),
        (
            "payload is not JSON",
            jws::sign(TYP, key.kid(), b"{not json", sk),
            JwsError::PayloadNotObject,
        ),
    ];
    assert!(cases.len() >= 30);
    let mut variants = std::collections::HashSet::new();
    for (name, token, expected) in &cases {
        let got = jws::verify(token, &set, TYP);
        match (expected, &got) {
            // The serde message is not part of the contract; the variant is.
            (JwsError::HeaderJson(_), Err(JwsError::HeaderJson(_))) => {}
            _ => assert_eq!(got.as_ref(), Err(expected), "{name}"),
        }
        variants.insert(std::mem::discriminant(expected));
    }
    assert_eq!(variants.len(), 17, "every JwsError variant is exercised");
    // The unmodified token is fine, so each failure above is the change's doing.
    assert!(jws::verify(&good, &set, TYP).is_ok());
}

#[test]
fn jose_rejects_what_we_reject() {
    // The oracle agrees on the hostile tokens a lax verifier might let through.
    let (key, set) = setup();
    let sk = key.signing_key();
    let payload = br#"{"sub":"alice"}"#;
    let good = jws::sign(TYP, key.kid(), payload, sk);
    let signature = b64u::decode(&common::part(&good, 2)).unwrap();
    let der = Signature::from_slice(&signature).unwrap().to_der();
    let tokens = [
        common::replace_part(&good, 2, &b64u::encode(der.as_bytes())),
        common::forge(
            &json!({"alg":"ES256","typ":TYP,"kid":key.kid(),"crit":["b64"],"b64":false})
                .to_string(),
            payload,
            sk,
        ),
        jws::sign(TYP, "nope", payload, sk),
    ];
    let out = assent_testkit::run_node(
        "receipt-verify.mjs",
        &json!({"jwks": set, "tokens": tokens.iter().map(|t| json!({"jws": t, "typ": TYP})).collect::<Vec<_>>()}),
    );
    for (i, result) in out["results"].as_array().unwrap().iter().enumerate() {
        assert_eq!(result["ok"], false, "token {i}: {result}");
        assert!(jws::verify(&tokens[i], &set, TYP).is_err());
    }
}
