//! RFC 8291 against npm `http_ece`: 50 subscriptions encrypted here and opened there, and 50
//! messages encrypted there and opened here, plaintexts from 0 to 3993 bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::scalar;

use assent_proto::b64u;
use assent_testkit::{run_node, test_bytes};
use assent_webpush::{MAX_PLAINTEXT_LEN, PushKeys, decrypt, encrypt};
use p256::SecretKey;
use p256::elliptic_curve::sec1::ToSec1Point;
use serde_json::{Value, json};

const CASES: u64 = 50;

struct Case {
    ua_secret: [u8; 32],
    ua_public: [u8; 65],
    auth: [u8; 16],
    plaintext: Vec<u8>,
}

/// Deterministic cases; the first ones pin the edges (empty, maximum, one byte, maximum − 1).
fn cases(domain: u64) -> Vec<Case> {
    (0..CASES)
        .map(|i| {
            let seed = domain * 10_000 + i;
            let ua_secret = scalar(seed);
            let ua_public = SecretKey::from_slice(&ua_secret)
                .unwrap()
                .public_key()
                .to_uncompressed_point()
                .into();
            let len = match i {
                0 => 0,
                1 => MAX_PLAINTEXT_LEN,
                2 => 1,
                3 => MAX_PLAINTEXT_LEN - 1,
                _ => {
                    let r = test_bytes(seed + 7, 2);
                    usize::from(u16::from_le_bytes([r[0], r[1]])) % (MAX_PLAINTEXT_LEN + 1)
                }
            };
            Case {
                ua_secret,
                ua_public,
                auth: test_bytes(seed + 1, 16).try_into().unwrap(),
                plaintext: test_bytes(seed + 2, len),
            }
        })
        .collect()
}

fn results(output: &Value) -> &Vec<Value> {
    output["results"].as_array().expect("results array")
}

#[test]
fn http_ece_opens_what_we_encrypt() {
    let cases = cases(1);
    let mut messages: Vec<Value> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let keys = PushKeys::new(&c.ua_public, &c.auth).unwrap();
            let seed = 1_000_000 + i as u64;
            let body = encrypt(
                &keys,
                &c.plaintext,
                &scalar(seed),
                &test_bytes(seed, 16).try_into().unwrap(),
            )
            .unwrap();
            assert_eq!(body.len(), 86 + c.plaintext.len() + 1 + 16);
            assert!(body.len() <= 4096);
            json!({
                "ua_private": b64u::encode(&c.ua_secret),
                "auth": b64u::encode(&c.auth),
                "body": b64u::encode(&body),
            })
        })
        .collect();
    // One altered message, to show the other side really authenticates.
    let mut altered = messages[5].clone();
    let mut body = b64u::decode(altered["body"].as_str().unwrap()).unwrap();
    *body.last_mut().unwrap() ^= 1;
    altered["body"] = json!(b64u::encode(&body));
    messages.push(altered);

    let out = run_node("webpush-decrypt.mjs", &json!({ "messages": messages }));
    let results = results(&out);
    assert_eq!(results.len(), cases.len() + 1);
    for (i, (case, result)) in cases.iter().zip(results).enumerate() {
        let plaintext = result["plaintext"]
            .as_str()
            .unwrap_or_else(|| panic!("case {i}: http_ece failed: {result}"));
        assert_eq!(
            b64u::decode(plaintext).unwrap(),
            case.plaintext,
            "case {i} ({} bytes)",
            case.plaintext.len()
        );
    }
    assert!(
        results[cases.len()]["error"].is_string(),
        "http_ece accepted an altered message: {}",
        results[cases.len()]
    );
}

#[test]
fn we_open_what_http_ece_encrypts() {
    let cases = cases(2);
    let messages: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({
                "ua_public": b64u::encode(&c.ua_public),
                "auth": b64u::encode(&c.auth),
                "plaintext": b64u::encode(&c.plaintext),
            })
        })
        .collect();
    let out = run_node("webpush-encrypt.mjs", &json!({ "messages": messages }));
    let results = results(&out);
    assert_eq!(results.len(), cases.len());
    for (i, (case, result)) in cases.iter().zip(results).enumerate() {
        let body = b64u::decode(result["body"].as_str().unwrap()).unwrap();
        assert_eq!(body[20], 65, "case {i}: keyid is the sender key");
        assert_eq!(&body[16..20], &4096u32.to_be_bytes(), "case {i}: rs");
        let plaintext = decrypt(&case.ua_secret, &case.auth, &body)
            .unwrap_or_else(|e| panic!("case {i} ({} bytes): {e}", case.plaintext.len()));
        assert_eq!(plaintext, case.plaintext, "case {i}");
    }
}
