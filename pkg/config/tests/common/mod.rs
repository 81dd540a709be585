//! A valid configuration to break one piece at a time. Every value is written out by hand
//! (not produced by the code under test).
#![allow(dead_code)]

use std::collections::BTreeMap;

use assent_proto::b64u;
use serde_json::{Value, json};

/// SHA-256("abc") (FIPS 180-2 Appendix B.1): `demo`'s API key is "abc".
pub const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
/// SHA-256("") (FIPS 180-4 test vector): `demo-secure`'s API key is the empty string.
pub const SHA256_EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
pub const WEBHOOK_SECRET: &str = "whsec_0123456789abcdef0123456789abcdef";
pub const WEBHOOK_URL: &str = "https://bank.example/hooks/assent?token=t0k3n";

/// Valid, distinct scalars (far below the P-256 group order).
pub const VAPID_SCALAR: [u8; 32] = [1; 32];
pub const RECEIPT_SCALAR: [u8; 32] = [2; 32];
pub const CHANNEL_SCALAR: [u8; 32] = [3; 32];

pub fn rps() -> Value {
    json!([
        {
            "id": "demo",
            "name": "Example Bank",
            "mode": "gateway",
            "origins": ["https://bank.example", "https://www.bank.example:8443"],
            "api_key_sha256": SHA256_ABC,
            "webhook_url": WEBHOOK_URL,
            "webhook_secret": WEBHOOK_SECRET
        },
        {
            "id": "demo-secure",
            "name": "Example Bank (secure)",
            "mode": "secure",
            "origins": ["https://bank.example"],
            "api_key_sha256": SHA256_EMPTY,
            "limits": {"max_ttl_seconds": 900, "freeze_seconds": 0}
        }
    ])
}

pub fn vars() -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        (
            "ASSENT_EDGE_ORIGIN",
            "https://assent.example.com".to_owned(),
        ),
        ("VAPID_PRIVATE_KEY", b64u::encode(&VAPID_SCALAR)),
        ("VAPID_SUBJECT", "mailto:ops@assent.example.com".to_owned()),
        ("RECEIPT_PRIVATE_KEY", b64u::encode(&RECEIPT_SCALAR)),
        ("CHANNEL_PRIVATE_KEY", b64u::encode(&CHANNEL_SCALAR)),
        ("ASSENT_RELYING_PARTIES", rps().to_string()),
    ])
}
