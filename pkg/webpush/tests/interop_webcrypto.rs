//! The host-crypto path the edge takes, end to end against independent implementations: the
//! ECDH and the VAPID signature made by WebCrypto (Node 22's `crypto.subtle`, the calls the
//! edge makes in workerd), the rest by `encrypt_with_agreement` and `UnsignedVapidToken` /
//! `VapidCache::insert_signed`; the messages opened by npm `http_ece`, the tokens verified by
//! npm `jose`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;
use common::{SUBJECT, assert_tokens_verified, now, scalar};

use assent_proto::b64u;
use assent_testkit::{run_node, test_bytes};
use assent_webpush::{
    DEFAULT_LIFETIME_SECONDS, MAX_PLAINTEXT_LEN, PushKeys, PushOptions, Subscription, Urgency,
    VapidCache, VapidKey, build_request_with_agreement, decrypt, encrypt_with_agreement,
};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::{PublicKey, SecretKey};
use serde_json::{Value, json};

const CASES: u64 = 40;

struct Case {
    ua_secret: [u8; 32],
    keys: PushKeys,
    plaintext: Vec<u8>,
}

fn cases() -> Vec<Case> {
    (0..CASES)
        .map(|i| {
            let seed = 30_000 + i;
            let ua_secret = scalar(seed);
            let ua_public: [u8; 65] = SecretKey::from_slice(&ua_secret)
                .unwrap()
                .public_key()
                .to_uncompressed_point()
                .into();
            let len = match i {
                0 => 0,
                1 => MAX_PLAINTEXT_LEN,
                _ => {
                    usize::from(u16::from_le_bytes(
                        test_bytes(seed + 7, 2).try_into().unwrap(),
                    )) % (MAX_PLAINTEXT_LEN + 1)
                }
            };
            Case {
                ua_secret,
                keys: PushKeys::new(&ua_public, &test_bytes(seed + 1, 16)).unwrap(),
                plaintext: test_bytes(seed + 2, len),
            }
        })
        .collect()
}

fn webcrypto(ua_publics: &[&[u8; 65]], private_jwk: &str, signing_inputs: &[&str]) -> Value {
    let ecdh: Vec<Value> = ua_publics
        .iter()
        .map(|p| json!({"ua_public": b64u::encode(*p)}))
        .collect();
    run_node(
        "webpush-webcrypto.mjs",
        &json!({
            "ecdh": ecdh,
            "vapid": {"private_jwk": private_jwk, "signing_inputs": signing_inputs},
        }),
    )
}

fn array<const N: usize>(value: &Value) -> [u8; N] {
    b64u::decode_array(value.as_str().unwrap()).unwrap()
}

#[test]
fn webcrypto_ecdh_then_encrypt_with_agreement_opens_in_http_ece() {
    let cases = cases();
    let publics: Vec<&[u8; 65]> = cases.iter().map(|c| c.keys.p256dh()).collect();
    let out = webcrypto(
        &publics,
        &VapidKey::new(&scalar(1), SUBJECT).unwrap().private_jwk(),
        &[],
    );
    let agreements = out["ecdh"].as_array().unwrap();
    assert_eq!(agreements.len(), cases.len());

    let mut messages = Vec::new();
    for (i, (case, agreement)) in cases.iter().zip(agreements).enumerate() {
        let as_public: [u8; 65] = array(&agreement["as_public"]);
        let ecdh_secret: [u8; 32] = array(&agreement["ecdh_secret"]);
        // WebCrypto's secret is the x-coordinate the user agent computes from its side
        // (RFC 8291 §3.1), here with p256 and the user agent's private key.
        let ua_side = SecretKey::from_slice(&case.ua_secret)
            .unwrap()
            .diffie_hellman(&PublicKey::from_sec1_bytes(&as_public).unwrap());
        assert_eq!(
            ua_side.raw_secret_bytes().as_slice(),
            ecdh_secret,
            "case {i}"
        );

        let salt: [u8; 16] = test_bytes(40_000 + i as u64, 16).try_into().unwrap();
        let body =
            encrypt_with_agreement(&case.keys, &case.plaintext, &as_public, &ecdh_secret, &salt)
                .unwrap();
        assert_eq!(body.len(), 86 + case.plaintext.len() + 1 + 16, "case {i}");
        assert_eq!(&body[..16], &salt, "case {i}: salt");
        assert_eq!(
            &body[21..86],
            &as_public,
            "case {i}: keyid is the sender key"
        );
        assert_eq!(
            decrypt(&case.ua_secret, case.keys.auth(), &body).unwrap(),
            case.plaintext,
            "case {i}"
        );
        messages.push(json!({
            "ua_private": b64u::encode(&case.ua_secret),
            "auth": b64u::encode(case.keys.auth()),
            "body": b64u::encode(&body),
        }));
    }
    // The same WebCrypto agreement with one bit of the secret changed: the user agent must
    // fail, which shows the secret is what the message is keyed with.
    let mut wrong: [u8; 32] = array(&agreements[2]["ecdh_secret"]);
    wrong[31] ^= 1;
    let body = encrypt_with_agreement(
        &cases[2].keys,
        &cases[2].plaintext,
        &array(&agreements[2]["as_public"]),
        &wrong,
        &[9; 16],
    )
    .unwrap();
    messages.push(json!({
        "ua_private": b64u::encode(&cases[2].ua_secret),
        "auth": b64u::encode(cases[2].keys.auth()),
        "body": b64u::encode(&body),
    }));

    let out = run_node("webpush-decrypt.mjs", &json!({ "messages": messages }));
    let results = out["results"].as_array().unwrap();
    assert_eq!(results.len(), cases.len() + 1);
    for (i, (case, result)) in cases.iter().zip(results).enumerate() {
        let plaintext = result["plaintext"]
            .as_str()
            .unwrap_or_else(|| panic!("case {i}: http_ece failed: {result}"));
        assert_eq!(b64u::decode(plaintext).unwrap(), case.plaintext, "case {i}");
    }
    assert!(
        results[cases.len()]["error"].is_string(),
        "http_ece opened a message keyed with a wrong secret: {}",
        results[cases.len()]
    );
}

#[test]
fn webcrypto_signed_vapid_tokens_verify_in_jose() {
    let key = VapidKey::new(&scalar(77), SUBJECT).unwrap();
    let now = now();
    let endpoints = [
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "https://push.example.net:8443/x",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "http://127.0.0.1:9000/push/1",
    ];
    let subscriptions: Vec<Subscription> = endpoints
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let ua: [u8; 65] = SecretKey::from_slice(&scalar(500 + i as u64))
                .unwrap()
                .public_key()
                .to_uncompressed_point()
                .into();
            Subscription::new(e, None, PushKeys::new(&ua, &[i as u8; 16]).unwrap(), true).unwrap()
        })
        .collect();

    // Through the cache, as the edge does on a miss: unsigned, signed by WebCrypto, inserted.
    let mut cache = VapidCache::new(key.clone());
    let unsigned: Vec<_> = subscriptions
        .iter()
        .map(|s| {
            assert!(cache.cached(s.origin(), now).is_none());
            cache.unsigned(s.origin(), now).unwrap()
        })
        .collect();
    // And one straight from the key, with the 24 h maximum lifetime.
    let direct = key
        .unsigned_jwt(subscriptions[0].origin(), now + 24 * 3600, now)
        .unwrap();
    let mut inputs: Vec<&str> = unsigned.iter().map(|t| t.signing_input()).collect();
    inputs.push(direct.signing_input());
    let out = webcrypto(&[], &key.private_jwk(), &inputs);
    let signatures: Vec<[u8; 64]> = out["vapid"]["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(array)
        .collect();
    assert_eq!(signatures.len(), inputs.len());

    let mut tokens = Vec::new();
    let mut expected_exp = Vec::new();
    for ((token, signature), subscription) in
        unsigned.into_iter().zip(&signatures).zip(&subscriptions)
    {
        let header = cache
            .insert_signed(token, signature, now)
            .unwrap()
            .to_owned();
        // Cached: the next push to this origin reuses it without signing.
        assert_eq!(
            cache.cached(subscription.origin(), now + 60),
            Some(header.as_str())
        );
        assert_eq!(
            cache
                .authorization(subscription.origin(), now + 60)
                .unwrap(),
            header
        );
        tokens.push(
            json!({"endpoint": subscription.endpoint(), "authorization": header, "sub": SUBJECT}),
        );
        expected_exp.push(now + DEFAULT_LIFETIME_SECONDS);
    }
    assert_eq!(cache.len(), endpoints.len());
    let direct_header = direct
        .into_authorization(signatures.last().unwrap())
        .unwrap();
    tokens.push(json!({"endpoint": endpoints[0], "authorization": direct_header, "sub": SUBJECT}));
    expected_exp.push(now + 24 * 3600);
    let good = tokens.len();

    // A WebCrypto signature over another input must fail verification.
    let other = key
        .unsigned_jwt(subscriptions[1].origin(), now + 3600, now)
        .unwrap()
        .into_authorization(&signatures[1])
        .unwrap();
    tokens.push(json!({"endpoint": endpoints[1], "authorization": other, "sub": SUBJECT}));

    let out = run_node(
        "webpush-vapid.mjs",
        &json!({
            "public_key": key.public_key_b64u(),
            "tokens": tokens,
            "web_push": web_push_input(&key, &subscriptions[1]),
        }),
    );
    let results = out["tokens"].as_array().unwrap();
    assert_eq!(results.len(), good + 1);
    assert_tokens_verified(&results[..good], &key, &expected_exp);
    assert_eq!(
        results[good]["ok"], false,
        "a signature over another token verified"
    );
    assert!(
        results[good]["error"]
            .as_str()
            .unwrap()
            .contains("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        "{}",
        results[good]
    );
}

fn web_push_input(key: &VapidKey, subscription: &Subscription) -> Value {
    json!({
        "private_key": b64u::encode(&scalar(77)),
        "public_key": key.public_key_b64u(),
        "subject": SUBJECT,
        "subscription": serde_json::from_str::<Value>(&subscription.to_json()).unwrap(),
        "payload": b64u::encode(b"{}"),
        "ttl": 60,
        "urgency": "high",
        "topic": "t",
    })
}

#[test]
fn build_request_with_agreement_matches_build_request_headers() {
    // Same subscription, options and authorization: the two entry points differ only in who
    // does the ECDH, so the headers are identical and both bodies open.
    let ua_secret = scalar(900);
    let ua_public: [u8; 65] = SecretKey::from_slice(&ua_secret)
        .unwrap()
        .public_key()
        .to_uncompressed_point()
        .into();
    let subscription = Subscription::new(
        "https://push.example.net/a",
        None,
        PushKeys::new(&ua_public, &[3; 16]).unwrap(),
        false,
    )
    .unwrap();
    let out = webcrypto(
        &[&ua_public],
        &VapidKey::new(&scalar(1), SUBJECT).unwrap().private_jwk(),
        &[],
    );
    let agreement = &out["ecdh"][0];
    let options = PushOptions {
        ttl: 300,
        urgency: Urgency::High,
        topic: None,
    };
    let host = build_request_with_agreement(
        &subscription,
        b"hello",
        &options,
        "vapid t=x, k=y",
        &array(&agreement["as_public"]),
        &array(&agreement["ecdh_secret"]),
        &[5; 16],
    )
    .unwrap();
    let software = assent_webpush::build_request(
        &subscription,
        b"hello",
        &options,
        "vapid t=x, k=y",
        &scalar(901),
        &[5; 16],
    )
    .unwrap();
    assert_eq!(host.headers, software.headers);
    assert_eq!((host.method, &host.url), (software.method, &software.url));
    assert_eq!(decrypt(&ua_secret, &[3; 16], &host.body).unwrap(), b"hello");
    assert_eq!(
        decrypt(&ua_secret, &[3; 16], &software.body).unwrap(),
        b"hello"
    );
}
