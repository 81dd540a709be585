//! Every wire type against JSON written by hand from the SPEC (§5, §6, §7, §9): the exact
//! member names, omitted optionals, `null` where the SPEC says "or null", enum spellings, and
//! unknown members refused by every request body (§10).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use core::fmt::Debug;

use assent_proto::api::*;
use assent_proto::content::{Context, Decision, DenyReason, Field, Kind, RequestContent};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const ID_A: &str = "AAAAAAAAAAAAAAAAAAAAAA";
const ID_B: &str = "BBBBBBBBBBBBBBBBBBBBBB";
const ID_C: &str = "CCCCCCCCCCCCCCCCCCCCCC";

/// `literal` parses to `expected`, and `expected` serializes to exactly `literal`'s members.
fn wire<T: Serialize + DeserializeOwned + PartialEq + Debug>(literal: &str, expected: &T) {
    let parsed: T = serde_json::from_str(literal).unwrap_or_else(|e| panic!("{literal}: {e}"));
    assert_eq!(&parsed, expected, "parsing {literal}");
    let written = serde_json::to_value(expected).unwrap();
    let literal_value: Value = serde_json::from_str(literal).unwrap();
    assert_eq!(written, literal_value, "serializing {expected:?}");
}

/// Adds `"unexpected": 1` to the object at `pointer` inside `literal` and expects `T` to
/// refuse it, naming the member.
fn refuses_unknown<T: Serialize + DeserializeOwned + Debug>(literal: &str, pointer: &str) {
    let _ok: T = serde_json::from_str(literal).unwrap_or_else(|e| panic!("{literal}: {e}"));
    let mut value: Value = serde_json::from_str(literal).unwrap();
    value
        .pointer_mut(pointer)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert("unexpected".into(), json!(1));
    let err = serde_json::from_value::<T>(value).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `unexpected`"),
        "{literal} at {pointer}: {err}"
    );
    // Through the edge's parser it is a 400 invalid_request.
    let mut value: Value = serde_json::from_str(literal).unwrap();
    value
        .pointer_mut(pointer)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert("unexpected".into(), json!(1));
    let body = parse_body::<T>(value.to_string().as_bytes()).unwrap_err();
    assert_eq!(body.error.code, ErrorCode::InvalidRequest);
}

// ---- RP API (SPEC §5) ----

const CREATE_ACTIVATION_FULL: &str =
    r#"{"user_id": "alice", "user_name": "alice@example.com", "display_name": "Alice Martin"}"#;
const CREATE_REQUEST_SPEC: &str = r#"{ "user_id": "alice", "kind": "login",
  "title": "Sign in to Example Bank",
  "context": {"ip": "203.0.113.7", "location": "Brussels, BE", "browser": "Firefox on macOS"},
  "fields": [{"label": "Amount", "value": "EUR 1,250.00"}, {"label": "Payee", "value": "ACME NV"}],
  "ttl_seconds": 120, "number_matching": true }"#;

#[test]
fn create_activation() {
    wire(
        CREATE_ACTIVATION_FULL,
        &CreateActivation {
            user_id: "alice".into(),
            user_name: Some("alice@example.com".into()),
            display_name: Some("Alice Martin".into()),
        },
    );
    wire(
        r#"{"user_id": "alice"}"#,
        &CreateActivation {
            user_id: "alice".into(),
            user_name: None,
            display_name: None,
        },
    );
}

#[test]
fn create_request_spec_example() {
    // The SPEC §5 example verbatim (kind login with fields: a valid shape, refused by
    // validate; see api_validate.rs).
    wire(
        CREATE_REQUEST_SPEC,
        &CreateRequest {
            user_id: "alice".into(),
            kind: Kind::Login,
            title: Some("Sign in to Example Bank".into()),
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
            ttl_seconds: Some(120),
            number_matching: Some(true),
        },
    );
    wire(
        r#"{"user_id": "bob", "kind": "sign", "fields": [{"label": "Amount", "value": "1"}]}"#,
        &CreateRequest {
            user_id: "bob".into(),
            kind: Kind::Sign,
            title: None,
            context: None,
            fields: Some(vec![Field {
                label: "Amount".into(),
                value: "1".into(),
            }]),
            ttl_seconds: None,
            number_matching: None,
        },
    );
}

#[test]
fn activation_responses() {
    wire(
        r#"{"activation_id": "AAAAAAAAAAAAAAAAAAAAAA", "code": "c0de",
            "activation_url": "https://assent.example.com/#/activate/c0de",
            "qr_svg": "<svg/>", "expires_at": 1700000600}"#,
        &ActivationCreated {
            activation_id: ID_A.into(),
            code: "c0de".into(),
            activation_url: "https://assent.example.com/#/activate/c0de".into(),
            qr_svg: "<svg/>".into(),
            expires_at: 1_700_000_600,
        },
    );
    wire(
        r#"{"activation_id": "AAAAAAAAAAAAAAAAAAAAAA", "status": "pending"}"#,
        &ActivationStatus {
            activation_id: ID_A.into(),
            status: ActivationState::Pending,
            device_id: None,
        },
    );
    wire(
        r#"{"activation_id": "AAAAAAAAAAAAAAAAAAAAAA", "status": "completed",
            "device_id": "BBBBBBBBBBBBBBBBBBBBBB"}"#,
        &ActivationStatus {
            activation_id: ID_A.into(),
            status: ActivationState::Completed,
            device_id: Some(ID_B.into()),
        },
    );
}

#[test]
fn request_created_writes_null_binding_code() {
    let mut created = RequestCreated {
        request_id: ID_A.into(),
        status: Status::Pending,
        created_at: 1_700_000_000,
        expires_at: 1_700_000_120,
        binding_code: Some("07".into()),
        status_token: "tok".into(),
        request_hash: "hash".into(),
        devices: 2,
        devices_notified: 1,
    };
    wire(
        r#"{"request_id": "AAAAAAAAAAAAAAAAAAAAAA", "status": "pending",
            "created_at": 1700000000, "expires_at": 1700000120, "binding_code": "07",
            "status_token": "tok", "request_hash": "hash", "devices": 2, "devices_notified": 1}"#,
        &created,
    );
    created.binding_code = None;
    wire(
        r#"{"request_id": "AAAAAAAAAAAAAAAAAAAAAA", "status": "pending",
            "created_at": 1700000000, "expires_at": 1700000120, "binding_code": null,
            "status_token": "tok", "request_hash": "hash", "devices": 2, "devices_notified": 1}"#,
        &created,
    );
}

#[test]
fn request_status() {
    wire(
        r#"{"request_id": "AAAAAAAAAAAAAAAAAAAAAA", "kind": "login", "status": "pending",
            "created_at": 1700000000, "expires_at": 1700000120}"#,
        &RequestStatus {
            request_id: ID_A.into(),
            kind: Kind::Login,
            status: Status::Pending,
            created_at: 1_700_000_000,
            expires_at: 1_700_000_120,
            decided_at: None,
            device_id: None,
            reason: None,
            receipt: None,
        },
    );
    wire(
        r#"{"request_id": "AAAAAAAAAAAAAAAAAAAAAA", "kind": "sign", "status": "denied",
            "created_at": 1700000000, "expires_at": 1700000120, "decided_at": 1700000042,
            "device_id": "BBBBBBBBBBBBBBBBBBBBBB", "reason": "binding_mismatch",
            "receipt": "eyJ.eyJ.sig"}"#,
        &RequestStatus {
            request_id: ID_A.into(),
            kind: Kind::Sign,
            status: Status::Denied,
            created_at: 1_700_000_000,
            expires_at: 1_700_000_120,
            decided_at: Some(1_700_000_042),
            device_id: Some(ID_B.into()),
            reason: Some(Reason::BindingMismatch),
            receipt: Some("eyJ.eyJ.sig".into()),
        },
    );
    wire(r#"{"status": "cancelled"}"#, &Cancelled::new());
}

#[test]
fn device_list() {
    wire(
        r#"{"devices": [{"device_id": "BBBBBBBBBBBBBBBBBBBBBB", "created_at": 1700000000,
            "last_used_at": 1700000100, "push": true, "credential_id": "Y3JlZA",
            "public_key": {"kty": "EC", "crv": "P-256", "x": "eA", "y": "eQ"}}]}"#,
        &DeviceList {
            devices: vec![DeviceInfo {
                device_id: ID_B.into(),
                created_at: 1_700_000_000,
                last_used_at: 1_700_000_100,
                push: true,
                credential_id: "Y3JlZA".into(),
                public_key: json!({"kty": "EC", "crv": "P-256", "x": "eA", "y": "eQ"}),
            }],
        },
    );
    wire(r#"{"devices": []}"#, &DeviceList { devices: vec![] });
}

#[test]
fn responses_ignore_members_added_later() {
    let status: StatusView = serde_json::from_str(
        r#"{"status": "approved", "expires_at": 5, "binding_code": null, "later": true}"#,
    )
    .unwrap();
    assert_eq!(status.status, Status::Approved);
    let cancelled: Cancelled =
        serde_json::from_str(r#"{"status": "cancelled", "later": 1}"#).unwrap();
    assert_eq!(cancelled, Cancelled::default());
}

// ---- Device API (SPEC §7) ----

#[test]
fn device_request_bodies() {
    wire(
        r#"{"code": "c0de"}"#,
        &ActivateBegin {
            code: "c0de".into(),
        },
    );
    wire(
        r#"{"device_id": "BBBBBBBBBBBBBBBBBBBBBB", "code": "c0de",
            "credential": {"id": "Y3JlZA", "type": "public-key"},
            "channel_public_key": "BAAA", "push": "c2VhbGVk"}"#,
        &ActivateFinish {
            device_id: ID_B.into(),
            code: "c0de".into(),
            credential: json!({"id": "Y3JlZA", "type": "public-key"}),
            channel_public_key: "BAAA".into(),
            push: "c2VhbGVk".into(),
        },
    );
    wire(
        r#"{"sealed": "c2VhbGVk"}"#,
        &PushUpdate {
            sealed: "c2VhbGVk".into(),
        },
    );
    wire(
        r#"{"challenge_id": "CCCCCCCCCCCCCCCCCCCCCC", "assertion": {"id": "Y3JlZA"}}"#,
        &InboxOpen {
            challenge_id: ID_C.into(),
            assertion: json!({"id": "Y3JlZA"}),
        },
    );
    wire(
        r#"{"decision": "approve", "binding_code": "42", "assertion": {"id": "Y3JlZA"}}"#,
        &DecisionBody {
            decision: Decision::Approve,
            reason: None,
            binding_code: Some("42".into()),
            assertion: json!({"id": "Y3JlZA"}),
        },
    );
    wire(
        r#"{"decision": "deny", "reason": "fraud", "assertion": {}}"#,
        &DecisionBody {
            decision: Decision::Deny,
            reason: Some(DenyReason::Fraud),
            binding_code: None,
            assertion: json!({}),
        },
    );
    wire(
        r#"{"sealed": "c2VhbGVk"}"#,
        &Deactivate {
            sealed: "c2VhbGVk".into(),
        },
    );
}

#[test]
fn sealed_plaintexts() {
    let subscription = json!({"endpoint": "https://push.example/x", "expirationTime": null,
                              "keys": {"p256dh": "BAAA", "auth": "YXV0aA"}});
    wire(
        r#"{"subscription": {"endpoint": "https://push.example/x", "expirationTime": null,
                             "keys": {"p256dh": "BAAA", "auth": "YXV0aA"}}, "seq": 1}"#,
        &PushPlaintext {
            subscription: Some(subscription),
            seq: 1,
        },
    );
    // SPEC §7: "subscription: PushSubscriptionJSON | null" — written as null, not omitted.
    wire(
        r#"{"subscription": null, "seq": 2}"#,
        &PushPlaintext {
            subscription: None,
            seq: 2,
        },
    );
    wire(
        r#"{"ts": 1700000000}"#,
        &DeactivatePlaintext { ts: 1_700_000_000 },
    );
}

fn content() -> RequestContent {
    RequestContent {
        v: 1,
        rp_id: "demo".into(),
        rp_name: "Example Bank".into(),
        request_id: ID_A.into(),
        user_id: "alice".into(),
        kind: Kind::Login,
        title: None,
        context: None,
        fields: None,
        created_at: 1_700_000_000,
        expires_at: 1_700_000_120,
    }
}

const DEVICE_REQUEST: &str = r#"{"request": {"v": 1, "rp_id": "demo", "rp_name": "Example Bank",
    "request_id": "AAAAAAAAAAAAAAAAAAAAAA", "user_id": "alice", "kind": "login",
    "created_at": 1700000000, "expires_at": 1700000120},
  "request_hash": "hash", "number_matching": true, "status": "pending"}"#;

#[test]
fn device_responses() {
    wire(
        r#"{"device_id": "BBBBBBBBBBBBBBBBBBBBBB", "rp": {"id": "demo", "name": "Example Bank"},
            "user": {"name": "alice", "display_name": "Alice Martin"},
            "creation_options": {"challenge": "Y2g"}, "vapid_public_key": "BAAA",
            "channel_public_key": "BAAB"}"#,
        &ActivateBeginResponse {
            device_id: ID_B.into(),
            rp: RpInfo {
                id: "demo".into(),
                name: "Example Bank".into(),
            },
            user: UserInfo {
                name: "alice".into(),
                display_name: "Alice Martin".into(),
            },
            creation_options: json!({"challenge": "Y2g"}),
            vapid_public_key: "BAAA".into(),
            channel_public_key: "BAAB".into(),
        },
    );
    wire(
        r#"{"device_id": "BBBBBBBBBBBBBBBBBBBBBB", "account": {"rp_id": "demo-secure",
            "rp_name": "Example Bank", "user_name": "alice", "display_name": "Alice Martin",
            "mode": "secure"}}"#,
        &ActivateFinishResponse {
            device_id: ID_B.into(),
            account: Account {
                rp_id: "demo-secure".into(),
                rp_name: "Example Bank".into(),
                user_name: "alice".into(),
                display_name: "Alice Martin".into(),
                mode: Mode::Secure,
            },
        },
    );
    let device_request = DeviceRequest {
        request: content(),
        request_hash: "hash".into(),
        number_matching: true,
        status: Status::Pending,
    };
    wire(DEVICE_REQUEST, &device_request);
    wire(
        r#"{"challenge_id": "CCCCCCCCCCCCCCCCCCCCCC", "request_options": {"challenge": "Y2g"}}"#,
        &InboxChallenge {
            challenge_id: ID_C.into(),
            request_options: json!({"challenge": "Y2g"}),
        },
    );
    wire(
        r#"{"sealed": "c2VhbGVk"}"#,
        &InboxSealed {
            sealed: "c2VhbGVk".into(),
        },
    );
    wire(
        &format!(r#"{{"requests": [{DEVICE_REQUEST}]}}"#),
        &InboxPlaintext {
            requests: vec![device_request],
        },
    );
    wire(
        r#"{"status": "approved", "receipt": "eyJ.eyJ.sig"}"#,
        &DecisionResult {
            status: Status::Approved,
            receipt: Some("eyJ.eyJ.sig".into()),
        },
    );
    wire(
        r#"{"status": "denied", "receipt": null}"#,
        &DecisionResult {
            status: Status::Denied,
            receipt: None,
        },
    );
}

#[test]
fn webauthn_members_take_typed_values() {
    #[derive(Debug, PartialEq, serde::Deserialize, Serialize)]
    struct Credential {
        id: String,
    }
    let finish: ActivateFinish<Credential> = serde_json::from_str(
        r#"{"device_id": "BBBBBBBBBBBBBBBBBBBBBB", "code": "c", "credential": {"id": "x"},
            "channel_public_key": "k", "push": "p"}"#,
    )
    .unwrap();
    assert_eq!(finish.credential, Credential { id: "x".into() });
    // The outer body still refuses unknown members with a typed credential.
    assert!(
        serde_json::from_str::<ActivateFinish<Credential>>(
            r#"{"device_id": "B", "code": "c", "credential": {"id": "x"},
                "channel_public_key": "k", "push": "p", "extra": 0}"#,
        )
        .is_err()
    );
}

// ---- Widget (SPEC §9) ----

#[test]
fn status_view() {
    wire(
        r#"{"status": "pending", "expires_at": 1700000120, "binding_code": "07"}"#,
        &StatusView {
            status: Status::Pending,
            expires_at: 1_700_000_120,
            binding_code: Some("07".into()),
            decided_at: None,
            reason: None,
        },
    );
    wire(
        r#"{"status": "cancelled", "expires_at": 1700000120, "binding_code": null,
            "decided_at": 1700000010, "reason": "superseded"}"#,
        &StatusView {
            status: Status::Cancelled,
            expires_at: 1_700_000_120,
            binding_code: None,
            decided_at: Some(1_700_000_010),
            reason: Some(Reason::Superseded),
        },
    );
}

// ---- Push (SPEC §6) ----

#[test]
fn push_payload_has_the_declarative_web_push_shape() {
    let literal = r#"{"web_push": 8030,
     "notification": {"title": "Sign-in request", "body": "Example Bank",
                      "navigate": "https://assent.example.com/#/requests/BBBBBBBBBBBBBBBBBBBBBB/AAAAAAAAAAAAAAAAAAAAAA",
                      "tag": "AAAAAAAAAAAAAAAAAAAAAA"},
     "assent": {"v": 1, "device_id": "BBBBBBBBBBBBBBBBBBBBBB",
                "request_id": "AAAAAAAAAAAAAAAAAAAAAA", "kind": "login", "expires_at": 1700000120}}"#;
    let payload = PushPayload::new(
        "https://assent.example.com/",
        "Example Bank",
        ID_B,
        ID_A,
        Kind::Login,
        1_700_000_120,
    );
    wire(literal, &payload);
    let bytes = payload.to_bytes().unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&bytes).unwrap(),
        serde_json::from_str::<Value>(literal).unwrap()
    );

    let sign = PushPayload::new("http://localhost:8787", "Bank", ID_B, ID_A, Kind::Sign, 9);
    assert_eq!(sign.notification.title, "Signature request");
    assert_eq!(
        sign.notification.navigate,
        "http://localhost:8787/#/requests/BBBBBBBBBBBBBBBBBBBBBB/AAAAAAAAAAAAAAAAAAAAAA"
    );
    assert_eq!(sign.assent.kind, Kind::Sign);
}

#[test]
fn push_payload_size_limit() {
    // The fixed part with 22-character ids and a 27-character origin is under 400 bytes, so
    // an RP name of a few hundred characters fits and 3000 does not.
    let fits = PushPayload::new(
        "https://assent.example.com",
        &"n".repeat(1000),
        ID_B,
        ID_A,
        Kind::Sign,
        0,
    );
    assert!(fits.to_bytes().unwrap().len() <= PUSH_PLAINTEXT_MAX_BYTES);
    let huge = PushPayload::new(
        "https://assent.example.com",
        &"n".repeat(3000),
        ID_B,
        ID_A,
        Kind::Sign,
        0,
    );
    match huge.to_bytes() {
        Err(PushPayloadError::TooLarge { len }) => assert!(len > PUSH_PLAINTEXT_MAX_BYTES),
        other => panic!("{other:?}"),
    }
}

// ---- Enum spellings ----

#[test]
fn enum_spellings_are_the_specs() {
    fn spelled<T: Serialize>(value: T, word: &str) {
        assert_eq!(serde_json::to_value(value).unwrap(), json!(word));
    }
    // SPEC §5 status words, in the order written there.
    let statuses = [
        (Status::Pending, "pending"),
        (Status::Approved, "approved"),
        (Status::Denied, "denied"),
        (Status::Expired, "expired"),
        (Status::Cancelled, "cancelled"),
    ];
    for (status, word) in statuses {
        spelled(status, word);
        assert_eq!(status.as_str(), word);
        assert_eq!(
            serde_json::from_value::<Status>(json!(word)).unwrap(),
            status
        );
        assert_eq!(status.is_final(), word != "pending");
    }
    let reasons = [
        (Reason::Rejected, "rejected"),
        (Reason::Fraud, "fraud"),
        (Reason::BindingMismatch, "binding_mismatch"),
        (Reason::Rp, "rp"),
        (Reason::Superseded, "superseded"),
    ];
    for (reason, word) in reasons {
        spelled(reason, word);
        assert_eq!(reason.as_str(), word);
        assert_eq!(
            serde_json::from_value::<Reason>(json!(word)).unwrap(),
            reason
        );
    }
    for (mode, word) in [(Mode::Gateway, "gateway"), (Mode::Secure, "secure")] {
        spelled(mode, word);
        assert_eq!(mode.as_str(), word);
    }
    for (state, word) in [
        (ActivationState::Pending, "pending"),
        (ActivationState::Completed, "completed"),
        (ActivationState::Expired, "expired"),
    ] {
        spelled(state, word);
        assert_eq!(state.as_str(), word);
    }
    assert!(serde_json::from_value::<Status>(json!("Pending")).is_err());
    assert!(serde_json::from_value::<Reason>(json!("bindingMismatch")).is_err());
    // A device may only send the deny reasons, never the edge's own.
    assert!(
        serde_json::from_str::<DecisionBody>(
            r#"{"decision": "deny", "reason": "binding_mismatch", "assertion": {}}"#
        )
        .is_err()
    );
}

// ---- Unknown members (SPEC §10) ----

#[test]
fn every_request_body_refuses_unknown_members() {
    refuses_unknown::<CreateActivation>(CREATE_ACTIVATION_FULL, "");
    refuses_unknown::<CreateRequest>(CREATE_REQUEST_SPEC, "");
    refuses_unknown::<CreateRequest>(CREATE_REQUEST_SPEC, "/context");
    refuses_unknown::<CreateRequest>(CREATE_REQUEST_SPEC, "/fields/1");
    refuses_unknown::<ActivateBegin>(r#"{"code": "c"}"#, "");
    refuses_unknown::<ActivateFinish>(
        r#"{"device_id": "d", "code": "c", "credential": {}, "channel_public_key": "k", "push": "p"}"#,
        "",
    );
    refuses_unknown::<PushUpdate>(r#"{"sealed": "s"}"#, "");
    refuses_unknown::<InboxOpen>(r#"{"challenge_id": "c", "assertion": {}}"#, "");
    refuses_unknown::<DecisionBody>(r#"{"decision": "approve", "assertion": {}}"#, "");
    refuses_unknown::<Deactivate>(r#"{"sealed": "s"}"#, "");
    refuses_unknown::<PushPlaintext>(r#"{"subscription": null, "seq": 1}"#, "");
    refuses_unknown::<DeactivatePlaintext>(r#"{"ts": 1}"#, "");
}

#[test]
fn required_members_are_required() {
    for (literal, missing) in [
        (r#"{"kind": "login"}"#, "user_id"),
        (r#"{"user_id": "a"}"#, "kind"),
    ] {
        let err = serde_json::from_str::<CreateRequest>(literal).unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("missing field `{missing}`")),
            "{err}"
        );
    }
    assert!(serde_json::from_str::<DecisionBody>(r#"{"decision": "approve"}"#).is_err());
    assert!(serde_json::from_str::<PushPlaintext>(r#"{"subscription": null}"#).is_err());
    assert!(serde_json::from_str::<CreateActivation>(r#"{}"#).is_err());
}
