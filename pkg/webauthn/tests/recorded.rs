//! Real Chromium responses (tests/vectors/webauthn, recorded by tests/record/record-webauthn.mjs)
//! are accepted or refused as Assent's policy says, and the options builders produce what
//! Chromium was given.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_proto::b64u;
use assent_webauthn::json::{AttestationConveyance, Requirement};
use assent_webauthn::*;
use common::*;

/// The recorder extracted each public key through WebCrypto (SPKI import, raw export); this
/// crate reads the COSE key from the authenticator data. They must agree.
fn webcrypto_public_key(assertion_vector: &str) -> [u8; 65] {
    Recorded::load(assertion_vector).stored().public_key
}

#[test]
fn registration_none_is_accepted() {
    let rec = Recorded::load("registration-none");
    let response = rec.registration();
    let credential = verify_registration(&rec.reg_expectations(), &response).unwrap();
    assert_eq!(credential.fmt, AttestationFormat::None);
    assert_eq!(
        credential.credential_id,
        b64u::decode(&response.raw_id).unwrap()
    );
    assert_eq!(
        credential.public_key,
        webcrypto_public_key("assertion-uv-1")
    );
    assert_eq!(
        credential.verifying_key().to_sec1_point(false).as_bytes(),
        credential.public_key.as_slice()
    );
    // Chromium's virtual authenticator starts its per-credential counter at 1.
    assert_eq!(credential.sign_count, 1);
    assert!(!credential.backup_eligible && !credential.backup_state);
    assert_eq!(credential.aaguid, soft::CHROMIUM_VIRTUAL_AAGUID);
    assert_eq!(credential.transports, ["internal"]);
}

#[test]
fn registration_direct_packed_with_certificate_is_accepted() {
    // Chromium's virtual authenticator answers attestation "direct" with `packed` carrying an
    // x5c: its batch certificate, whose key (not the credential key) signed the statement.
    let rec = Recorded::load("registration-direct");
    let response = rec.registration();
    let credential = verify_registration(&rec.reg_expectations(), &response).unwrap();
    assert_eq!(credential.fmt, AttestationFormat::PackedCertificate);
    let leaf = cert::recorded_leaf(&response);
    assert_eq!(
        credential.attestation_certificate.as_deref(),
        Some(&leaf[..])
    );
    assert_eq!(
        credential.credential_id,
        b64u::decode(&response.raw_id).unwrap()
    );
    // The key WebCrypto extracted from the same ceremony, and its assertion's baseline.
    let after = Recorded::load("assertion-direct-1").stored();
    assert_eq!(credential.public_key, after.public_key);
    assert_eq!(credential.sign_count, 1);
    assert_eq!(after.sign_count, 1);
    assert_eq!(credential.aaguid, soft::CHROMIUM_VIRTUAL_AAGUID);
    assert!(!credential.backup_eligible && !credential.backup_state);
    // Basic attestation, not self attestation: the certificate holds another key.
    assert_ne!(cert::p256_spki_of(&leaf)[26..], credential.public_key);

    // The `none` registration carries no certificate.
    let none = Recorded::load("registration-none");
    let registered = verify_registration(&none.reg_expectations(), &none.registration()).unwrap();
    assert_eq!(registered.attestation_certificate, None);
}

#[test]
fn registration_without_user_verification_is_refused() {
    let rec = Recorded::load("registration-no-uv");
    assert_eq!(
        verify_registration(&rec.reg_expectations(), &rec.registration()),
        Err(RegistrationError::UserNotVerified)
    );
}

#[test]
fn each_recorded_assertion_with_uv_is_accepted() {
    for name in [
        "assertion-uv-1",
        "assertion-uv-2",
        "assertion-uv-3",
        "assertion-uv-extra-member",
        "assertion-direct-1",
    ] {
        let rec = Recorded::load(name);
        let stored = rec.stored();
        let verified = rec
            .verify_assertion_with(&stored, &rec.assertion())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(verified.new_sign_count, stored.sign_count + 1, "{name}");
        assert!(verified.user_verified && verified.user_present, "{name}");
        assert!(
            !verified.backup_state && !verified.backup_eligible,
            "{name}"
        );
        assert_eq!(
            verified.user_handle.as_deref().map(b64u::encode).as_deref(),
            rec.raw["response"]["response"]["userHandle"].as_str(),
            "{name}"
        );
    }
}

#[test]
fn recorded_assertions_chain_from_the_registration() {
    let reg = Recorded::load("registration-none");
    let registered = verify_registration(&reg.reg_expectations(), &reg.registration()).unwrap();
    let user_handle = b64u::decode(reg.raw["options"]["user"]["id"].as_str().unwrap()).unwrap();
    let mut stored = registered.to_stored(Some(user_handle));
    let mut counts = vec![stored.sign_count];
    for name in ["assertion-uv-1", "assertion-uv-2", "assertion-uv-3"] {
        let rec = Recorded::load(name);
        let verified = rec
            .verify_assertion_with(&stored, &rec.assertion())
            .unwrap();
        stored.sign_count = verified.new_sign_count;
        counts.push(verified.new_sign_count);
    }
    assert_eq!(counts, [1, 2, 3, 4]);

    // Replaying an older assertion after a newer one: the counter did not increase.
    let rec = Recorded::load("assertion-uv-2");
    assert_eq!(
        rec.verify_assertion_with(&stored, &rec.assertion()),
        Err(AssertionError::SignCountNotIncreasing {
            stored: 4,
            received: 3
        })
    );
}

#[test]
fn recorded_decision_challenge_is_a_statement_hash() {
    // assertion-uv-2's challenge is SHA-256 of a statement: 32 bytes, checked like any other.
    let rec = Recorded::load("assertion-uv-2");
    assert_eq!(rec.challenge.len(), 32);
    let mut other = rec.clone();
    other.challenge[31] ^= 1;
    assert_eq!(
        other.verify_assertion_with(&rec.stored(), &rec.assertion()),
        Err(AssertionError::Challenge)
    );
}

#[test]
fn recorded_assertion_without_uv_is_refused() {
    let rec = Recorded::load("assertion-no-uv");
    assert_eq!(
        rec.verify_assertion_with(&rec.stored(), &rec.assertion()),
        Err(AssertionError::UserNotVerified)
    );
    // The authenticator without UV registered with the UV flag clear, too.
    let reg = Recorded::load("registration-no-uv");
    assert_eq!(
        verify_registration(&reg.reg_expectations(), &reg.registration()),
        Err(RegistrationError::UserNotVerified)
    );
}

#[test]
fn signed_parts_of_a_recorded_assertion_verify_without_edge_state() {
    let rec = Recorded::load("assertion-uv-3");
    let response = rec.assertion();
    let stored = rec.stored();
    let expected = SignedAssertionExpectations {
        rp_id: &rec.rp_id,
        origin: &rec.origin,
        challenge: &rec.challenge,
        public_key: &stored.public_key,
    };
    let parts = |r: &AuthenticationResponseJSON| {
        (
            b64u::decode(&r.response.client_data_json).unwrap(),
            b64u::decode(&r.response.authenticator_data).unwrap(),
            b64u::decode(&r.response.signature).unwrap(),
        )
    };
    let (cd, ad, sig) = parts(&response);
    let verified = verify_signed_assertion(&expected, &cd, &ad, &sig).unwrap();
    assert_eq!(verified.new_sign_count, 4);

    // The same key does not accept another credential's assertion.
    let other = Recorded::load("assertion-direct-1");
    let (cd, ad, sig) = parts(&other.assertion());
    let expected = SignedAssertionExpectations {
        challenge: &other.challenge,
        ..expected
    };
    assert_eq!(
        verify_signed_assertion(&expected, &cd, &ad, &sig),
        Err(AssertionError::Signature)
    );
}

#[test]
fn responses_round_trip_through_the_json_types_without_loss() {
    for name in [
        "registration-none",
        "registration-direct",
        "registration-no-uv",
        "assertion-uv-1",
        "assertion-no-uv",
    ] {
        let raw = vector(name)["response"].clone();
        let again = if name.starts_with("registration") {
            serde_json::to_value(
                serde_json::from_value::<RegistrationResponseJSON>(raw.clone()).unwrap(),
            )
        } else {
            serde_json::to_value(
                serde_json::from_value::<AuthenticationResponseJSON>(raw.clone()).unwrap(),
            )
        }
        .unwrap();
        assert_eq!(again, raw, "{name}");
    }
}

#[test]
fn creation_options_builder_matches_what_chromium_was_given() {
    let rec = Recorded::load("registration-none");
    let given = &rec.raw["options"];
    let user_handle = b64u::decode(given["user"]["id"].as_str().unwrap()).unwrap();
    let built = creation_options(&CreationOptionsInput {
        rp_id: &rec.rp_id,
        rp_name: given["rp"]["name"].as_str().unwrap(),
        user_handle: &user_handle,
        user_name: given["user"]["name"].as_str().unwrap(),
        user_display_name: given["user"]["displayName"].as_str().unwrap(),
        challenge: &rec.challenge,
        timeout_ms: 60_000,
        exclude_credentials: &[],
        resident_key: Requirement::Preferred,
    });
    assert_eq!(&serde_json::to_value(&built).unwrap(), given);
    assert_eq!(built.attestation, Some(AttestationConveyance::None));

    // The other recorded creation options parse into the same type.
    let direct: PublicKeyCredentialCreationOptionsJSON =
        serde_json::from_value(vector("registration-direct")["options"].clone()).unwrap();
    assert_eq!(direct.attestation, Some(AttestationConveyance::Direct));
}

#[test]
fn request_options_builder_matches_what_chromium_was_given() {
    let rec = Recorded::load("assertion-uv-1");
    let stored = rec.stored();
    let built = request_options(&rec.rp_id, &rec.challenge, &[&stored.id], 60_000);
    assert_eq!(serde_json::to_value(&built).unwrap(), rec.raw["options"]);
}

#[test]
fn exclude_credentials_are_listed_as_descriptors() {
    let options = creation_options(&CreationOptionsInput {
        rp_id: "localhost",
        rp_name: "Assent",
        user_handle: b"u",
        user_name: "alice",
        user_display_name: "Alice",
        challenge: &[9; 32],
        timeout_ms: 1,
        exclude_credentials: &[vec![1, 2, 3]],
        resident_key: Requirement::Required,
    });
    let json = serde_json::to_value(&options).unwrap();
    assert_eq!(
        json["excludeCredentials"],
        serde_json::json!([{"type": "public-key", "id": "AQID"}])
    );
    assert_eq!(json["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(
        json["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert_eq!(
        json["pubKeyCredParams"],
        serde_json::json!([{"type": "public-key", "alg": -7}])
    );
}
