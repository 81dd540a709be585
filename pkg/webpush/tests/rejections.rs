//! Every input the crate must refuse, each with the error that names the failed check.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_proto::b64u;
use assent_webpush::{
    EncryptError, EndpointError, KeyError, MAX_PLAINTEXT_LEN, Origin, PushKeys, Subscription,
    SubscriptionError, Topic, TopicError, VapidCache, VapidError, VapidKey, encrypt,
    encrypt_with_agreement,
};

// RFC 8291 Appendix A's user agent keys: a known-good point and secret.
const UA_PUBLIC: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const ENDPOINT: &str = "https://fcm.googleapis.com/fcm/send/abc";
/// The P-256 group order n (FIPS 186-4 D.1.2.3).
const ORDER_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const NOW: u64 = 1_800_000_000;

fn subscription_json(endpoint: &str, p256dh: &str, auth: &str) -> String {
    serde_json::json!({
        "endpoint": endpoint,
        "expirationTime": null,
        "keys": {"p256dh": p256dh, "auth": auth},
    })
    .to_string()
}

fn keys_error(p256dh: &str, auth: &str) -> SubscriptionError {
    Subscription::from_json(&subscription_json(ENDPOINT, p256dh, auth), false).unwrap_err()
}

#[test]
fn accepts_a_browser_subscription() {
    let json = r#"{"endpoint":"https://fcm.googleapis.com/fcm/send/abc","expirationTime":null,
        "keys":{"p256dh":"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        "auth":"BTBZMqHH6r4Tts7J_aSIgg"},"futureMember":1}"#;
    let sub = Subscription::from_json(json, false).unwrap();
    assert_eq!(sub.endpoint(), ENDPOINT);
    assert_eq!(sub.origin().as_str(), "https://fcm.googleapis.com");
    assert_eq!(sub.expiration_time(), None);
    assert_eq!(b64u::encode(sub.keys().p256dh()), UA_PUBLIC);
    assert_eq!(b64u::encode(sub.keys().auth()), AUTH);
    // What it stores reads back to the same subscription.
    assert_eq!(Subscription::from_json(&sub.to_json(), false).unwrap(), sub);

    let with_expiry = r#"{"endpoint":"https://push.example.net/x","expirationTime":1800000000000,
        "keys":{"p256dh":"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        "auth":"BTBZMqHH6r4Tts7J_aSIgg"}}"#;
    let sub = Subscription::from_json(with_expiry, false).unwrap();
    assert_eq!(sub.expiration_time(), Some(1_800_000_000_000));
}

#[test]
fn bad_p256dh() {
    let point = b64u::decode(UA_PUBLIC).unwrap();
    assert_eq!(
        keys_error(&b64u::encode(&point[..64]), AUTH),
        SubscriptionError::Keys(KeyError::P256dhLength { len: 64 })
    );
    let mut longer = point.clone();
    longer.push(0);
    assert_eq!(
        keys_error(&b64u::encode(&longer), AUTH),
        SubscriptionError::Keys(KeyError::P256dhLength { len: 66 })
    );
    // The compressed form of a valid point is still refused: RFC 8291 uses uncompressed.
    let mut compressed = point[..33].to_vec();
    compressed[0] = 0x02 | (point[64] & 1);
    assert_eq!(
        keys_error(&b64u::encode(&compressed), AUTH),
        SubscriptionError::Keys(KeyError::P256dhLength { len: 33 })
    );
    let mut wrong_tag = point.clone();
    wrong_tag[0] = 0x06;
    assert_eq!(
        keys_error(&b64u::encode(&wrong_tag), AUTH),
        SubscriptionError::Keys(KeyError::P256dhNotUncompressed)
    );
    let mut off_curve = point.clone();
    off_curve[64] ^= 1;
    assert_eq!(
        keys_error(&b64u::encode(&off_curve), AUTH),
        SubscriptionError::Keys(KeyError::P256dhNotOnCurve)
    );
    let mut zeros = vec![0u8; 65];
    zeros[0] = 4;
    assert_eq!(
        keys_error(&b64u::encode(&zeros), AUTH),
        SubscriptionError::Keys(KeyError::P256dhNotOnCurve)
    );
    let padded = format!("{UA_PUBLIC}=");
    assert_eq!(
        keys_error(&padded, AUTH),
        SubscriptionError::Keys(KeyError::P256dhEncoding)
    );
    let standard_alphabet = UA_PUBLIC.replace('-', "+").replace('_', "/");
    assert_eq!(
        keys_error(&standard_alphabet, AUTH),
        SubscriptionError::Keys(KeyError::P256dhEncoding)
    );
}

#[test]
fn bad_auth() {
    for len in [0usize, 15, 17, 32] {
        assert_eq!(
            keys_error(UA_PUBLIC, &b64u::encode(&vec![7u8; len])),
            SubscriptionError::Keys(KeyError::AuthLength { len }),
            "{len}"
        );
    }
    assert_eq!(
        keys_error(UA_PUBLIC, "BTBZMqHH6r4Tts7J/aSIgg"),
        SubscriptionError::Keys(KeyError::AuthEncoding)
    );
}

#[test]
fn malformed_subscription_json() {
    for json in [
        "",
        "[]",
        r#"{"endpoint":"https://push.example.net/x"}"#,
        r#"{"endpoint":"https://push.example.net/x","keys":{"p256dh":"x"}}"#,
        r#"{"endpoint":7,"keys":{"p256dh":"x","auth":"y"}}"#,
    ] {
        assert!(
            matches!(
                Subscription::from_json(json, false),
                Err(SubscriptionError::Json(_))
            ),
            "{json}"
        );
    }
    for expiry in ["-1", "1.5", "\"soon\"", "{}"] {
        let json = format!(
            r#"{{"endpoint":"{ENDPOINT}","expirationTime":{expiry},"keys":{{"p256dh":"{UA_PUBLIC}","auth":"{AUTH}"}}}}"#
        );
        let err = Subscription::from_json(&json, false).unwrap_err();
        assert!(
            matches!(
                err,
                SubscriptionError::ExpirationTime | SubscriptionError::Json(_)
            ),
            "{expiry}: {err}"
        );
    }
    let json = format!(
        r#"{{"endpoint":"{ENDPOINT}","expirationTime":-1,"keys":{{"p256dh":"{UA_PUBLIC}","auth":"{AUTH}"}}}}"#
    );
    assert_eq!(
        Subscription::from_json(&json, false),
        Err(SubscriptionError::ExpirationTime)
    );
}

#[test]
fn endpoint_scheme_and_loopback() {
    let json = |endpoint| subscription_json(endpoint, UA_PUBLIC, AUTH);
    assert_eq!(
        Subscription::from_json(&json("http://push.example.net/x"), false),
        Err(SubscriptionError::Endpoint(EndpointError::NotHttps))
    );
    assert_eq!(
        Subscription::from_json(&json("http://push.example.net/x"), true),
        Err(SubscriptionError::Endpoint(EndpointError::NotHttps))
    );
    for loopback in [
        "http://127.0.0.1:9000/push/1",
        "http://localhost:8787/push/1",
    ] {
        assert_eq!(
            Subscription::from_json(&json(loopback), false),
            Err(SubscriptionError::Endpoint(
                EndpointError::LoopbackNotAllowed
            )),
            "{loopback}"
        );
        let sub = Subscription::from_json(&json(loopback), true).unwrap();
        assert_eq!(sub.endpoint(), loopback);
    }
    assert_eq!(
        Subscription::from_json(&json("wss://push.example.net/x"), true),
        Err(SubscriptionError::Endpoint(
            EndpointError::UnsupportedScheme
        ))
    );
}

#[test]
fn plaintext_too_long() {
    let keys = PushKeys::from_b64u(UA_PUBLIC, AUTH).unwrap();
    assert_eq!(MAX_PLAINTEXT_LEN, 3993);
    let at_max = encrypt(&keys, &[0x41; 3993], &[1; 32], &[2; 16]).unwrap();
    assert_eq!(at_max.len(), 4096);
    assert_eq!(
        encrypt(&keys, &[0x41; 3994], &[1; 32], &[2; 16]),
        Err(EncryptError::PlaintextTooLong { len: 3994 })
    );
}

#[test]
fn bad_ephemeral_secret() {
    let keys = PushKeys::from_b64u(UA_PUBLIC, AUTH).unwrap();
    let n: [u8; 32] = hex::decode(ORDER_N).unwrap().try_into().unwrap();
    for secret in [[0u8; 32], n, [0xff; 32]] {
        assert_eq!(
            encrypt(&keys, b"x", &secret, &[2; 16]),
            Err(EncryptError::BadEphemeralSecret)
        );
    }
}

#[test]
fn bad_sender_key_for_agreement() {
    let keys = PushKeys::from_b64u(UA_PUBLIC, AUTH).unwrap();
    // RFC 8291 Appendix A's sender key: a valid uncompressed point.
    let good: [u8; 65] = b64u::decode_array(
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
    )
    .unwrap();
    assert!(encrypt_with_agreement(&keys, b"x", &good, &[7; 32], &[2; 16]).is_ok());
    for tag in [0x00, 0x02, 0x03, 0x05, 0x06, 0x07] {
        let mut bad = good;
        bad[0] = tag;
        assert_eq!(
            encrypt_with_agreement(&keys, b"x", &bad, &[7; 32], &[2; 16]),
            Err(EncryptError::SenderKeyNotUncompressed),
            "tag {tag:#04x}"
        );
    }
    let mut off_curve = good;
    off_curve[64] ^= 1;
    let mut zeros = [0u8; 65];
    zeros[0] = 0x04;
    let mut past_p = [0xffu8; 65];
    past_p[0] = 0x04;
    for bad in [off_curve, zeros, past_p] {
        assert_eq!(
            encrypt_with_agreement(&keys, b"x", &bad, &[7; 32], &[2; 16]),
            Err(EncryptError::SenderKeyNotOnCurve)
        );
    }
    assert_eq!(
        encrypt_with_agreement(&keys, &[0x41; 3994], &good, &[7; 32], &[2; 16]),
        Err(EncryptError::PlaintextTooLong { len: 3994 })
    );
    assert_eq!(
        encrypt_with_agreement(&keys, &[0x41; 3993], &good, &[7; 32], &[2; 16])
            .unwrap()
            .len(),
        4096
    );
}

#[test]
fn external_vapid_signatures() {
    let key = VapidKey::new(&[9; 32], "mailto:ops@assent.example").unwrap();
    let aud = Origin::of_endpoint(ENDPOINT, false).unwrap();
    let n: [u8; 32] = hex::decode(ORDER_N).unwrap().try_into().unwrap();
    let token = key.unsigned_jwt(&aud, NOW + 60, NOW).unwrap();
    let one = {
        let mut s = [0u8; 32];
        s[31] = 1;
        s
    };
    let sig = |r: [u8; 32], s: [u8; 32]| -> [u8; 64] { [r, s].concat().try_into().unwrap() };
    // r or s of 0 or ≥ n is not an ES256 signature (a zeroed buffer, DER bytes, garbage).
    for bad in [
        [0; 64],
        sig([0; 32], one),
        sig(one, [0; 32]),
        sig(n, one),
        sig(one, n),
        sig([0xff; 32], one),
    ] {
        assert_eq!(token.clone().into_jwt(&bad), Err(VapidError::BadSignature));
        assert_eq!(
            token.clone().into_authorization(&bad),
            Err(VapidError::BadSignature)
        );
    }
    let jwt = token.clone().into_jwt(&sig(one, one)).unwrap();
    assert_eq!(
        jwt,
        format!("{}.{}", token.signing_input(), b64u::encode(&sig(one, one)))
    );
    // The exp checks of the software path apply to unsigned tokens too.
    assert_eq!(
        key.unsigned_jwt(&aud, NOW, NOW),
        Err(VapidError::ExpNotInFuture { exp: NOW, now: NOW })
    );
    assert_eq!(
        key.unsigned_jwt(&aud, NOW + 24 * 3600 + 1, NOW),
        Err(VapidError::ExpTooFar {
            exp: NOW + 24 * 3600 + 1,
            max: NOW + 24 * 3600
        })
    );

    // The cache refuses a token made for another key, and a bad signature; neither is cached.
    let mut cache = VapidCache::new(key.clone());
    let other = VapidKey::new(&[8; 32], "mailto:ops@assent.example").unwrap();
    let foreign = VapidCache::new(other).unsigned(&aud, NOW).unwrap();
    assert_eq!(
        cache.insert_signed(foreign, &sig(one, one), NOW),
        Err(VapidError::OtherKey)
    );
    let mine = cache.unsigned(&aud, NOW).unwrap();
    assert_eq!(
        cache.insert_signed(mine, &[0; 64], NOW),
        Err(VapidError::BadSignature)
    );
    assert!(cache.is_empty());
    assert_eq!(cache.cached(&aud, NOW), None);
}

#[test]
fn vapid_exp_window() {
    let key = VapidKey::new(&[9; 32], "mailto:ops@assent.example").unwrap();
    let aud = Origin::of_endpoint(ENDPOINT, false).unwrap();
    assert_eq!(
        key.jwt(&aud, NOW + 24 * 3600 + 1, NOW),
        Err(VapidError::ExpTooFar {
            exp: NOW + 24 * 3600 + 1,
            max: NOW + 24 * 3600
        })
    );
    assert!(key.jwt(&aud, NOW + 24 * 3600, NOW).is_ok());
    assert!(key.jwt(&aud, NOW + 1, NOW).is_ok());
    assert_eq!(
        key.jwt(&aud, NOW, NOW),
        Err(VapidError::ExpNotInFuture { exp: NOW, now: NOW })
    );
    assert_eq!(
        key.authorization(&aud, NOW - 60, NOW),
        Err(VapidError::ExpNotInFuture {
            exp: NOW - 60,
            now: NOW
        })
    );
    // No overflow at the end of time.
    assert!(key.jwt(&aud, u64::MAX, u64::MAX - 10).is_ok());
}

#[test]
fn vapid_key_and_subject() {
    let subject = "mailto:ops@assent.example";
    let n: [u8; 32] = hex::decode(ORDER_N).unwrap().try_into().unwrap();
    assert_eq!(
        VapidKey::new(&[0; 32], subject).unwrap_err(),
        VapidError::PrivateKeyOutOfRange
    );
    assert_eq!(
        VapidKey::new(&n, subject).unwrap_err(),
        VapidError::PrivateKeyOutOfRange
    );
    assert_eq!(
        VapidKey::from_b64u(&b64u::encode(&[1; 31]), subject).unwrap_err(),
        VapidError::PrivateKeyEncoding
    );
    assert_eq!(
        VapidKey::from_b64u("AQ==", subject).unwrap_err(),
        VapidError::PrivateKeyEncoding
    );
    for bad in ["", "ops@assent.example", "http://assent.example", "mailto:"] {
        assert_eq!(
            VapidKey::new(&[1; 32], bad).unwrap_err(),
            VapidError::BadSubject,
            "{bad:?}"
        );
    }
    // A known key: scalar 1 has the generator as its public key (SEC 2 §2.4.2).
    let one = {
        let mut s = [0u8; 32];
        s[31] = 1;
        s
    };
    let key = VapidKey::new(&one, subject).unwrap();
    assert_eq!(
        hex::encode(key.public_key()),
        "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296\
         4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"
    );
    assert_eq!(key.public_key_b64u(), b64u::encode(key.public_key()));
}

#[test]
fn bad_topics() {
    assert_eq!(Topic::new(""), Err(TopicError::Empty));
    assert_eq!(
        Topic::new("abcdefghijklmnopqrstuvwxyz0123456"),
        Err(TopicError::TooLong { len: 33 })
    );
    for bad in [
        "has space",
        "plus+",
        "slash/",
        "pad==",
        "dot.",
        "\u{e9}t\u{e9}",
    ] {
        assert_eq!(Topic::new(bad), Err(TopicError::BadCharacter), "{bad:?}");
    }
    assert!(Topic::new("abcdefghijklmnopqrstuvwxyz012345").is_ok());
}
