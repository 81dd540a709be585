//! The soft authenticator answers in Chromium's shape (compared with the recordings) and its
//! well-formed variations are accepted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_proto::b64u;
use assent_webauthn::json::AttestationConveyance;
use assent_webauthn::soft::{SoftAuthenticator, SoftError, Tweaks};
use assent_webauthn::*;
use ciborium::Value;
use common::*;
use serde_json::Value as Json;

/// Same members at every level, with values of the same JSON kind.
fn assert_same_shape(ours: &Json, theirs: &Json, path: &str) {
    match (ours, theirs) {
        (Json::Object(a), Json::Object(b)) => {
            let ka: Vec<_> = a.keys().collect();
            let kb: Vec<_> = b.keys().collect();
            assert_eq!(ka, kb, "members of {path}");
            for (k, v) in a {
                assert_same_shape(v, &b[k], &format!("{path}.{k}"));
            }
        }
        (Json::Array(a), Json::Array(b)) => {
            assert_eq!(a.len(), b.len(), "length of {path}");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_same_shape(x, y, &format!("{path}[{i}]"));
            }
        }
        (Json::String(_), Json::String(_))
        | (Json::Number(_), Json::Number(_))
        | (Json::Bool(_), Json::Bool(_))
        | (Json::Null, Json::Null) => {}
        _ => panic!("{path}: {ours} vs {theirs}"),
    }
}

fn cbor(bytes: &[u8]) -> Value {
    ciborium::de::from_reader(bytes).unwrap()
}

fn map_keys(value: &Value) -> Vec<String> {
    value
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| match k {
            Value::Text(t) => t.clone(),
            Value::Integer(i) => i128::from(*i).to_string(),
            other => panic!("{other:?}"),
        })
        .collect()
}

/// Chromium adds a member to about one clientDataJSON in five, at random: ask the soft
/// authenticator for it when the recording has it.
fn like_recording(client_data_json: &str) -> Tweaks {
    let text = String::from_utf8(b64u::decode(client_data_json).unwrap()).unwrap();
    Tweaks {
        other_keys_member: text.contains("\"other_keys_can_be_added_here\""),
        ..Tweaks::default()
    }
}

/// A soft authenticator with a credential id as long as Chromium's.
fn chromium_sized(recorded_id: &str, seed: u64) -> SoftAuthenticator {
    let len = b64u::decode(recorded_id).unwrap().len();
    let key: [u8; 32] = assent_testkit::test_bytes(seed, 32).try_into().unwrap();
    SoftAuthenticator::new(&key, &assent_testkit::test_bytes(seed + 1, len)).unwrap()
}

#[test]
fn registration_has_chromiums_shape() {
    let rec = Recorded::load("registration-none");
    let theirs = rec.registration();
    let options: PublicKeyCredentialCreationOptionsJSON =
        serde_json::from_value(rec.raw["options"].clone()).unwrap();
    let mut authenticator = chromium_sized(&theirs.raw_id, 5);
    let ours = authenticator
        .create_with(
            &options,
            &rec.origin,
            &like_recording(&theirs.response.client_data_json),
        )
        .unwrap();

    // Same JSON members, in the same order, of the same kinds.
    assert_same_shape(
        &serde_json::to_value(&ours).unwrap(),
        &rec.raw["response"],
        "response",
    );

    // clientDataJSON: byte for byte (same type, challenge and origin → same bytes).
    assert_eq!(
        ours.response.client_data_json,
        theirs.response.client_data_json
    );

    // Authenticator data: same length; same rpIdHash, flags, counter, AAGUID, id length and
    // COSE key framing; only the credential id and the key's coordinates differ.
    let a = b64u::decode(ours.response.authenticator_data.as_ref().unwrap()).unwrap();
    let b = b64u::decode(theirs.response.authenticator_data.as_ref().unwrap()).unwrap();
    assert_eq!(a.len(), b.len());
    let id_len = usize::from(u16::from_be_bytes([b[53], b[54]]));
    let cose = 55 + id_len;
    assert_eq!(
        a[..55],
        b[..55],
        "rpIdHash | flags | signCount | aaguid | idLen"
    );
    assert_eq!(b[32], 0x45, "Chromium sets UP | UV | AT");
    assert_eq!(
        a[cose..cose + 10],
        b[cose..cose + 10],
        "COSE map, kty, alg, crv, x header"
    );
    assert_eq!(a[cose + 42..cose + 45], b[cose + 42..cose + 45], "y header");
    assert_eq!(a.len(), cose + 77);

    // Attestation object: identical once the authenticator data is swapped in (same CBOR
    // framing, key order, fmt and attStmt).
    let ours_obj = b64u::decode(&ours.response.attestation_object).unwrap();
    let mut theirs_obj = b64u::decode(&theirs.response.attestation_object).unwrap();
    let at = theirs_obj
        .windows(b.len())
        .position(|w| w == b.as_slice())
        .unwrap();
    theirs_obj[at..at + b.len()].copy_from_slice(&a);
    assert_eq!(ours_obj, theirs_obj);

    // SubjectPublicKeyInfo framing.
    let spki = |r: &RegistrationResponseJSON| {
        b64u::decode(r.response.public_key.as_ref().unwrap()).unwrap()
    };
    assert_eq!(spki(&ours)[..27], spki(&theirs)[..27]);
}

#[test]
fn packed_registration_has_chromiums_statement_layout_without_x5c() {
    let rec = Recorded::load("registration-direct");
    let theirs = rec.registration();
    let options: PublicKeyCredentialCreationOptionsJSON =
        serde_json::from_value(rec.raw["options"].clone()).unwrap();
    let ours = chromium_sized(&theirs.raw_id, 6)
        .create(&options, &rec.origin)
        .unwrap();
    let obj =
        |r: &RegistrationResponseJSON| cbor(&b64u::decode(&r.response.attestation_object).unwrap());
    let (o, t) = (obj(&ours), obj(&theirs));
    assert_eq!(map_keys(&o), ["fmt", "attStmt", "authData"]);
    assert_eq!(map_keys(&o), map_keys(&t));
    let stmt = |v: &Value| v.as_map().unwrap()[1].1.clone();
    assert_eq!(map_keys(&stmt(&o)), ["alg", "sig"]);
    assert_eq!(map_keys(&stmt(&t)), ["alg", "sig", "x5c"]);
    assert_eq!(
        stmt(&o).as_map().unwrap()[0].1,
        stmt(&t).as_map().unwrap()[0].1,
        "alg -7"
    );
    // And ours is the self-attestation the verifier accepts.
    let credential = verify_registration(&rec.reg_expectations(), &ours).unwrap();
    assert_eq!(credential.fmt, AttestationFormat::PackedSelf);
}

#[test]
fn assertion_has_chromiums_shape() {
    let rec = Recorded::load("assertion-uv-1");
    let theirs = rec.assertion();
    let options: PublicKeyCredentialRequestOptionsJSON =
        serde_json::from_value(rec.raw["options"].clone()).unwrap();
    let stored = rec.stored();
    // Same credential id as the recording, so allowCredentials lets it answer; a registration
    // (count 1) before, as in the recording.
    let mut authenticator = SoftAuthenticator::new(&[9; 32], &stored.id)
        .unwrap()
        .with_user_handle(&b64u::decode(theirs.response.user_handle.as_ref().unwrap()).unwrap());
    authenticator.set_sign_count(stored.sign_count);
    let ours = authenticator
        .get_with(
            &options,
            &rec.origin,
            &like_recording(&theirs.response.client_data_json),
        )
        .unwrap();

    assert_same_shape(
        &serde_json::to_value(&ours).unwrap(),
        &rec.raw["response"],
        "response",
    );
    // Same inputs, same bytes: clientDataJSON and the whole authenticator data (rpIdHash,
    // flags UP|UV = 0x05, signCount 2), and the same user handle.
    assert_eq!(
        ours.response.client_data_json,
        theirs.response.client_data_json
    );
    assert_eq!(
        ours.response.authenticator_data,
        theirs.response.authenticator_data
    );
    assert_eq!(ours.response.user_handle, theirs.response.user_handle);
    assert_eq!(ours.id, theirs.id);
    // Both signatures are strict DER ECDSA.
    for r in [&ours, &theirs] {
        p256::ecdsa::DerSignature::from_bytes(&b64u::decode(&r.response.signature).unwrap())
            .unwrap();
    }
}

#[test]
fn chromiums_random_extra_member_is_reproduced_and_accepted() {
    let rec = Recorded::load("assertion-uv-extra-member");
    let theirs = rec.assertion();
    assert!(like_recording(&theirs.response.client_data_json).other_keys_member);
    let stored = rec.stored();
    rec.verify_assertion_with(&stored, &theirs).unwrap();
    let options: PublicKeyCredentialRequestOptionsJSON =
        serde_json::from_value(rec.raw["options"].clone()).unwrap();
    let mut authenticator = SoftAuthenticator::new(&[9; 32], &stored.id).unwrap();
    let tweaks = Tweaks {
        other_keys_member: true,
        ..Tweaks::default()
    };
    let ours = authenticator
        .get_with(&options, &rec.origin, &tweaks)
        .unwrap();
    assert_eq!(
        ours.response.client_data_json,
        theirs.response.client_data_json
    );
}

#[test]
fn client_data_json_is_in_chromiums_member_order() {
    let (mut authenticator, stored) = registered(3);
    let (response, result) = soft_assert(&mut authenticator, &stored, &Tweaks::default());
    result.unwrap();
    let text =
        String::from_utf8(b64u::decode(&response.response.client_data_json).unwrap()).unwrap();
    assert_eq!(
        text,
        format!(
            "{{\"type\":\"webauthn.get\",\"challenge\":\"{}\",\"origin\":\"{ORIGIN}\",\"crossOrigin\":false}}",
            b64u::encode(&challenge(2))
        )
    );
}

#[test]
fn counter_counts_like_chromiums() {
    let (mut authenticator, mut stored) = registered(4);
    assert_eq!(stored.sign_count, 1);
    for expected in 2..6 {
        let (_, result) = soft_assert(&mut authenticator, &stored, &Tweaks::default());
        let verified = result.unwrap();
        assert_eq!(verified.new_sign_count, expected);
        stored.sign_count = verified.new_sign_count;
    }
}

#[test]
fn high_s_signatures_are_accepted() {
    // Authenticators are not required to produce low-S; the verifier must not demand it.
    let n_half =
        hex::decode("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8").unwrap();
    let (mut authenticator, mut stored) = registered(5);
    for high in [false, true] {
        let tweaks = Tweaks {
            high_s: high,
            ..Tweaks::default()
        };
        let (response, result) = soft_assert(&mut authenticator, &stored, &tweaks);
        stored.sign_count = result.unwrap().new_sign_count;
        let der = b64u::decode(&response.response.signature).unwrap();
        let (_, s) = p256::ecdsa::Signature::from_der(&der)
            .unwrap()
            .split_bytes();
        if high {
            assert!(s.as_slice() > n_half.as_slice(), "s is high");
        }
    }
}

#[test]
fn well_formed_variations_are_accepted() {
    // A byte order mark before clientDataJSON is stripped by UTF-8 decode; members Chromium
    // sometimes adds are ignored; crossOrigin may be absent; extensions may be present.
    let body = format!(
        "{{\"type\":\"webauthn.get\",\"challenge\":\"{}\",\"origin\":\"{ORIGIN}\",\"other_keys_can_be_added_here\":\"do not compare clientDataJSON against a template. See https://goo.gl/yabPex\"}}",
        b64u::encode(&challenge(2))
    );
    let cred_protect = vec![
        0xa1, 0x6b, b'c', b'r', b'e', b'd', b'P', b'r', b'o', b't', b'e', b'c', b't', 0x02,
    ];
    let cases = [
        (
            "BOM",
            Tweaks {
                client_data_json: Some([&b"\xEF\xBB\xBF"[..], body.as_bytes()].concat()),
                ..Tweaks::default()
            },
        ),
        (
            "extra member, no crossOrigin",
            Tweaks {
                client_data_json: Some(body.clone().into_bytes()),
                ..Tweaks::default()
            },
        ),
        ("crossOrigin false explicit", Tweaks::default()),
        (
            "credProtect extension",
            Tweaks {
                extensions: Some(cred_protect.clone()),
                ..Tweaks::default()
            },
        ),
    ];
    let (mut authenticator, mut stored) = registered(6);
    for (name, tweaks) in cases {
        let (_, result) = soft_assert(&mut authenticator, &stored, &tweaks);
        stored.sign_count = result
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .new_sign_count;
    }

    // Registration with extensions, and a synced passkey (BE and BS set) whose BS may change.
    let mut authenticator = soft(8);
    let tweaks = Tweaks {
        extensions: Some(cred_protect),
        backup_eligible: true,
        backup_state: true,
        ..Tweaks::default()
    };
    let (_, result) = soft_register(&mut authenticator, AttestationConveyance::None, &tweaks);
    let credential = result.unwrap();
    assert!(credential.backup_eligible && credential.backup_state);
    let stored = credential.to_stored(None);
    let tweaks = Tweaks {
        backup_eligible: true,
        backup_state: false,
        ..Tweaks::default()
    };
    let (_, result) = soft_assert(&mut authenticator, &stored, &tweaks);
    let verified = result.unwrap();
    assert!(verified.backup_eligible && !verified.backup_state);
}

#[test]
fn packed_self_attestation_registers() {
    let mut authenticator = soft(9);
    let (_, result) = soft_register(
        &mut authenticator,
        AttestationConveyance::Direct,
        &Tweaks::default(),
    );
    let credential = result.unwrap();
    assert_eq!(credential.fmt, AttestationFormat::PackedSelf);
    assert_eq!(credential.public_key, authenticator.public_key());
    assert_eq!(credential.credential_id, authenticator.credential_id());
    assert_eq!(credential.aaguid, soft::CHROMIUM_VIRTUAL_AAGUID);
}

#[test]
fn soft_authenticator_refuses_like_a_browser() {
    let (mut authenticator, stored) = registered(10);
    let other = request_options(RP_ID, &challenge(2), &[b"another".as_slice()], 1000);
    assert_eq!(
        authenticator.get(&other, ORIGIN),
        Err(SoftError::CredentialNotAllowed)
    );
    let mut options = creation(&challenge(1), AttestationConveyance::None);
    options.exclude_credentials = vec![json::CredentialDescriptorJSON::new(&stored.id)];
    assert_eq!(
        authenticator.create(&options, ORIGIN),
        Err(SoftError::CredentialExcluded)
    );
    options.exclude_credentials.clear();
    options.pub_key_cred_params[0].alg = -8;
    assert_eq!(
        authenticator.create(&options, ORIGIN),
        Err(SoftError::NoSupportedAlgorithm)
    );
    assert_eq!(
        SoftAuthenticator::new(&[0; 32], b"id").map(|_| ()),
        Err(SoftError::InvalidPrivateKey)
    );
    assert_eq!(
        SoftAuthenticator::new(&[0xff; 32], b"id").map(|_| ()),
        Err(SoftError::InvalidPrivateKey)
    );
}
