//! The edge's production push path as the bench drives it (`assent_bench::host`), with
//! `p256` standing in for the host's WebCrypto: every request decrypts for the user agent,
//! the VAPID header verifies with the VAPID public key, cached means signed once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_bench::fixtures::{ENDPOINT, PUSH_TOPIC, draw};
use assent_bench::{Bench, BenchError, Vapid};
use assent_proto::b64u;
use assent_webpush::{HEADER_LEN, PushRequest, decrypt};
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::{PublicKey, SecretKey};

fn header<'a>(request: &'a PushRequest, name: &str) -> &'a str {
    request
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

/// One push with the host's part done by `p256`; `sign` false withholds the signature.
fn push(bench: &mut Bench, vapid: Vapid, n: u64, sign: bool) -> Result<PushRequest, BenchError> {
    let started = bench.host_push_begin(vapid)?;
    let ephemeral = SecretKey::from_slice(&draw::<32>("test ephemeral", n)).unwrap();
    let as_public: [u8; 65] = ephemeral.public_key().to_uncompressed_point().into();
    let shared = ephemeral.diffie_hellman(&PublicKey::from_sec1_bytes(started.p256dh()).unwrap());
    let secret: [u8; 32] = shared.raw_secret_bytes().as_slice().try_into().unwrap();
    let signature: Option<[u8; 64]> = started.signing_input().filter(|_| sign).map(|input| {
        let key = SigningKey::from_slice(&bench.fixtures().vapid_private).unwrap();
        let signature: Signature = key.sign(input.as_bytes());
        signature.to_bytes().into()
    });
    bench.host_push_finish(started, &as_public, &secret, signature.as_ref())
}

fn verify_vapid(bench: &Bench, authorization: &str) {
    let (jwt, k) = authorization
        .strip_prefix("vapid t=")
        .unwrap()
        .split_once(", k=")
        .unwrap();
    assert_eq!(k, bench.fixtures().vapid.public_key_b64u());
    let (input, signature) = jwt.rsplit_once('.').unwrap();
    let key = VerifyingKey::from_sec1_bytes(&b64u::decode(k).unwrap()).unwrap();
    let signature = Signature::from_slice(&b64u::decode(signature).unwrap()).unwrap();
    key.verify(input.as_bytes(), &signature).unwrap();
}

#[test]
fn host_pushes_decrypt_and_carry_a_verifiable_vapid_header() {
    let mut bench = Bench::new().unwrap();
    let (ua_private, auth) = (bench.fixtures().ua_private, bench.fixtures().auth);
    let payload = bench.fixtures().push_payload.clone();
    let mut headers = Vec::new();
    for (n, vapid) in [Vapid::Fresh, Vapid::Cached, Vapid::Cached, Vapid::Fresh]
        .into_iter()
        .enumerate()
    {
        let request = push(&mut bench, vapid, n as u64 + 1, true).unwrap();
        assert_eq!(request.url, ENDPOINT);
        assert_eq!(
            decrypt(&ua_private, &auth, &request.body).unwrap(),
            payload.as_bytes()
        );
        assert_eq!(header(&request, "Topic"), PUSH_TOPIC);
        verify_vapid(&bench, header(&request, "Authorization"));
        headers.push(request.body[..HEADER_LEN].to_vec());
    }
    headers.sort();
    headers.dedup();
    assert_eq!(headers.len(), 4, "salt and sender key are new per message");
}

#[test]
fn cached_signs_once_and_fresh_every_time() {
    let mut bench = Bench::new().unwrap();
    // A cold cache needs a signature; afterwards cached pushes need none.
    assert!(
        bench
            .host_push_begin(Vapid::Cached)
            .unwrap()
            .signing_input()
            .is_some()
    );
    let first = push(&mut bench, Vapid::Cached, 1, true).unwrap();
    assert!(
        bench
            .host_push_begin(Vapid::Cached)
            .unwrap()
            .signing_input()
            .is_none()
    );
    let second = push(&mut bench, Vapid::Cached, 2, false).unwrap();
    assert_eq!(
        header(&first, "Authorization"),
        header(&second, "Authorization")
    );
    // Fresh always asks for a signature, and refuses to go on without one.
    assert!(
        bench
            .host_push_begin(Vapid::Fresh)
            .unwrap()
            .signing_input()
            .is_some()
    );
    assert_eq!(
        push(&mut bench, Vapid::Fresh, 3, false).unwrap_err(),
        BenchError::HostSignatureMissing
    );
}
