//! Webhook deliveries signed by an independent implementation (Node's crypto HMAC,
//! tests/interop/rp-webhook.mjs), verified and typed by the kit; forged, tampered, replayed
//! and malformed ones refused, each with its own error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use assent_proto::api::{Reason, Status};
use assent_rp::{
    DEFAULT_TOLERANCE_SECONDS, EventData, EventType, SignatureError, WebhookError, verify_webhook,
};
use serde_json::{Value, json};

const SECRET: &str = "whsec_Vx3kq9P2mLr7YtB8nZc4Hd6Jf1Gs5Wa0";
const T: u64 = 1_767_225_660;
const EVENT_ID: &str = "ZXZlbnQtaWQtMTIzNDU2Nw";
const REQUEST_ID: &str = "AAECAwQFBgcICQoLDA0ODw";
const DEVICE_ID: &str = "EBESExQVFhcYGRobHB0eHw";

/// Node signs each `(secret, t, body)`; returns the headers.
fn node_sign(cases: &[(&str, u64, &str, &[&str])]) -> Vec<String> {
    let input = json!({"cases": cases.iter().map(|(secret, t, body, extra)| json!({
        "secret": secret, "t": t, "body": body, "extra_secrets": extra,
    })).collect::<Vec<_>>()});
    let out = assent_testkit::run_node("rp-webhook.mjs", &input);
    out["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect()
}

fn device_jwk() -> Value {
    assent_receipt::ReceiptKey::from_bytes(&[3; 32])
        .unwrap()
        .public_jwk()
        .to_value()
}

fn request_data(status: &str, extra: Value) -> Value {
    let mut data = json!({
        "request_id": REQUEST_ID, "kind": "sign", "status": status,
        "created_at": 1_767_225_600, "expires_at": 1_767_225_720,
    });
    for (k, v) in extra.as_object().unwrap() {
        data[k] = v.clone();
    }
    data
}

/// One body per SPEC §9 type, as the edge writes them (docs/openapi.json `webhooks`).
fn bodies() -> Vec<(EventType, String)> {
    let envelope = |t: EventType, data: Value| {
        (
            t,
            json!({"id": EVENT_ID, "type": t.as_str(), "created_at": 1_767_225_650, "data": data})
                .to_string(),
        )
    };
    let device = json!({"user_id": "alice", "device_id": DEVICE_ID});
    vec![
        envelope(
            EventType::ActivationCompleted,
            json!({"activation_id": REQUEST_ID, "user_id": "alice", "device_id": DEVICE_ID,
                   "credential_id": "Y3JlZGVudGlhbA", "public_key": device_jwk(), "push": false}),
        ),
        envelope(
            EventType::RequestApproved,
            request_data(
                "approved",
                json!({"decided_at": 1_767_225_650, "device_id": DEVICE_ID, "receipt": "a.b.c"}),
            ),
        ),
        envelope(
            EventType::RequestDenied,
            request_data(
                "denied",
                json!({"decided_at": 1_767_225_650, "device_id": DEVICE_ID, "reason": "fraud", "receipt": "a.b.c"}),
            ),
        ),
        envelope(
            EventType::RequestExpired,
            request_data("expired", json!({})),
        ),
        envelope(
            EventType::RequestCancelled,
            request_data("cancelled", json!({"reason": "superseded"})),
        ),
        envelope(EventType::DeviceRemoved, device.clone()),
        envelope(EventType::DevicePushGone, device.clone()),
        envelope(EventType::DeviceLocked, device),
    ]
}

#[test]
fn every_event_type_signed_by_node_verifies_and_is_typed() {
    let bodies = bodies();
    let cases: Vec<(&str, u64, &str, &[&str])> = bodies
        .iter()
        .map(|(_, body)| (SECRET, T, body.as_str(), &[][..]))
        .collect();
    let headers = node_sign(&cases);
    assert_eq!(headers.len(), EventType::ALL.len());
    for ((event_type, body), header) in bodies.iter().zip(&headers) {
        let event = verify_webhook(
            SECRET.as_bytes(),
            header,
            body.as_bytes(),
            T + 10,
            DEFAULT_TOLERANCE_SECONDS,
        )
        .unwrap_or_else(|e| panic!("{event_type}: {e}"));
        assert_eq!(event.id, EVENT_ID);
        assert_eq!(event.created_at, 1_767_225_650);
        assert_eq!(event.signed_at, T);
        assert_eq!(event.data.event_type(), event_type.as_str());
        match (&event.data, event_type) {
            (EventData::ActivationCompleted(a), EventType::ActivationCompleted) => {
                assert_eq!(a.device_id, DEVICE_ID);
                assert_eq!(a.public_key.to_value(), device_jwk());
                assert!(!a.push);
            }
            (EventData::RequestApproved(r), EventType::RequestApproved) => {
                assert_eq!(r.receipt.as_deref(), Some("a.b.c"));
                assert_eq!(r.device_id.as_deref(), Some(DEVICE_ID));
            }
            (EventData::RequestDenied(r), EventType::RequestDenied) => {
                assert_eq!(r.reason, Some(Reason::Fraud));
            }
            (EventData::RequestExpired(r), EventType::RequestExpired) => {
                assert_eq!(r.status, Status::Expired);
            }
            (EventData::RequestCancelled(r), EventType::RequestCancelled) => {
                assert_eq!(r.reason, Some(Reason::Superseded));
            }
            (EventData::DeviceRemoved(d), EventType::DeviceRemoved)
            | (EventData::DevicePushGone(d), EventType::DevicePushGone)
            | (EventData::DeviceLocked(d), EventType::DeviceLocked) => {
                assert_eq!(
                    (d.user_id.as_str(), d.device_id.as_str()),
                    ("alice", DEVICE_ID)
                );
            }
            (data, t) => panic!("{t} typed as {data:?}"),
        }
        assert_eq!(
            event.data.request().is_some(),
            event_type.as_str().starts_with("request.")
        );
    }
}

#[test]
fn forged_tampered_and_replayed_deliveries_are_refused() {
    let (_, body) = &bodies()[1];
    let headers = node_sign(&[
        (SECRET, T, body, &[]),
        ("whsec_another_secret_entirely_000000", T, body, &[]),
    ]);
    let (genuine, other_secret) = (&headers[0], &headers[1]);
    let verify = |header: &str, body: &[u8], now: u64| {
        verify_webhook(
            SECRET.as_bytes(),
            header,
            body,
            now,
            DEFAULT_TOLERANCE_SECONDS,
        )
    };
    assert!(verify(genuine, body.as_bytes(), T).is_ok());

    // One byte of the body changed: the approval turned into something else.
    let tampered = body.replace("\"approved\"", "\"approveD\"");
    assert_ne!(&tampered, body);
    assert_eq!(
        verify(genuine, tampered.as_bytes(), T),
        Err(WebhookError::Signature(SignatureError::NoMatchingSignature))
    );
    // Re-serialized JSON (same meaning, other bytes) is not what was signed.
    let reserialized =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(body).unwrap()).unwrap();
    assert!(matches!(
        verify(genuine, reserialized.as_bytes(), T),
        Err(WebhookError::Signature(SignatureError::NoMatchingSignature))
    ));
    // Signed with another secret.
    assert_eq!(
        verify(other_secret, body.as_bytes(), T),
        Err(WebhookError::Signature(SignatureError::NoMatchingSignature))
    );
    // Replayed after the tolerance; or from a clock far ahead.
    assert_eq!(
        verify(genuine, body.as_bytes(), T + DEFAULT_TOLERANCE_SECONDS + 1),
        Err(WebhookError::Signature(SignatureError::TimestampTooOld {
            t: T,
            now: T + DEFAULT_TOLERANCE_SECONDS + 1
        }))
    );
    assert!(verify(genuine, body.as_bytes(), T + DEFAULT_TOLERANCE_SECONDS).is_ok());
    assert_eq!(
        verify(genuine, body.as_bytes(), T - DEFAULT_TOLERANCE_SECONDS - 1),
        Err(WebhookError::Signature(SignatureError::TimestampInFuture {
            t: T,
            now: T - DEFAULT_TOLERANCE_SECONDS - 1
        }))
    );
    // The timestamp moved to look fresh: the MAC covers it.
    let moved = genuine.replace(&format!("t={T}"), &format!("t={}", T + 3600));
    assert_eq!(
        verify(&moved, body.as_bytes(), T + 3600),
        Err(WebhookError::Signature(SignatureError::NoMatchingSignature))
    );
    // Malformed headers.
    for (header, why) in [
        ("", SignatureError::MalformedHeader),
        ("v1=00", SignatureError::BadSignatureHex),
        (&format!("t={T}"), SignatureError::MissingSignature),
        (
            &format!("t={T},t={T},v1={}", "0".repeat(64)),
            SignatureError::DuplicateTimestamp,
        ),
        (
            &format!("t=0{T},v1={}", "0".repeat(64)),
            SignatureError::BadTimestamp,
        ),
        (
            &genuine
                .to_uppercase()
                .replace("T=", "t=")
                .replace("V1=", "v1="),
            SignatureError::BadSignatureHex,
        ),
    ] {
        assert_eq!(
            verify(header, body.as_bytes(), T),
            Err(WebhookError::Signature(why.clone())),
            "{header:?}"
        );
    }
}

#[test]
fn a_rotated_secret_signs_twice_and_either_verifies() {
    let (_, body) = &bodies()[5];
    let header = &node_sign(&[(SECRET, T, body, &["whsec_the_new_secret_after_rotation_01"])])[0];
    assert_eq!(header.matches("v1=").count(), 2);
    for secret in [SECRET, "whsec_the_new_secret_after_rotation_01"] {
        assert!(
            verify_webhook(secret.as_bytes(), header, body.as_bytes(), T, 300).is_ok(),
            "{secret}"
        );
    }
    assert!(verify_webhook(b"whsec_neither", header, body.as_bytes(), T, 300).is_err());
}

/// Authentic bodies (signed here with assent-webhook, the edge's own signer) that are not
/// well-formed events.
fn signed(body: &str) -> Result<assent_rp::WebhookEvent, WebhookError> {
    let header = assent_webhook::sign(SECRET.as_bytes(), T, body.as_bytes());
    verify_webhook(SECRET.as_bytes(), &header, body.as_bytes(), T, 300)
}

#[test]
fn authentic_but_malformed_events_are_refused_precisely() {
    let envelope = |t: &str, data: Value| {
        json!({"id": EVENT_ID, "type": t, "created_at": 1, "data": data}).to_string()
    };
    assert!(matches!(signed("not json"), Err(WebhookError::Envelope(_))));
    assert!(matches!(
        signed(r#"{"id":"x","type":"device.removed","created_at":1,"data":{}}"#),
        Err(WebhookError::Envelope(why)) if why.contains("not an id")
    ));
    assert!(matches!(
        signed(&json!({"type": "device.removed", "created_at": 1, "data": {}}).to_string()),
        Err(WebhookError::Envelope(why)) if why.contains("id")
    ));
    // request.approved whose data says denied.
    assert_eq!(
        signed(&envelope(
            "request.approved",
            request_data("denied", json!({"reason": "rejected"}))
        )),
        Err(WebhookError::StatusMismatch {
            event_type: EventType::RequestApproved,
            status: Status::Denied
        })
    );
    // data missing a member, or with an invalid device key.
    assert!(matches!(
        signed(&envelope("device.locked", json!({"user_id": "alice"}))),
        Err(WebhookError::Data { event_type: EventType::DeviceLocked, detail }) if detail.contains("device_id")
    ));
    let mut bad_key = device_jwk();
    bad_key["y"] = bad_key["x"].clone();
    assert!(matches!(
        signed(&envelope(
            "activation.completed",
            json!({
                "activation_id": REQUEST_ID, "user_id": "alice", "device_id": DEVICE_ID,
                "credential_id": "Y3JlZA", "public_key": bad_key, "push": true
            })
        )),
        Err(WebhookError::Data {
            event_type: EventType::ActivationCompleted,
            ..
        })
    ));
}

#[test]
fn an_unknown_type_is_authentic_and_untyped() {
    let event = signed(
        &json!({"id": EVENT_ID, "type": "account.renamed", "created_at": 1, "data": {"x": 1}})
            .to_string(),
    )
    .unwrap();
    assert_eq!(event.data.event_type(), "account.renamed");
    assert_eq!(
        event.data,
        EventData::Unknown {
            event_type: "account.renamed".into(),
            data: json!({"x": 1})
        }
    );
    assert_eq!(event.data.request(), None);
}
