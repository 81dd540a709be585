//! What the interop tests share: the clock, seeded P-256 scalars, and the check of what
//! npm `jose` said of the VAPID tokens it was given.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::{SystemTime, UNIX_EPOCH};

use assent_testkit::test_bytes;
use assent_webpush::VapidKey;
use p256::SecretKey;
use serde_json::{Value, json};

pub const SUBJECT: &str = "mailto:ops@assent.example";

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A valid P-256 scalar from the seed (re-drawing in the ~2^-32 case it is out of range).
pub fn scalar(seed: u64) -> [u8; 32] {
    (0..)
        .map(|k| test_bytes(seed.wrapping_mul(1000).wrapping_add(k), 32))
        .find(|b| SecretKey::from_slice(b).is_ok())
        .unwrap()
        .try_into()
        .unwrap()
}

/// `results` (of `webpush-vapid.mjs`) are tokens `jose` verified with `key`: ES256 JWT
/// headers, `aud` the endpoint's origin, the `exp` each was made with, our subject.
pub fn assert_tokens_verified(results: &[Value], key: &VapidKey, expected_exp: &[u64]) {
    assert_eq!(results.len(), expected_exp.len());
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["ok"], true, "token {i}: {r}");
        assert_eq!(r["k"], key.public_key_b64u(), "token {i}");
        assert_eq!(
            r["header"],
            json!({"typ": "JWT", "alg": "ES256"}),
            "token {i}"
        );
        assert_eq!(
            r["payload"],
            json!({"aud": r["origin"], "exp": expected_exp[i], "sub": SUBJECT}),
            "token {i}"
        );
    }
}
