//! JWKs and RFC 7638 thumbprints, checked against OpenSSL (via Node) and npm `jose`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_proto::b64u;
use assent_receipt::p256::ecdsa::VerifyingKey;
use assent_receipt::{Jwk, JwkError, JwkSet, ReceiptKey};
use serde_json::{Value, json};

/// RFC 7638 §3.1's example key and its stated thumbprint.
const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
const RFC7638_THUMBPRINT: &str = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

/// Seeds whose keys have a leading zero byte in x and in y (found by search), so the
/// fixed 32-byte coordinate length (RFC 7518 §6.2.1.2) is exercised, plus ordinary ones.
fn interop_seeds() -> Vec<u64> {
    let mut seeds: Vec<u64> = (1..=12).collect();
    let mut need_x = true;
    let mut need_y = true;
    for seed in 100.. {
        let jwk = Jwk::from_verifying_key(common::key(seed).verifying_key());
        if need_x && jwk.x()[0] == 0 {
            seeds.push(seed);
            need_x = false;
        } else if need_y && jwk.y()[0] == 0 {
            seeds.push(seed);
            need_y = false;
        }
        if !need_x && !need_y {
            break;
        }
    }
    seeds
}

#[test]
fn thumbprints_and_points_match_jose_and_openssl() {
    let seeds = interop_seeds();
    assert!(seeds.len() >= 14);
    let keys: Vec<_> = seeds.iter().map(|&s| common::key(s)).collect();
    let jwks: Vec<Jwk> = keys
        .iter()
        .map(|k| Jwk::from_verifying_key(k.verifying_key()))
        .collect();
    let input = json!({
        "keys": keys.iter().zip(&jwks).map(|(k, jwk)| json!({
            "d": b64u::encode(&k.to_bytes()),
            "jwk": jwk,
        })).collect::<Vec<_>>(),
        "rfc7638_rsa": {"kty": "RSA", "n": RFC7638_N, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"},
    });
    let out = assent_testkit::run_node("receipt-thumbprint.mjs", &input);

    // The oracle reproduces RFC 7638 §3.1's own example.
    assert_eq!(out["rfc7638_rsa_thumbprint"], RFC7638_THUMBPRINT);

    let results = out["keys"].as_array().unwrap();
    assert_eq!(results.len(), jwks.len());
    for (jwk, node) in jwks.iter().zip(results) {
        // Our scalar → point agrees with OpenSSL's.
        let node_point = b64u::decode(node["node_point"].as_str().unwrap()).unwrap();
        assert_eq!(jwk.to_uncompressed().as_slice(), node_point.as_slice());
        // A JWK built by Node parses to the same key, and from the raw point too.
        assert_eq!(&Jwk::from_value(&node["node_jwk"]).unwrap(), jwk);
        assert_eq!(&Jwk::from_uncompressed(&node_point).unwrap(), jwk);
        // The RFC 7638 §3.2 input and the thumbprint agree with jose.
        assert_eq!(jwk.thumbprint_input(), node["canonical"].as_str().unwrap());
        assert_eq!(jwk.thumbprint(), node["jose_thumbprint"].as_str().unwrap());
        assert_eq!(node["jose_imports"], true);
    }
    // Distinct keys, distinct thumbprints.
    let mut thumbprints: Vec<_> = jwks.iter().map(Jwk::thumbprint).collect();
    thumbprints.sort();
    thumbprints.dedup();
    assert_eq!(thumbprints.len(), jwks.len());
}

#[test]
fn thumbprint_ignores_optional_members() {
    // RFC 7638 §3.2: only the required members are hashed.
    let bare = Jwk::from_verifying_key(common::key(1).verifying_key());
    let decorated = bare.clone().with_kid("k1").for_es256_signatures();
    assert_eq!(bare.thumbprint(), decorated.thumbprint());
    assert_ne!(bare, decorated);
}

#[test]
fn round_trips_point_verifying_key_and_json() {
    let key = common::key(3);
    let jwk = Jwk::from_verifying_key(key.verifying_key());
    assert_eq!(jwk.verifying_key(), key.verifying_key());
    let point = jwk.to_uncompressed();
    assert_eq!(point[0], 0x04);
    assert_eq!(
        VerifyingKey::from_sec1_bytes(&point).unwrap(),
        *key.verifying_key()
    );
    let text = serde_json::to_string(&jwk.clone().with_kid("a").for_es256_signatures()).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["kty"], "EC");
    assert_eq!(value["crv"], "P-256");
    assert_eq!(value["alg"], "ES256");
    assert_eq!(value["use"], "sig");
    assert_eq!(value["kid"], "a");
    let back: Jwk = serde_json::from_str(&text).unwrap();
    assert_eq!(back.kid(), Some("a"));
    assert!(back.has_alg() && back.has_use());
    assert_eq!(back.to_uncompressed(), point);
}

fn valid_jwk_value() -> Value {
    Jwk::from_verifying_key(common::key(5).verifying_key()).to_value()
}

fn with(member: &str, value: Value) -> Value {
    let mut jwk = valid_jwk_value();
    jwk[member] = value;
    jwk
}

fn without(member: &str) -> Value {
    let mut jwk = valid_jwk_value();
    jwk.as_object_mut().unwrap().remove(member);
    jwk
}

#[test]
fn strict_validation_table() {
    let jwk = Jwk::from_value(&valid_jwk_value()).unwrap();
    let x = b64u::encode(jwk.x());
    let y = b64u::encode(jwk.y());
    // y + 1 (mod 2^256): for a given x at most two y are on the curve, and y+1 is not -y.
    let mut y_plus_one = *jwk.y();
    for byte in y_plus_one.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            break;
        }
    }
    let cases: Vec<(&str, Value, JwkError)> = vec![
        ("kty RSA", with("kty", json!("RSA")), JwkError::Kty),
        ("kty missing", without("kty"), JwkError::Kty),
        ("kty not a string", with("kty", json!(1)), JwkError::Kty),
        ("crv P-384", with("crv", json!("P-384")), JwkError::Crv),
        ("crv missing", without("crv"), JwkError::Crv),
        ("x missing", without("x"), JwkError::X),
        (
            "x 31 bytes",
            with("x", json!(b64u::encode(&jwk.x()[1..]))),
            JwkError::X,
        ),
        (
            "x 33 bytes",
            with("x", json!(format!("AA{x}"))),
            JwkError::X,
        ),
        ("x padded", with("x", json!(format!("{x}="))), JwkError::X),
        (
            "x std alphabet",
            with("x", json!(x.replace('-', "+").replace('_', "/") + "+")),
            JwkError::X,
        ),
        ("y missing", without("y"), JwkError::Y),
        ("y null", with("y", Value::Null), JwkError::Y),
        (
            "not on curve",
            with("y", json!(b64u::encode(&y_plus_one))),
            JwkError::NotOnCurve,
        ),
        (
            "identity-like zeros",
            json!({"kty":"EC","crv":"P-256","x":b64u::encode(&[0;32]),"y":b64u::encode(&[0;32])}),
            JwkError::NotOnCurve,
        ),
        (
            "private d",
            with("d", json!(b64u::encode(&[1; 32]))),
            JwkError::PrivateKeyMember,
        ),
        (
            "private d null",
            with("d", Value::Null),
            JwkError::PrivateKeyMember,
        ),
        ("alg RS256", with("alg", json!("RS256")), JwkError::Alg),
        ("alg none", with("alg", json!("none")), JwkError::Alg),
        ("use enc", with("use", json!("enc")), JwkError::Use),
        ("kid number", with("kid", json!(7)), JwkError::Kid),
    ];
    assert!(cases.len() >= 20);
    for (name, value, expected) in cases {
        assert_eq!(Jwk::from_value(&value), Err(expected.clone()), "{name}");
        // Parsing from text and via serde gives the same verdict.
        assert_eq!(Jwk::from_json(&value.to_string()), Err(expected), "{name}");
        assert!(serde_json::from_value::<Jwk>(value).is_err(), "{name}");
    }
    // Sanity: the unmodified value and the y we started from are fine.
    assert!(Jwk::from_value(&with("y", json!(y))).is_ok());
    // Unknown members are ignored (RFC 7517 §4), not kept.
    let extra = Jwk::from_value(&with("key_ops", json!(["verify"]))).unwrap();
    assert_eq!(extra, jwk);
}

#[test]
fn repeated_member_and_non_object_are_refused() {
    let jwk = Jwk::from_value(&valid_jwk_value()).unwrap();
    let x = b64u::encode(jwk.x());
    let y = b64u::encode(jwk.y());
    let twice = format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","x":"{x}","y":"{y}"}}"#);
    assert!(matches!(Jwk::from_json(&twice), Err(JwkError::Json(_))));
    assert!(matches!(Jwk::from_json("[1]"), Err(JwkError::Json(_))));
    assert!(matches!(Jwk::from_json("\"EC\""), Err(JwkError::Json(_))));
}

#[test]
fn uncompressed_point_checks() {
    let point = Jwk::from_verifying_key(common::key(8).verifying_key()).to_uncompressed();
    assert!(Jwk::from_uncompressed(&point).is_ok());
    assert_eq!(
        Jwk::from_uncompressed(&point[..64]),
        Err(JwkError::NotUncompressedPoint)
    );
    let mut compressed_tag = point;
    compressed_tag[0] = 0x02;
    assert_eq!(
        Jwk::from_uncompressed(&compressed_tag),
        Err(JwkError::NotUncompressedPoint)
    );
    let compressed = VerifyingKey::from_sec1_bytes(&point)
        .unwrap()
        .to_sec1_point(true);
    assert_eq!(
        Jwk::from_uncompressed(compressed.as_bytes()),
        Err(JwkError::NotUncompressedPoint)
    );
    let mut off_curve = point;
    off_curve[64] ^= 1;
    assert_eq!(
        Jwk::from_uncompressed(&off_curve),
        Err(JwkError::NotOnCurve)
    );
}

#[test]
fn jwk_set_lookup_and_rules() {
    let a = Jwk::from_verifying_key(common::key(1).verifying_key()).with_kid("a");
    let b = Jwk::from_verifying_key(common::key(2).verifying_key()).with_kid("b");
    let set = JwkSet::new(vec![a.clone(), b.clone()]).unwrap();
    assert_eq!(set.get("a"), Some(&a));
    assert_eq!(set.get("b"), Some(&b));
    assert_eq!(set.get("c"), None);
    assert_eq!(set.keys().len(), 2);

    let text = serde_json::to_string(&set).unwrap();
    assert_eq!(JwkSet::from_json(&text).unwrap(), set);
    assert_eq!(serde_json::from_str::<JwkSet>(&text).unwrap(), set);
    assert_eq!(
        set.to_value(),
        serde_json::from_str::<Value>(&text).unwrap()
    );

    let unnamed = Jwk::from_verifying_key(common::key(3).verifying_key());
    assert_eq!(
        JwkSet::new(vec![a.clone(), unnamed]),
        Err(JwkError::SetEntryWithoutKid)
    );
    let same_kid = b.with_kid("a");
    assert_eq!(
        JwkSet::new(vec![a, same_kid]),
        Err(JwkError::DuplicateKid("a".into()))
    );
    assert!(matches!(
        JwkSet::from_json(r#"{"nokeys":[]}"#),
        Err(JwkError::Json(_))
    ));
    let keys_twice = format!(r#"{{"keys":[],{}"#, &text[1..]);
    assert!(matches!(
        JwkSet::from_json(&keys_twice),
        Err(JwkError::Json(_))
    ));
    let as_array = format!("[{}]", set.to_value()["keys"]);
    assert!(matches!(
        JwkSet::from_json(&as_array),
        Err(JwkError::Json(_))
    ));
    // Other members of a set are ignored (RFC 7517 §5).
    let mut annotated = set.to_value();
    annotated["note"] = json!("x");
    assert_eq!(JwkSet::from_json(&annotated.to_string()).unwrap(), set);
    // A private key in a published set is refused.
    let mut leaked = set.to_value();
    leaked["keys"][0]["d"] = json!("AAAA");
    assert!(JwkSet::from_json(&leaked.to_string()).is_err());
}

#[test]
fn receipt_key_kid_is_the_thumbprint() {
    let signing = common::key(9);
    let key = ReceiptKey::from_b64u(&b64u::encode(&signing.to_bytes())).unwrap();
    let bare = Jwk::from_verifying_key(signing.verifying_key());
    assert_eq!(key.kid(), bare.thumbprint());
    assert_eq!(key.public_jwk().kid(), Some(key.kid()));
    assert!(key.public_jwk().has_alg() && key.public_jwk().has_use());
    let set = key.jwk_set();
    assert_eq!(set.get(key.kid()), Some(key.public_jwk()));
    // The scalar never shows in Debug output.
    let debug = format!("{key:?}");
    assert!(debug.contains(key.kid()));
    assert!(!debug.contains(&b64u::encode(&signing.to_bytes())));

    use assent_receipt::KeyError;
    assert_eq!(
        ReceiptKey::from_b64u("AAAA=").unwrap_err(),
        KeyError::Encoding
    );
    assert_eq!(
        ReceiptKey::from_bytes(&[1; 31]).unwrap_err(),
        KeyError::Length(31)
    );
    assert_eq!(
        ReceiptKey::from_bytes(&[0; 32]).unwrap_err(),
        KeyError::Scalar
    );
    assert_eq!(
        ReceiptKey::from_bytes(&[0xff; 32]).unwrap_err(),
        KeyError::Scalar
    );
}
