//! Shared test helpers: recorded Chromium vectors and a soft-authenticator fixture.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use assent_proto::b64u;
use assent_webauthn::json::{AttestationConveyance, Requirement};
use assent_webauthn::soft::{SoftAuthenticator, Tweaks};
use assent_webauthn::*;
use ciborium::Value;
use serde_json::Value as Json;

pub mod cert;

/// Where the Chromium recordings live (see tests/record/README.md).
pub const VECTORS: &str = "tests/vectors/webauthn";

/// The edge a soft-authenticator test talks to.
pub const RP_ID: &str = "assent.example.com";
pub const ORIGIN: &str = "https://assent.example.com";

pub fn vector(name: &str) -> Json {
    assent_testkit::read_json(&format!("{VECTORS}/{name}.json"))
}

/// A recorded ceremony's expectations, owned.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub rp_id: String,
    pub origin: String,
    pub challenge: Vec<u8>,
    pub raw: Json,
}

impl Recorded {
    pub fn load(name: &str) -> Self {
        let raw = vector(name);
        Self {
            rp_id: raw["rp_id"].as_str().unwrap().to_owned(),
            origin: raw["origin"].as_str().unwrap().to_owned(),
            challenge: b64u::decode(raw["challenge"].as_str().unwrap()).unwrap(),
            raw,
        }
    }

    pub fn registration(&self) -> RegistrationResponseJSON {
        serde_json::from_value(self.raw["response"].clone()).unwrap()
    }

    pub fn assertion(&self) -> AuthenticationResponseJSON {
        serde_json::from_value(self.raw["response"].clone()).unwrap()
    }

    pub fn reg_expectations(&self) -> RegistrationExpectations<'_> {
        RegistrationExpectations {
            rp_id: &self.rp_id,
            origin: &self.origin,
            challenge: &self.challenge,
        }
    }

    /// The stored credential the recorder wrote next to an assertion.
    pub fn stored(&self) -> StoredCredential {
        let c = &self.raw["credential"];
        StoredCredential {
            id: b64u::decode(c["id"].as_str().unwrap()).unwrap(),
            public_key: b64u::decode_array(c["public_key"].as_str().unwrap()).unwrap(),
            sign_count: u32::try_from(c["sign_count"].as_u64().unwrap()).unwrap(),
            backup_eligible: c["backup_eligible"].as_bool().unwrap(),
            user_handle: None,
        }
    }

    pub fn verify_assertion_with(
        &self,
        stored: &StoredCredential,
        response: &AuthenticationResponseJSON,
    ) -> Result<VerifiedAssertion, AssertionError> {
        verify_assertion(
            &AssertionExpectations {
                rp_id: &self.rp_id,
                origin: &self.origin,
                challenge: &self.challenge,
                credential: stored,
            },
            response,
        )
    }
}

/// Decodes a b64u member, edits the bytes, re-encodes it.
pub fn edit_b64(text: &mut String, edit: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = b64u::decode(text).unwrap();
    edit(&mut bytes);
    *text = b64u::encode(&bytes);
}

/// Replaces `from` by `to` inside a b64u-encoded JSON text.
pub fn replace_in_b64(text: &mut String, from: &str, to: &str) {
    edit_b64(text, |bytes| {
        let s = String::from_utf8(bytes.clone()).unwrap();
        assert!(s.contains(from), "{from} not in {s}");
        *bytes = s.replacen(from, to, 1).into_bytes();
    });
}

/// Decodes the attestation object, lets `edit` change its entries, re-encodes it.
pub fn edit_attestation_object(
    response: &mut RegistrationResponseJSON,
    edit: impl FnOnce(&mut Vec<(Value, Value)>),
) {
    edit_b64(&mut response.response.attestation_object, |bytes| {
        let value: Value = ciborium::de::from_reader(bytes.as_slice()).unwrap();
        let Value::Map(mut entries) = value else {
            panic!("attestation object is not a map")
        };
        edit(&mut entries);
        bytes.clear();
        ciborium::ser::into_writer(&Value::Map(entries), &mut *bytes).unwrap();
    });
}

/// The entry `key` of a CBOR map with text keys.
pub fn entry<'a>(entries: &'a mut [(Value, Value)], key: &str) -> &'a mut Value {
    &mut entries
        .iter_mut()
        .find(|(k, _)| k.as_text() == Some(key))
        .unwrap_or_else(|| panic!("no {key}"))
        .1
}

/// A soft authenticator with a deterministic key and a 32-byte credential id (Chromium's
/// length).
pub fn soft(seed: u64) -> SoftAuthenticator {
    let key: [u8; 32] = assent_testkit::test_bytes(seed, 32).try_into().unwrap();
    SoftAuthenticator::new(&key, &assent_testkit::test_bytes(seed + 1000, 32)).unwrap()
}

pub fn challenge(seed: u64) -> Vec<u8> {
    assent_testkit::test_bytes(seed + 2000, 32)
}

pub const USER_HANDLE: &[u8] = b"user-handle-0001";

pub fn creation(
    challenge: &[u8],
    attestation: AttestationConveyance,
) -> PublicKeyCredentialCreationOptionsJSON {
    let mut options = creation_options(&CreationOptionsInput {
        rp_id: RP_ID,
        rp_name: "Example Bank",
        user_handle: USER_HANDLE,
        user_name: "alice",
        user_display_name: "Alice",
        challenge,
        timeout_ms: 120_000,
        exclude_credentials: &[],
        resident_key: Requirement::Preferred,
    });
    options.attestation = Some(attestation);
    options
}

/// Registers on the soft authenticator with `tweaks` and verifies against the default edge.
pub fn soft_register(
    authenticator: &mut SoftAuthenticator,
    attestation: AttestationConveyance,
    tweaks: &Tweaks,
) -> (
    RegistrationResponseJSON,
    Result<RegisteredCredential, RegistrationError>,
) {
    let challenge = challenge(1);
    let response = authenticator
        .create_with(&creation(&challenge, attestation), ORIGIN, tweaks)
        .unwrap();
    let result = verify_soft_registration(&response);
    (response, result)
}

pub fn verify_soft_registration(
    response: &RegistrationResponseJSON,
) -> Result<RegisteredCredential, RegistrationError> {
    verify_registration(
        &RegistrationExpectations {
            rp_id: RP_ID,
            origin: ORIGIN,
            challenge: &challenge(1),
        },
        response,
    )
}

/// A registered soft authenticator and its stored credential (counter 1 after registration).
pub fn registered(seed: u64) -> (SoftAuthenticator, StoredCredential) {
    let mut authenticator = soft(seed);
    let (_, result) = soft_register(
        &mut authenticator,
        AttestationConveyance::None,
        &Tweaks::default(),
    );
    let stored = result.unwrap().to_stored(Some(USER_HANDLE.to_vec()));
    (authenticator, stored)
}

/// One assertion by the soft authenticator with `tweaks`, verified against `stored`.
pub fn soft_assert(
    authenticator: &mut SoftAuthenticator,
    stored: &StoredCredential,
    tweaks: &Tweaks,
) -> (
    AuthenticationResponseJSON,
    Result<VerifiedAssertion, AssertionError>,
) {
    let challenge = challenge(2);
    let options = request_options(RP_ID, &challenge, &[&stored.id], 120_000);
    let response = authenticator.get_with(&options, ORIGIN, tweaks).unwrap();
    let result = verify_soft_assertion(stored, &response);
    (response, result)
}

pub fn verify_soft_assertion(
    stored: &StoredCredential,
    response: &AuthenticationResponseJSON,
) -> Result<VerifiedAssertion, AssertionError> {
    verify_assertion(
        &AssertionExpectations {
            rp_id: RP_ID,
            origin: ORIGIN,
            challenge: &challenge(2),
            credential: stored,
        },
        response,
    )
}
