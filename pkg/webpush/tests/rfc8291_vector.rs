//! RFC 8291 Appendix A, reproduced byte for byte and decrypted back.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_proto::b64u;
use assent_webpush::{
    DecryptError, PushKeys, PushOptions, Subscription, Urgency, build_request_with_agreement,
    decrypt, encrypt, encrypt_with_agreement,
};

// RFC 8291 Appendix A (line breaks removed).
const PLAINTEXT: &str = "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24";
const AS_PUBLIC: &str =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const UA_PUBLIC: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
// The vector's shared ECDH secret (RFC 8291 Appendix A, "ecdh_secret").
const ECDH_SECRET: &str = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs";
const AUTH_SECRET: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const HEADER: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const CIPHERTEXT: &str =
    "8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEsbI_0LpXMuGvnzQ";
const MESSAGE: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

fn d(text: &str) -> Vec<u8> {
    b64u::decode(text).unwrap()
}

#[test]
fn appendix_a_vector_is_self_consistent() {
    // The vector's header and ciphertext make up the message, and the header carries the
    // sender's public key: guards against a typo in the constants above.
    let mut joined = d(HEADER);
    joined.extend(d(CIPHERTEXT));
    assert_eq!(joined, d(MESSAGE));
    assert_eq!(&d(HEADER)[21..], d(AS_PUBLIC).as_slice());
}

#[test]
fn encrypts_appendix_a_byte_for_byte() {
    let keys = PushKeys::from_b64u(UA_PUBLIC, AUTH_SECRET).unwrap();
    let body = encrypt(
        &keys,
        &d(PLAINTEXT),
        &b64u::decode_array(AS_PRIVATE).unwrap(),
        &b64u::decode_array(SALT).unwrap(),
    )
    .unwrap();
    assert_eq!(b64u::encode(&body), MESSAGE);
}

#[test]
fn encrypts_appendix_a_from_its_ecdh_secret() {
    // The host-crypto entry point: no private key, only the sender's public key and the
    // shared secret the vector lists.
    let keys = PushKeys::from_b64u(UA_PUBLIC, AUTH_SECRET).unwrap();
    let body = encrypt_with_agreement(
        &keys,
        &d(PLAINTEXT),
        &b64u::decode_array(AS_PUBLIC).unwrap(),
        &b64u::decode_array(ECDH_SECRET).unwrap(),
        &b64u::decode_array(SALT).unwrap(),
    )
    .unwrap();
    assert_eq!(b64u::encode(&body), MESSAGE);

    // And as a whole request.
    let subscription = Subscription::new("https://push.example.net/x", None, keys, false).unwrap();
    let request = build_request_with_agreement(
        &subscription,
        &d(PLAINTEXT),
        &PushOptions {
            ttl: 60,
            urgency: Urgency::High,
            topic: None,
        },
        "vapid t=a.b.c, k=d",
        &b64u::decode_array(AS_PUBLIC).unwrap(),
        &b64u::decode_array(ECDH_SECRET).unwrap(),
        &b64u::decode_array(SALT).unwrap(),
    )
    .unwrap();
    assert_eq!(b64u::encode(&request.body), MESSAGE);
}

#[test]
fn decrypts_appendix_a() {
    let plaintext = decrypt(
        &b64u::decode_array(UA_PRIVATE).unwrap(),
        &b64u::decode_array(AUTH_SECRET).unwrap(),
        &d(MESSAGE),
    )
    .unwrap();
    assert_eq!(plaintext, b"When I grow up, I want to be a watermelon");
}

#[test]
fn altered_appendix_a_message_fails() {
    let ua = b64u::decode_array(UA_PRIVATE).unwrap();
    let auth: [u8; 16] = b64u::decode_array(AUTH_SECRET).unwrap();
    let message = d(MESSAGE);

    // Every byte of the record, and the salt, is authenticated.
    for i in (0..16).chain(86..message.len()) {
        let mut bad = message.clone();
        bad[i] ^= 0x01;
        assert_eq!(
            decrypt(&ua, &auth, &bad),
            Err(DecryptError::Authentication),
            "byte {i}"
        );
    }
    let mut wrong_auth = auth;
    wrong_auth[0] ^= 1;
    assert_eq!(
        decrypt(&ua, &wrong_auth, &message),
        Err(DecryptError::Authentication)
    );

    let mut bad = message.clone();
    bad[20] = 64;
    assert_eq!(
        decrypt(&ua, &auth, &bad),
        Err(DecryptError::KeyIdLength { len: 64 })
    );
    let mut bad = message.clone();
    bad[16..20].copy_from_slice(&17u32.to_be_bytes());
    assert_eq!(
        decrypt(&ua, &auth, &bad),
        Err(DecryptError::RecordSizeTooSmall)
    );
    let mut bad = message.clone();
    bad[16..20].copy_from_slice(&40u32.to_be_bytes());
    assert_eq!(
        decrypt(&ua, &auth, &bad),
        Err(DecryptError::MultipleRecords),
        "58-byte record with rs 40"
    );
    let mut bad = message.clone();
    bad[85] ^= 1; // last byte of the sender's y coordinate
    assert_eq!(decrypt(&ua, &auth, &bad), Err(DecryptError::BadSenderKey));
    assert_eq!(
        decrypt(&ua, &auth, &message[..86 + 16]),
        Err(DecryptError::TooShort)
    );
    assert_eq!(
        decrypt(&[0; 32], &auth, &message),
        Err(DecryptError::BadSecret)
    );
}
