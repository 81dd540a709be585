//! Every timed operation does the real work and produces what the edge would send or accept:
//! checked with the receiving side (the user agent's decryption, independent `http_ece`, the
//! device's channel, receipt verification), never with figures recorded from this code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_bench::fixtures::{EDGE_ORIGIN, ENDPOINT, PUSH_PAYLOAD_LEN, PUSH_TOPIC, PUSH_TTL};
use assent_bench::{Bench, BenchError, Op, Vapid};
use assent_proto::b64u;
use assent_webpush::{HEADER_LEN, TAG_LEN, decrypt};

fn header<'a>(request: &'a assent_webpush::PushRequest, name: &str) -> &'a str {
    request
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn jwt_claims(authorization: &str) -> serde_json::Value {
    let token = authorization
        .strip_prefix("vapid t=")
        .unwrap()
        .split(", k=")
        .next()
        .unwrap();
    let claims = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&b64u::decode(claims).unwrap()).unwrap()
}

#[test]
fn push_payload_is_the_spec_shape_at_200_bytes() {
    let bench = Bench::new().unwrap();
    let payload = &bench.fixtures().push_payload;
    assert_eq!(payload.len(), PUSH_PAYLOAD_LEN);
    let value: serde_json::Value = serde_json::from_str(payload).unwrap();
    assert_eq!(value["web_push"], 8030);
    assert_eq!(value["assent"]["kind"], "login");
    assert_eq!(value["assent"]["request_id"].as_str().unwrap().len(), 22);
}

#[test]
fn pushes_decrypt_for_the_user_agent_with_fresh_keys_each_time() {
    let mut bench = Bench::new().unwrap();
    let (ua_private, auth) = (bench.fixtures().ua_private, bench.fixtures().auth);
    let payload = bench.fixtures().push_payload.clone();
    let mut senders = Vec::new();
    for vapid in [Vapid::Fresh, Vapid::Cached, Vapid::Fresh, Vapid::Cached] {
        let request = bench.push(vapid).unwrap();
        assert_eq!(request.url, ENDPOINT);
        assert_eq!(
            request.body.len(),
            HEADER_LEN + PUSH_PAYLOAD_LEN + 1 + TAG_LEN
        );
        assert_eq!(
            decrypt(&ua_private, &auth, &request.body).unwrap(),
            payload.as_bytes()
        );
        assert_eq!(header(&request, "TTL"), PUSH_TTL.to_string());
        assert_eq!(header(&request, "Urgency"), "high");
        assert_eq!(header(&request, "Topic"), PUSH_TOPIC);
        assert_eq!(header(&request, "Content-Encoding"), "aes128gcm");
        let claims = jwt_claims(header(&request, "Authorization"));
        assert_eq!(claims["aud"], "https://push.example.net");
        // salt (16) and sender key (65) of the RFC 8188 header: new for every message.
        senders.push(request.body[..HEADER_LEN].to_vec());
    }
    senders.sort();
    senders.dedup();
    assert_eq!(senders.len(), 4, "salt and ephemeral key repeat");
}

#[test]
fn http_ece_decrypts_the_pushes() {
    let mut bench = Bench::new().unwrap();
    let fx = bench.fixtures();
    let (ua_private, auth) = (b64u::encode(&fx.ua_private), b64u::encode(&fx.auth));
    let payload = fx.push_payload.clone();
    let messages: Vec<_> = [Vapid::Fresh, Vapid::Cached]
        .into_iter()
        .map(|vapid| {
            let body = bench.push(vapid).unwrap().body;
            serde_json::json!({"ua_private": ua_private, "auth": auth, "body": b64u::encode(&body)})
        })
        .collect();
    let out = assent_testkit::run_node(
        "webpush-decrypt.mjs",
        &serde_json::json!({ "messages": messages }),
    );
    for result in out["results"].as_array().unwrap() {
        let plaintext = result["plaintext"]
            .as_str()
            .unwrap_or_else(|| panic!("{result}"));
        assert_eq!(b64u::decode(plaintext).unwrap(), payload.as_bytes());
    }
}

#[test]
fn cached_header_is_the_caches_and_fresh_header_is_signed_now() {
    let mut bench = Bench::new().unwrap();
    let fresh = bench.push(Vapid::Fresh).unwrap();
    let cached = bench.push(Vapid::Cached).unwrap();
    let again = bench.push(Vapid::Cached).unwrap();
    assert_eq!(
        header(&cached, "Authorization"),
        header(&again, "Authorization")
    );
    // Same key, audience, subject and 12 h lifetime either way: the two rows compare the
    // same header, signed per message or once.
    assert_eq!(
        jwt_claims(header(&fresh, "Authorization")),
        jwt_claims(header(&cached, "Authorization"))
    );
    assert_eq!(bench.vapid_sign().unwrap(), header(&fresh, "Authorization"));
}

#[test]
fn the_assertion_verifies_every_time() {
    let bench = Bench::new().unwrap();
    for _ in 0..2 {
        let verified = bench.verify_assertion().unwrap();
        assert_eq!(verified.new_sign_count, 42);
        assert!(verified.user_verified && verified.user_present);
        assert_eq!(verified.user_handle.as_deref(), Some(&b"alice@example"[..]));
    }
}

#[test]
fn seal_open_round_trips_with_a_new_nonce() {
    let mut bench = Bench::new().unwrap();
    let inbox = bench.fixtures().inbox_json.clone();
    assert!((450..=600).contains(&inbox.len()), "{}", inbox.len());
    let (first, opened) = bench.seal_open().unwrap();
    assert_eq!(opened, inbox.as_bytes());
    let (second, _) = bench.seal_open().unwrap();
    assert_ne!(first, second);
}

#[test]
fn the_receipt_verifies_with_the_edge_keys() {
    let bench = Bench::new().unwrap();
    let fx = bench.fixtures();
    let jws = bench.sign_receipt().unwrap();
    let claims =
        assent_receipt::verify_receipt(&jws, &fx.receipt_key.jwk_set(), EDGE_ORIGIN, "demo")
            .unwrap();
    assert_eq!(claims, fx.receipt_claims);
    // The receipt carries the very assertion the verify operation accepts.
    let assertion: serde_json::Value = serde_json::from_str(&fx.assertion_json).unwrap();
    assert_eq!(
        b64u::encode(&claims.webauthn.signature),
        assertion["response"]["signature"]
    );
}

#[test]
fn components_produce_their_outputs() {
    let mut bench = Bench::new().unwrap();
    let fx = bench.fixtures();
    let (ua_private, auth) = (fx.ua_private, fx.auth);
    let payload = fx.push_payload.clone();
    let body = bench.push_encrypt().unwrap();
    assert_eq!(
        decrypt(&ua_private, &auth, &body).unwrap(),
        payload.as_bytes()
    );
    let point = bench.p256_keygen().unwrap();
    assert_eq!((point.len(), point[0]), (65, 4));
    assert_eq!(bench.p256_ecdh().unwrap().len(), 32);
}

#[test]
fn every_op_runs_by_name() {
    let mut bench = Bench::new().unwrap();
    for op in Op::ALL {
        assert_eq!(Op::from_name(op.name()).unwrap(), op);
        let once = bench.run(op, 1).unwrap();
        assert!(once > 0, "{}", op.name());
        // The checksum adds the outputs' lengths, which are the same every time.
        assert_eq!(
            bench.run(op, 3).unwrap(),
            once.wrapping_mul(3),
            "{}",
            op.name()
        );
    }
    assert_eq!(
        Op::from_name("push"),
        Err(BenchError::UnknownOp("push".into()))
    );
    assert_eq!(Op::ALL.iter().filter(|op| !op.is_component()).count(), 5);
}

#[test]
fn fixtures_are_deterministic_and_node_gets_the_same_keys() {
    let a = Bench::new().unwrap();
    let b = Bench::new().unwrap();
    assert_eq!(a.sign_receipt().unwrap(), b.sign_receipt().unwrap());
    let node: serde_json::Value = serde_json::from_str(&a.fixtures().node_json().unwrap()).unwrap();
    assert_eq!(node["payload"], a.fixtures().push_payload);
    assert_eq!(node["subscription"]["endpoint"], ENDPOINT);
    assert_eq!(
        node["vapid"]["publicKey"],
        a.fixtures().vapid.public_key_b64u()
    );
    assert_eq!(
        b64u::decode_array::<32>(node["vapid"]["privateKey"].as_str().unwrap()).unwrap(),
        a.fixtures().vapid_private
    );
}
