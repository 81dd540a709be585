//! Keys, claims and token surgery shared by the receipt integration tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use assent_proto::b64u;
use assent_proto::{Context, Decision, DenyReason, Field, Kind, RequestContent};
use assent_receipt::p256::ecdsa::signature::Signer;
use assent_receipt::p256::ecdsa::{Signature, SigningKey};
use assent_receipt::{DeviceClaim, Jwk, ReceiptClaims, WebAuthnClaim};

pub const EDGE: &str = "https://assent.example.com";
pub const RP: &str = "demo";

/// A deterministic P-256 key from `seed`.
pub fn key(seed: u64) -> SigningKey {
    let mut seed = seed;
    loop {
        if let Ok(key) = SigningKey::from_slice(&assent_testkit::test_bytes(seed, 32)) {
            return key;
        }
        seed += 1_000_000;
    }
}

/// Request content with every optional member present (a sign request).
pub fn request(request_id: &str) -> RequestContent {
    RequestContent {
        v: 1,
        rp_id: RP.into(),
        rp_name: "Example Bank".into(),
        request_id: request_id.into(),
        user_id: "alice@example".into(),
        kind: Kind::Sign,
        title: Some("Pay ACME NV — “quoted” \u{1F4B6}".into()),
        context: Some(Context {
            ip: Some("203.0.113.7".into()),
            location: Some("Brussels, BE".into()),
            browser: Some("Firefox on macOS".into()),
        }),
        fields: Some(vec![
            Field {
                label: "Amount".into(),
                value: "EUR 1,250.00".into(),
            },
            Field {
                label: "Payee".into(),
                value: "ACME NV".into(),
            },
        ]),
        created_at: 1_767_225_600,
        expires_at: 1_767_225_720,
    }
}

/// Receipt claims for a denial of `request(...)` by a device whose key is `device_seed`.
pub fn claims(request_id: &str, device_seed: u64) -> ReceiptClaims {
    let request = request(request_id);
    ReceiptClaims {
        iss: EDGE.into(),
        aud: request.rp_id.clone(),
        sub: request.user_id.clone(),
        jti: request.request_id.clone(),
        iat: 1_767_225_650,
        request,
        decision: Decision::Deny,
        reason: Some(DenyReason::Fraud),
        binding_code: Some("42".into()),
        device: DeviceClaim {
            id: "dev_AAAAAAAAAAAAAAAAAAAA".into(),
            credential_id: assent_testkit::test_bytes(device_seed + 7, 32),
            public_key: Jwk::from_verifying_key(key(device_seed).verifying_key()),
        },
        webauthn: WebAuthnClaim {
            authenticator_data: assent_testkit::test_bytes(device_seed + 1, 37),
            client_data_json: br#"{"type":"webauthn.get","challenge":"x"}"#.to_vec(),
            signature: assent_testkit::test_bytes(device_seed + 2, 71),
        },
    }
}

/// A compact JWS over arbitrary header and payload bytes, correctly signed with `key`, so
/// that each negative test fails on the one check it targets.
pub fn forge(header: &str, payload: &[u8], key: &SigningKey) -> String {
    let input = format!(
        "{}.{}",
        b64u::encode(header.as_bytes()),
        b64u::encode(payload)
    );
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64u::encode(&signature.to_bytes()))
}

/// Replaces part `index` (0, 1 or 2) of a compact JWS.
pub fn replace_part(jws: &str, index: usize, with: &str) -> String {
    let mut parts: Vec<&str> = jws.split('.').collect();
    parts[index] = with;
    parts.join(".")
}

/// Part `index` of a compact JWS.
pub fn part(jws: &str, index: usize) -> String {
    jws.split('.').nth(index).unwrap().to_owned()
}
