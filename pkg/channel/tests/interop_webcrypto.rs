//! The channel interoperates with WebCrypto both ways, as the PWA will use it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use assent_channel::{Channel, Purpose, StaticSecret};
use assent_proto::b64u;
use assent_testkit::{run_node, test_bytes};
use serde_json::{Value, json};

const PURPOSES: [Purpose; 3] = [Purpose::Push, Purpose::Inbox, Purpose::Deactivate];

fn edge_secret() -> StaticSecret {
    StaticSecret::from_bytes(&test_bytes(7, 32).try_into().unwrap()).unwrap()
}

fn messages() -> Vec<(String, Purpose, String)> {
    (0..30u64)
        .map(|i| {
            let device_id = b64u::encode(&test_bytes(100 + i, 16));
            let purpose = PURPOSES[(i % 3) as usize];
            let plaintext =
                json!({"seq": i, "subscription": null, "note": "é😀".repeat(i as usize)})
                    .to_string();
            (device_id, purpose, plaintext)
        })
        .collect()
}

#[test]
fn webcrypto_seals_rust_opens_and_back() {
    let edge = edge_secret();
    let edge_public = b64u::encode(&edge.public_key());
    let msgs = messages();
    let sealed_by_js = run_node(
        "channel-webcrypto.mjs",
        &json!({
            "mode": "seal",
            "edge_public": edge_public,
            "messages": msgs.iter().map(|(d, p, t)| json!({"device_id": d, "purpose": p.as_str(), "plaintext": t})).collect::<Vec<_>>(),
        }),
    );
    let results = sealed_by_js["results"].as_array().unwrap();
    let mut back = Vec::new();
    for (i, ((device_id, purpose, plaintext), r)) in msgs.iter().zip(results).enumerate() {
        let device_public = b64u::decode(r["device_public"].as_str().unwrap()).unwrap();
        let channel = Channel::derive(&edge, &device_public, device_id).unwrap();
        let opened = channel
            .open(*purpose, r["sealed"].as_str().unwrap())
            .unwrap();
        assert_eq!(String::from_utf8(opened).unwrap(), *plaintext);
        // The same message under another purpose must not open.
        let other = PURPOSES[(i + 1) % 3];
        assert!(channel.open(other, r["sealed"].as_str().unwrap()).is_err());
        let reply = format!("reply {i} {plaintext}");
        let nonce: [u8; 12] = test_bytes(500 + i as u64, 12).try_into().unwrap();
        back.push(json!({
            "device_id": device_id,
            "purpose": purpose.as_str(),
            "device_jwk": r["device_jwk"],
            "sealed": channel.seal(*purpose, nonce, reply.as_bytes()),
        }));
    }
    // One tampered message: WebCrypto must refuse it too.
    let mut tampered = back[0].clone();
    let mut bytes = b64u::decode(tampered["sealed"].as_str().unwrap()).unwrap();
    bytes[20] ^= 1;
    tampered["sealed"] = Value::from(b64u::encode(&bytes));
    back.push(tampered);
    let opened_by_js = run_node(
        "channel-webcrypto.mjs",
        &json!({"mode": "open", "edge_public": edge_public, "messages": back}),
    );
    let opened = opened_by_js["results"].as_array().unwrap();
    for (i, (_, _, plaintext)) in msgs.iter().enumerate() {
        assert_eq!(
            opened[i]["plaintext"],
            Value::from(format!("reply {i} {plaintext}"))
        );
    }
    assert_eq!(opened[msgs.len()]["error"], "OperationError");
}
