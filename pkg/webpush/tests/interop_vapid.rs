//! VAPID tokens checked by npm `jose` (signature, alg, typ, aud, exp, sub) with the audience
//! computed by WHATWG `URL.origin`, and the whole request compared with npm `web-push`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::{SUBJECT, assert_tokens_verified, now, scalar};

use assent_proto::b64u;
use assent_testkit::{run_node, test_bytes};
use assent_webpush::{
    DEFAULT_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS, PushKeys, PushOptions, Subscription, Topic,
    Urgency, VapidCache, VapidKey, build_request, decrypt,
};
use p256::SecretKey;
use p256::elliptic_curve::sec1::ToSec1Point;
use serde_json::{Value, json};

fn ua_keys(seed: u64) -> ([u8; 32], PushKeys) {
    let secret = scalar(seed);
    let public: [u8; 65] = SecretKey::from_slice(&secret)
        .unwrap()
        .public_key()
        .to_uncompressed_point()
        .into();
    let auth = test_bytes(seed + 1, 16);
    (secret, PushKeys::new(&public, &auth).unwrap())
}

fn jwt_of(authorization: &str) -> &str {
    authorization
        .strip_prefix("vapid t=")
        .unwrap()
        .split_once(", k=")
        .unwrap()
        .0
}

#[test]
fn jose_verifies_our_tokens() {
    let key = VapidKey::new(&scalar(77), SUBJECT).unwrap();
    let now = now();
    // (endpoint, aud by RFC 6454 origin rules, allow_loopback)
    let endpoints = [
        (
            "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
            "https://fcm.googleapis.com",
        ),
        (
            "https://push.example.net:8443/x",
            "https://push.example.net:8443",
        ),
        (
            "https://updates.push.services.mozilla.com:443/wpush/v2/gAAAA",
            "https://updates.push.services.mozilla.com",
        ),
        (
            "https://Web.Push.Apple.COM/QGz7Y?x=1",
            "https://web.push.apple.com",
        ),
        ("http://127.0.0.1:9000/push/1", "http://127.0.0.1:9000"),
        ("http://localhost:80/push/2", "http://localhost"),
    ];
    let mut tokens = Vec::new();
    let mut expected_exp = Vec::new();
    for (i, (endpoint, aud)) in endpoints.iter().enumerate() {
        let (_, keys) = ua_keys(i as u64);
        let sub = Subscription::new(endpoint, None, keys, true).unwrap();
        assert_eq!(sub.origin().as_str(), *aud, "{endpoint}");
        // Alternate default lifetime and the 24 h maximum.
        let exp = now
            + if i % 2 == 0 {
                DEFAULT_LIFETIME_SECONDS
            } else {
                MAX_LIFETIME_SECONDS
            };
        let authorization = key.authorization(sub.origin(), exp, now).unwrap();
        let jwt = jwt_of(&authorization);
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(
            b64u::decode(parts[0]).unwrap(),
            br#"{"typ":"JWT","alg":"ES256"}"#
        );
        assert_eq!(
            b64u::decode(parts[2]).unwrap().len(),
            64,
            "JWS r || s, not DER"
        );
        tokens.push(json!({"endpoint": endpoint, "authorization": authorization, "sub": SUBJECT}));
        expected_exp.push(exp);
    }
    // Through the cache, as the edge sends.
    let mut cache = VapidCache::new(key.clone());
    let o = Subscription::new(endpoints[1].0, None, ua_keys(9).1, false).unwrap();
    let cached = cache.authorization(o.origin(), now).unwrap().to_owned();
    tokens.push(json!({"endpoint": endpoints[1].0, "authorization": cached, "sub": SUBJECT}));
    expected_exp.push(now + DEFAULT_LIFETIME_SECONDS);
    let good = tokens.len();

    // Two that must fail, to show the verifier is really checking.
    let authorization = tokens[0]["authorization"].as_str().unwrap();
    let (jwt, k) = (jwt_of(authorization), key.public_key_b64u());
    let (signed, signature) = jwt.rsplit_once('.').unwrap();
    let mut signature = b64u::decode(signature).unwrap();
    signature[10] ^= 1;
    let tampered = format!("vapid t={signed}.{}, k={k}", b64u::encode(&signature));
    tokens.push(json!({"endpoint": endpoints[0].0, "authorization": tampered, "sub": SUBJECT}));
    tokens.push(json!({
        "endpoint": endpoints[1].0,
        "authorization": tokens[1]["authorization"],
        "sub": SUBJECT,
        "audience": "https://push.example.net",
    }));

    let out = run_node(
        "webpush-vapid.mjs",
        &json!({
            "public_key": key.public_key_b64u(),
            "tokens": tokens,
            "web_push": web_push_input(&key, &ua_keys(50).1),
        }),
    );
    let results = out["tokens"].as_array().unwrap();
    assert_eq!(results.len(), good + 2);
    assert_tokens_verified(&results[..good], &key, &expected_exp);
    for (i, (_, aud)) in endpoints.iter().enumerate() {
        assert_eq!(results[i]["origin"], *aud, "WHATWG origin of endpoint {i}");
    }
    assert_eq!(results[good]["ok"], false, "tampered signature accepted");
    assert!(
        results[good]["error"]
            .as_str()
            .unwrap()
            .contains("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        "{}",
        results[good]
    );
    assert_eq!(results[good + 1]["ok"], false, "wrong audience accepted");
    assert!(
        results[good + 1]["error"]
            .as_str()
            .unwrap()
            .contains("ERR_JWT_CLAIM_VALIDATION_FAILED"),
        "{}",
        results[good + 1]
    );
}

fn web_push_input(key: &VapidKey, keys: &PushKeys) -> Value {
    json!({
        "private_key": b64u::encode(&scalar(77)),
        "public_key": key.public_key_b64u(),
        "subject": SUBJECT,
        "subscription": {
            "endpoint": "https://push.example.net:8443/x/y",
            "keys": {"p256dh": b64u::encode(keys.p256dh()), "auth": b64u::encode(keys.auth())},
        },
        "payload": b64u::encode(br#"{"web_push":8030}"#),
        "ttl": 300,
        "urgency": "high",
        "topic": "acct-42_x",
    })
}

#[test]
fn request_matches_web_push() {
    let key = VapidKey::new(&scalar(77), SUBJECT).unwrap();
    let (ua_secret, keys) = ua_keys(50);
    let input = web_push_input(&key, &keys);
    let subscription = Subscription::from_json(&input["subscription"].to_string(), false).unwrap();
    let payload = b64u::decode(input["payload"].as_str().unwrap()).unwrap();
    let now = now();
    let mut cache = VapidCache::new(key.clone());
    let authorization = cache
        .authorization(subscription.origin(), now)
        .unwrap()
        .to_owned();
    let ours = build_request(
        &subscription,
        &payload,
        &PushOptions {
            ttl: 300,
            urgency: Urgency::High,
            topic: Some(Topic::new("acct-42_x").unwrap()),
        },
        &authorization,
        &scalar(78),
        &test_bytes(79, 16).try_into().unwrap(),
    )
    .unwrap();
    assert_eq!(ours.method, "POST");
    assert_eq!(ours.url, "https://push.example.net:8443/x/y");
    assert_eq!(
        decrypt(&ua_secret, keys.auth(), &ours.body).unwrap(),
        payload
    );

    let out = run_node(
        "webpush-vapid.mjs",
        &json!({"public_key": key.public_key_b64u(), "tokens": [], "web_push": input}),
    );
    let theirs = &out["web_push"];
    // web-push signed with the same key: its token verifies against our public key, with the
    // same audience (port kept) and subject, and the same `k`.
    assert_eq!(theirs["ok"], true, "{theirs}");
    assert_eq!(theirs["k"], key.public_key_b64u());
    assert_eq!(theirs["payload"]["aud"], subscription.origin().as_str());
    assert_eq!(theirs["payload"]["aud"], "https://push.example.net:8443");
    assert_eq!(theirs["payload"]["sub"], SUBJECT);
    assert_eq!(theirs["header"], json!({"typ": "JWT", "alg": "ES256"}));
    // Our token's claims, apart from exp (each side read its own clock), equal web-push's.
    let our_claims: Value = serde_json::from_slice(
        &b64u::decode(jwt_of(&authorization).split('.').nth(1).unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(our_claims["aud"], theirs["payload"]["aud"]);
    assert_eq!(our_claims["sub"], theirs["payload"]["sub"]);

    // Same headers, name for name (web-push adds Content-Length, which fetch sets itself).
    let their_headers = theirs["headers"].as_object().unwrap();
    let mut their_names: Vec<&str> = their_headers
        .keys()
        .map(String::as_str)
        .filter(|n| *n != "Content-Length")
        .collect();
    let mut our_names: Vec<&str> = ours.headers.iter().map(|(n, _)| *n).collect();
    their_names.sort_unstable();
    our_names.sort_unstable();
    assert_eq!(our_names, their_names);
    for (name, value) in &ours.headers {
        if *name != "Authorization" {
            assert_eq!(their_headers[*name], *value.as_str(), "{name}");
        }
    }
    assert_eq!(their_headers["Content-Length"], ours.body.len().to_string());

    // And its body opens with our user-agent side.
    let body = b64u::decode(theirs["body"].as_str().unwrap()).unwrap();
    assert_eq!(decrypt(&ua_secret, keys.auth(), &body).unwrap(), payload);
}
