//! The command's answers are what a relying party accepts from Chromium: registrations pass
//! `verify_registration`, assertions pass `verify_assertion`, the counter carried through
//! the JSON continues across runs, each tweak is refused by exactly the check it targets, and
//! bad input exits 1 with a message and nothing on stdout.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::io::Write;
use std::process::{Command, Stdio};

use assent_proto::b64u;
use assent_testkit::{read_json, test_bytes};
use assent_webauthn::soft::SoftAuthenticator;
use assent_webauthn::{
    AssertionError, AuthenticationResponseJSON, CreationOptionsInput, RegistrationError,
    RegistrationExpectations, RegistrationResponseJSON, StoredCredential, creation_options,
    json::Requirement, request_options, verify_assertion, verify_registration,
};
use serde_json::{Value, json};

const ORIGIN: &str = "http://localhost:8787";
const RP_ID: &str = "localhost";
const USER_HANDLE: &[u8] = b"user-handle-0001";

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn run(input: &Value) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_assent-softauth"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start assent-softauth");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        status: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ok(input: &Value) -> Value {
    let r = run(input);
    assert_eq!(r.status, 0, "stderr: {}", r.stderr);
    assert!(r.stderr.is_empty(), "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn fails(input: &Value) -> String {
    let r = run(input);
    assert_eq!(r.status, 1, "stdout: {}", r.stdout);
    assert!(r.stdout.is_empty(), "nothing on stdout: {}", r.stdout);
    assert!(r.stderr.starts_with("assent-softauth: "), "{}", r.stderr);
    r.stderr
}

/// One credential's state, as the Node side keeps it between runs.
struct Device {
    private_key: [u8; 32],
    credential_id: Vec<u8>,
    sign_count: u32,
}

impl Device {
    fn new(seed: u64) -> Self {
        Self {
            private_key: test_bytes(seed, 32).try_into().unwrap(),
            credential_id: test_bytes(seed + 1000, 32),
            sign_count: 0,
        }
    }

    fn request(&self, op: &str, options: Value, tweaks: Value) -> Value {
        let mut r = json!({
            "op": op,
            "private_key": b64u::encode(&self.private_key),
            "credential_id": b64u::encode(&self.credential_id),
            "sign_count": self.sign_count,
            "options": options,
            "origin": ORIGIN,
            "tweaks": tweaks,
        });
        if op == "get" {
            r["user_handle"] = json!(b64u::encode(USER_HANDLE));
        }
        r
    }

    fn create(&mut self, challenge: &[u8], tweaks: Value) -> (RegistrationResponseJSON, Value) {
        let out = ok(&self.request("create", creation(challenge), tweaks));
        self.sign_count = u32::try_from(out["sign_count"].as_u64().unwrap()).unwrap();
        (
            serde_json::from_value(out["response"].clone()).unwrap(),
            out,
        )
    }

    fn get(&mut self, challenge: &[u8], tweaks: Value) -> AuthenticationResponseJSON {
        let out = ok(&self.request("get", self.request_options(challenge), tweaks));
        self.sign_count = u32::try_from(out["sign_count"].as_u64().unwrap()).unwrap();
        serde_json::from_value(out["response"].clone()).unwrap()
    }

    fn request_options(&self, challenge: &[u8]) -> Value {
        serde_json::to_value(request_options(
            RP_ID,
            challenge,
            &[&self.credential_id],
            60_000,
        ))
        .unwrap()
    }
}

fn creation(challenge: &[u8]) -> Value {
    serde_json::to_value(creation_options(&CreationOptionsInput {
        rp_id: RP_ID,
        rp_name: "Example Bank",
        user_handle: USER_HANDLE,
        user_name: "alice",
        user_display_name: "Alice",
        challenge,
        timeout_ms: 60_000,
        exclude_credentials: &[],
        resident_key: Requirement::Preferred,
    }))
    .unwrap()
}

fn register(device: &mut Device) -> StoredCredential {
    let challenge = test_bytes(7, 32);
    let (response, _) = device.create(&challenge, json!({}));
    let expected = RegistrationExpectations {
        rp_id: RP_ID,
        origin: ORIGIN,
        challenge: &challenge,
    };
    verify_registration(&expected, &response)
        .unwrap()
        .to_stored(Some(USER_HANDLE.to_vec()))
}

fn check_assertion(
    credential: &StoredCredential,
    challenge: &[u8],
    response: &AuthenticationResponseJSON,
) -> Result<u32, AssertionError> {
    let expected = assent_webauthn::AssertionExpectations {
        rp_id: RP_ID,
        origin: ORIGIN,
        challenge,
        credential,
    };
    verify_assertion(&expected, response).map(|v| v.new_sign_count)
}

#[test]
fn registration_then_assertions_verify_and_the_counter_carries_over() {
    let mut device = Device::new(1);
    let challenge = test_bytes(2, 32);
    let (response, out) = device.create(&challenge, json!({}));
    let expected = RegistrationExpectations {
        rp_id: RP_ID,
        origin: ORIGIN,
        challenge: &challenge,
    };
    let registered = verify_registration(&expected, &response).unwrap();
    assert_eq!(registered.credential_id, device.credential_id);
    assert_eq!(
        registered.sign_count, 1,
        "Chromium's first ceremony carries 1"
    );
    assert_eq!(out["sign_count"], 1);
    assert_eq!(
        b64u::decode(out["public_key"].as_str().unwrap()).unwrap(),
        registered.public_key,
        "public_key is the registered credential's key"
    );

    let mut credential = registered.to_stored(Some(USER_HANDLE.to_vec()));
    for (round, expected_count) in [(0u64, 2u32), (1, 3), (2, 4)] {
        let challenge = test_bytes(100 + round, 32);
        let response = device.get(&challenge, json!({}));
        assert_eq!(
            response.response.user_handle.as_deref(),
            Some(b64u::encode(USER_HANDLE).as_str())
        );
        let count = check_assertion(&credential, &challenge, &response).unwrap();
        assert_eq!(count, expected_count);
        assert_eq!(device.sign_count, expected_count);
        credential.sign_count = count;
    }
}

#[test]
fn answers_are_the_library_authenticators_member_for_member() {
    // The library is the part checked against the Chromium vectors; the command must add,
    // drop or rename nothing (signatures are RFC 6979, so equal inputs give equal bytes).
    let mut device = Device::new(3);
    let mut library = SoftAuthenticator::new(&device.private_key, &device.credential_id)
        .unwrap()
        .with_user_handle(USER_HANDLE);
    let challenge = test_bytes(4, 32);
    let (_, out) = device.create(&challenge, json!({}));
    let options = serde_json::from_value(creation(&challenge)).unwrap();
    let expected = library.create(&options, ORIGIN).unwrap();
    assert_eq!(out["response"], serde_json::to_value(&expected).unwrap());

    let challenge = test_bytes(5, 32);
    let response = device.get(&challenge, json!({}));
    let options = serde_json::from_value(device.request_options(&challenge)).unwrap();
    assert_eq!(response, library.get(&options, ORIGIN).unwrap());
}

#[test]
fn the_shape_is_chromiums_for_the_recorded_options() {
    let vector = read_json("tests/vectors/webauthn/registration-none.json");
    let device = Device::new(6);
    let mut request = device.request("create", vector["options"].clone(), json!({}));
    request["origin"] = vector["origin"].clone();
    let out = ok(&request);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&out["response"]), keys(&vector["response"]));
    assert_eq!(
        keys(&out["response"]["response"]),
        keys(&vector["response"]["response"])
    );
    let client_data = |v: &Value| {
        let raw = b64u::decode(v["response"]["clientDataJSON"].as_str().unwrap()).unwrap();
        String::from_utf8(raw).unwrap()
    };
    let ours = client_data(&out["response"]);
    assert!(
        client_data(&vector["response"]).starts_with(ours.trim_end_matches('}')),
        "{ours} is a prefix of Chromium's"
    );
}

#[test]
fn each_tweak_is_refused_by_the_check_it_targets() {
    let mut device = Device::new(8);
    let credential = register(&mut device);
    let cases: [(Value, AssertionError); 7] = [
        (
            json!({"omit_user_verification": true}),
            AssertionError::UserNotVerified,
        ),
        (
            json!({"omit_user_presence": true}),
            AssertionError::UserNotPresent,
        ),
        (json!({"rp_id": "evil.example"}), AssertionError::RpIdHash),
        (json!({"cross_origin": true}), AssertionError::CrossOrigin),
        (
            json!({"client_data_type": "webauthn.create"}),
            AssertionError::ClientDataType,
        ),
        (
            json!({"top_origin": "https://evil.example"}),
            AssertionError::TopOrigin,
        ),
        (json!({"sign_count": 0}), AssertionError::SignCountZero),
    ];
    for (round, (tweaks, error)) in (0u64..).zip(cases) {
        let challenge = test_bytes(200 + round, 32);
        let response = device.get(&challenge, tweaks.clone());
        assert_eq!(
            check_assertion(&credential, &challenge, &response),
            Err(error),
            "{tweaks}"
        );
    }

    // A replayed counter: the stored one (1, from the registration) again.
    let challenge = test_bytes(300, 32);
    let response = device.get(&challenge, json!({"sign_count": 1}));
    assert_eq!(
        device.sign_count, 1,
        "the command reports the counter it used"
    );
    assert_eq!(
        check_assertion(&credential, &challenge, &response),
        Err(AssertionError::SignCountNotIncreasing {
            stored: 1,
            received: 1
        })
    );

    // Chromium's random extra client data member is a positive variation.
    let challenge = test_bytes(301, 32);
    let response = device.get(&challenge, json!({"other_keys_member": true}));
    assert_eq!(check_assertion(&credential, &challenge, &response), Ok(2));
}

#[test]
fn registration_tweaks_are_refused_by_the_check_they_target() {
    let cases: [(Value, RegistrationError); 4] = [
        (
            json!({"omit_user_verification": true}),
            RegistrationError::UserNotVerified,
        ),
        (
            json!({"omit_user_presence": true}),
            RegistrationError::UserNotPresent,
        ),
        (
            json!({"rp_id": "evil.example"}),
            RegistrationError::RpIdHash,
        ),
        (
            json!({"backup_state": true}),
            RegistrationError::BackupStateWithoutEligibility,
        ),
    ];
    for (seed, (tweaks, error)) in (400u64..).zip(cases) {
        let mut device = Device::new(seed);
        let challenge = test_bytes(seed, 32);
        let (response, _) = device.create(&challenge, tweaks.clone());
        let expected = RegistrationExpectations {
            rp_id: RP_ID,
            origin: ORIGIN,
            challenge: &challenge,
        };
        assert_eq!(
            verify_registration(&expected, &response).map(|_| ()),
            Err(error),
            "{tweaks}"
        );
    }
}

#[test]
fn bad_input_exits_1_with_a_message() {
    let device = Device::new(9);
    let good = device.request("create", creation(&[1; 32]), json!({}));

    let mut zero_key = good.clone();
    zero_key["private_key"] = json!(b64u::encode(&[0; 32]));
    assert!(fails(&zero_key).contains("invalid P-256 private key"));

    // The group order n itself is not a valid scalar either.
    let mut order = good.clone();
    order["private_key"] = json!("_____wAAAAD__________7zm-q2nF56E87nKwvxjJVE");
    assert!(fails(&order).contains("invalid P-256 private key"));

    let mut short_key = good.clone();
    short_key["private_key"] = json!(b64u::encode(&[7; 31]));
    assert!(fails(&short_key).contains("private_key"));

    let mut bad_id = good.clone();
    bad_id["credential_id"] = json!("not base64url!");
    assert!(fails(&bad_id).contains("credential_id"));

    let mut unknown_op = good.clone();
    unknown_op["op"] = json!("sign");
    assert!(fails(&unknown_op).contains("invalid request JSON"));

    let mut unknown_tweak = good.clone();
    unknown_tweak["tweaks"] = json!({"omit_uv": true});
    assert!(fails(&unknown_tweak).contains("omit_uv"));

    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("sign_count");
    assert!(fails(&missing).contains("sign_count"));

    // allowCredentials naming another credential: NotAllowedError in a browser.
    let other = Device::new(10);
    let get = device.request("get", other.request_options(&[2; 32]), json!({}));
    assert!(fails(&get).contains("credential is not allowed"));

    let mut bad_handle = device.request("get", device.request_options(&[2; 32]), json!({}));
    bad_handle["user_handle"] = json!("a+b");
    assert!(fails(&bad_handle).contains("user_handle"));
}
