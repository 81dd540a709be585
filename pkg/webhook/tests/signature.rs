//! The `Assent-Signature` header against Node's `crypto.createHmac`, both ways, and the
//! ways a header can be wrong.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_webhook::{DEFAULT_TOLERANCE_SECONDS, WebhookError, sign, verify};
use serde_json::json;

const T: u64 = 1_767_225_600;

fn b64u(bytes: &[u8]) -> String {
    // Test-side encoder for the Node script's input (standard library only, no shortcut
    // through the code under test).
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[test]
fn matches_node_crypto_both_ways() {
    let secrets: Vec<Vec<u8>> = vec![
        b"whsec_test".to_vec(),
        Vec::new(),
        vec![0x0b; 20],
        assent_testkit::test_bytes(1, 32),
        assent_testkit::test_bytes(2, 64), // exactly one SHA-256 block
        assent_testkit::test_bytes(3, 65), // longer than a block: hashed first (RFC 2104 §2)
        assent_testkit::test_bytes(4, 200),
    ];
    let bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        br#"{"id":"evt_1","type":"request.approved","created_at":1767225600,"data":{}}"#.to_vec(),
        "{\"text\":\"é — 😀\"}".as_bytes().to_vec(),
        vec![0xff, 0x00, 0xfe, b'.', b','],
        assent_testkit::test_bytes(5, 100_000),
    ];
    let times = [0, 9, T, u64::from(u32::MAX) + 1];
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for (i, secret) in secrets.iter().enumerate() {
        for (j, body) in bodies.iter().enumerate() {
            let t = times[(i + j) % times.len()];
            let header = sign(secret, t, body);
            cases.push(json!({
                "secret": hex::encode(secret), "t": t, "body": b64u(body), "ours": header,
            }));
            ours.push((secret, t, body, header));
        }
    }
    let out = assent_testkit::run_node("webhook-hmac.mjs", &json!({"cases": cases}));
    let results = out["results"].as_array().unwrap();
    assert_eq!(results.len(), ours.len());
    for ((secret, t, body, header), node) in ours.iter().zip(results) {
        // Same bytes as Node computes...
        assert_eq!(header, node["header"].as_str().unwrap());
        // ...Node accepts ours...
        assert_eq!(node["accepts_ours"], true);
        // ...and we accept Node's.
        let node_header = node["header"].as_str().unwrap();
        assert_eq!(verify(secret, node_header, body, *t, 0), Ok(*t));
    }
}

#[test]
fn header_format() {
    let header = sign(b"s", 42, b"{}");
    let (t, v1) = header.split_once(',').unwrap();
    assert_eq!(t, "t=42");
    let hex = v1.strip_prefix("v1=").unwrap();
    assert_eq!(hex.len(), 64);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
}

#[test]
fn rotation_and_unknown_schemes() {
    let body = br#"{"id":"evt_2"}"#;
    let old = sign(b"old secret", T, body);
    let new = sign(b"new secret", T, body);
    let v1_old = old.split_once(",v1=").unwrap().1;
    let v1_new = new.split_once(",v1=").unwrap().1;
    let both = format!("t={T},v1={v1_old},v1={v1_new}");
    // Either secret verifies while both are listed.
    assert_eq!(verify(b"old secret", &both, body, T, 300), Ok(T));
    assert_eq!(verify(b"new secret", &both, body, T, 300), Ok(T));
    assert_eq!(
        verify(b"third", &both, body, T, 300),
        Err(WebhookError::NoMatchingSignature)
    );
    // Unknown schemes are skipped, wherever they stand, whatever they hold.
    let with_v0 = format!("v0=zz!,t={T},v2=abc,v1={v1_new}");
    assert_eq!(verify(b"new secret", &with_v0, body, T, 300), Ok(T));
}

#[test]
fn tolerance_window() {
    let body = b"{}";
    let secret = b"k";
    let header = sign(secret, T, body);
    let tol = DEFAULT_TOLERANCE_SECONDS;
    assert_eq!(tol, 300);
    assert_eq!(verify(secret, &header, body, T + tol, tol), Ok(T));
    assert_eq!(verify(secret, &header, body, T - tol, tol), Ok(T));
    assert_eq!(
        verify(secret, &header, body, T + tol + 1, tol),
        Err(WebhookError::TimestampTooOld {
            t: T,
            now: T + tol + 1
        })
    );
    assert_eq!(
        verify(secret, &header, body, T - tol - 1, tol),
        Err(WebhookError::TimestampInFuture {
            t: T,
            now: T - tol - 1
        })
    );
    // No overflow at the extremes.
    let far = sign(secret, u64::MAX, body);
    assert_eq!(
        verify(secret, &far, body, 0, tol),
        Err(WebhookError::TimestampInFuture {
            t: u64::MAX,
            now: 0
        })
    );
    let zero = sign(secret, 0, body);
    assert_eq!(
        verify(secret, &zero, body, u64::MAX, tol),
        Err(WebhookError::TimestampTooOld {
            t: 0,
            now: u64::MAX
        })
    );
}

#[test]
fn negative_table() {
    let secret = b"whsec_negative";
    let body = br#"{"id":"evt_3","type":"request.denied"}"#;
    let good = sign(secret, T, body);
    let v1 = good.split_once(",v1=").unwrap().1.to_owned();
    assert_eq!(verify(secret, &good, body, T, 300), Ok(T));

    let mut tampered = body.to_vec();
    tampered[10] ^= 1;
    let old = sign(secret, T - 301, body);
    let future = sign(secret, T + 301, body);
    let cases: Vec<(&str, String, &[u8], WebhookError)> = vec![
        (
            "missing t",
            format!("v1={v1}"),
            body,
            WebhookError::MissingTimestamp,
        ),
        (
            "missing v1",
            format!("t={T}"),
            body,
            WebhookError::MissingSignature,
        ),
        (
            "only v0",
            format!("t={T},v0={v1}"),
            body,
            WebhookError::MissingSignature,
        ),
        (
            "bad hex",
            format!("t={T},v1={}zz", &v1[..62]),
            body,
            WebhookError::BadSignatureHex,
        ),
        (
            "uppercase hex",
            format!("t={T},v1={}", v1.to_uppercase()),
            body,
            WebhookError::BadSignatureHex,
        ),
        (
            "short hex",
            format!("t={T},v1={}", &v1[..62]),
            body,
            WebhookError::BadSignatureHex,
        ),
        (
            "one bad v1 among good",
            format!("t={T},v1={v1},v1=nothex"),
            body,
            WebhookError::BadSignatureHex,
        ),
        (
            "wrong secret",
            sign(b"whsec_other", T, body),
            body,
            WebhookError::NoMatchingSignature,
        ),
        (
            "tampered body",
            good.clone(),
            &tampered,
            WebhookError::NoMatchingSignature,
        ),
        (
            "t changed after signing",
            format!("t={},v1={v1}", T + 1),
            body,
            WebhookError::NoMatchingSignature,
        ),
        (
            "old timestamp",
            old,
            body,
            WebhookError::TimestampTooOld { t: T - 301, now: T },
        ),
        (
            "future timestamp",
            future,
            body,
            WebhookError::TimestampInFuture { t: T + 301, now: T },
        ),
        (
            "duplicate t",
            format!("t={T},t={T},v1={v1}"),
            body,
            WebhookError::DuplicateTimestamp,
        ),
        (
            "t with sign",
            format!("t=+{T},v1={v1}"),
            body,
            WebhookError::BadTimestamp,
        ),
        (
            "t with a leading zero",
            format!("t=0{T},v1={v1}"),
            body,
            WebhookError::BadTimestamp,
        ),
        (
            "t not a number",
            format!("t=now,v1={v1}"),
            body,
            WebhookError::BadTimestamp,
        ),
        (
            "t overflows u64",
            format!("t=18446744073709551616,v1={v1}"),
            body,
            WebhookError::BadTimestamp,
        ),
        (
            "empty header",
            String::new(),
            body,
            WebhookError::MalformedHeader,
        ),
        (
            "space after comma",
            format!("t={T}, v1={v1}"),
            body,
            WebhookError::MissingSignature,
        ),
        (
            "element without =",
            format!("t={T},v1{v1}"),
            body,
            WebhookError::MalformedHeader,
        ),
        (
            "trailing comma",
            format!("{good},"),
            body,
            WebhookError::MalformedHeader,
        ),
        (
            "empty t",
            format!("t=,v1={v1}"),
            body,
            WebhookError::MalformedHeader,
        ),
    ];
    for (name, header, body, expected) in cases {
        assert_eq!(
            verify(secret, &header, body, T, 300),
            Err(expected),
            "{name}"
        );
    }
}
