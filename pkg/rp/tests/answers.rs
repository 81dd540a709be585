//! Reading the edge's answers: each success body (written here by hand from SPEC §5 and
//! docs/openapi.json), each SPEC §11 error, and what is neither; then the `Client` over a
//! fake transport.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::cell::RefCell;

use assent_proto::api::{ActivationState, ErrorCode, Reason, Status};
use assent_rp::api::CreateActivation;
use assent_rp::{
    Client, ClientError, Edge, HttpRequest, HttpResponse, Kind, Method, RpError,
    parse_activation_created, parse_activation_status, parse_cancelled, parse_device_list,
    parse_device_removed, parse_jwks, parse_request_created, parse_request_status, parse_response,
};
use serde_json::json;

const ID: &str = "AAECAwQFBgcICQoLDA0ODw";
const ID2: &str = "EBESExQVFhcYGRobHB0eHw";

fn bytes(value: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn activation_answers() {
    let created = parse_activation_created(
        201,
        &bytes(json!({
            "activation_id": ID, "code": ID2,
            "activation_url": format!("https://assent.example.com/#/activate/{ID2}"),
            "qr_svg": "<svg/>", "expires_at": 1_767_226_200
        })),
    )
    .unwrap();
    assert_eq!(created.activation_id, ID);
    assert_eq!(created.expires_at, 1_767_226_200);
    let status = parse_activation_status(
        200,
        &bytes(json!({"activation_id": ID, "status": "completed", "device_id": ID2})),
    )
    .unwrap();
    assert_eq!(status.status, ActivationState::Completed);
    assert_eq!(status.device_id.as_deref(), Some(ID2));
    let pending = parse_activation_status(
        200,
        &bytes(json!({"activation_id": ID, "status": "pending"})),
    )
    .unwrap();
    assert_eq!(pending.device_id, None);
}

fn created_body() -> serde_json::Value {
    json!({
        "request_id": ID, "status": "pending", "created_at": 1_767_225_600,
        "expires_at": 1_767_225_720, "binding_code": "07", "status_token": "c3RhdHVzLXRva2VuLTEyMzQ1Njc4",
        "request_hash": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", "devices": 2, "devices_notified": 1
    })
}

#[test]
fn request_created() {
    let c = parse_request_created(201, &bytes(created_body())).unwrap();
    assert_eq!(c.request_id, ID);
    assert_eq!(c.binding_code.as_deref(), Some("07"));
    assert_eq!((c.devices, c.devices_notified), (2, 1));
    let mut no_code = created_body();
    no_code["binding_code"] = json!(null);
    assert_eq!(
        parse_request_created(201, &bytes(no_code))
            .unwrap()
            .binding_code,
        None
    );
    // An added optional member is ignored (the edge may add some).
    let mut extra = created_body();
    extra["future_member"] = json!(true);
    assert!(parse_request_created(201, &bytes(extra)).is_ok());
    // A new request that is not pending, or a malformed binding code, is not the answer.
    for (member, value) in [
        ("status", json!("approved")),
        ("binding_code", json!("7")),
        ("binding_code", json!("ab")),
    ] {
        let mut body = created_body();
        body[member] = value;
        assert!(
            matches!(
                parse_request_created(201, &bytes(body)),
                Err(RpError::UnexpectedBody { status: 201, .. })
            ),
            "{member}"
        );
    }
    // binding_code is "or null": always present.
    let mut missing = created_body();
    missing.as_object_mut().unwrap().remove("request_hash");
    match parse_request_created(201, &bytes(missing)) {
        Err(RpError::UnexpectedBody { detail, .. }) => assert!(detail.contains("request_hash")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn request_status() {
    let s = parse_request_status(
        200,
        &bytes(json!({
            "request_id": ID, "kind": "sign", "status": "denied", "created_at": 1, "expires_at": 121,
            "decided_at": 30, "device_id": ID2, "reason": "binding_mismatch", "receipt": "a.b.c"
        })),
    )
    .unwrap();
    assert_eq!(s.kind, Kind::Sign);
    assert_eq!(s.status, Status::Denied);
    assert_eq!(s.reason, Some(Reason::BindingMismatch));
    assert_eq!(s.receipt.as_deref(), Some("a.b.c"));
    let pending = parse_request_status(
        200,
        &bytes(json!({"request_id": ID, "kind": "login", "status": "pending", "created_at": 1, "expires_at": 121})),
    )
    .unwrap();
    assert_eq!(
        (pending.decided_at, pending.device_id, pending.receipt),
        (None, None, None)
    );
    assert!(matches!(
        parse_request_status(
            200,
            &bytes(
                json!({"request_id": ID, "kind": "login", "status": "maybe", "created_at": 1, "expires_at": 2})
            )
        ),
        Err(RpError::UnexpectedBody { .. })
    ));
}

#[test]
fn cancel_devices_and_removal() {
    assert_eq!(
        parse_cancelled(200, &bytes(json!({"status": "cancelled"})))
            .unwrap()
            .status,
        Status::Cancelled
    );
    assert!(matches!(
        parse_cancelled(200, &bytes(json!({"status": "approved"}))),
        Err(RpError::UnexpectedBody { .. })
    ));
    let list = parse_device_list(
        200,
        &bytes(json!({"devices": [{
            "device_id": ID, "created_at": 1, "last_used_at": 5, "push": true,
            "credential_id": "Y3JlZA",
            "public_key": {"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}
        }]})),
    )
    .unwrap();
    assert_eq!(list.devices.len(), 1);
    assert!(list.devices[0].push);
    assert!(
        parse_device_list(200, &bytes(json!({"devices": []})))
            .unwrap()
            .devices
            .is_empty()
    );
    let removed =
        parse_device_removed(200, &bytes(json!({"device_id": ID, "status": "removed"}))).unwrap();
    assert_eq!(removed.device_id, ID);
    assert!(matches!(
        parse_device_removed(200, &bytes(json!({"device_id": ID, "status": "kept"}))),
        Err(RpError::UnexpectedBody { .. })
    ));
}

#[test]
fn jwks() {
    let key = assent_receipt::ReceiptKey::from_bytes(&[5; 32]).unwrap();
    let body = serde_json::to_vec(&key.jwk_set()).unwrap();
    let set = parse_jwks(200, &body).unwrap();
    assert!(set.get(key.kid()).is_some());
    // A set whose entries lack a kid cannot select keys.
    assert!(matches!(
        parse_jwks(
            200,
            &bytes(
                json!({"keys": [key.public_jwk().clone().to_value().as_object().map(|o| {
                    let mut o = o.clone(); o.remove("kid"); o
                })]})
            )
        ),
        Err(RpError::UnexpectedBody { .. })
    ));
}

#[test]
fn every_spec_error_is_an_api_error_with_its_code() {
    for code in ErrorCode::ALL {
        let status = code.http_status();
        let body = bytes(json!({"error": {"code": code.as_str(), "message": "why"}}));
        for result in [
            parse_request_created(status, &body).map(|_| ()),
            parse_request_status(status, &body).map(|_| ()),
            parse_cancelled(status, &body).map(|_| ()),
            parse_device_list(status, &body).map(|_| ()),
        ] {
            assert_eq!(
                result,
                Err(RpError::Api {
                    status,
                    code,
                    message: "why".into(),
                    retry_after: None
                }),
                "{code}"
            );
        }
    }
    let e = parse_cancelled(
        409,
        &bytes(json!({"error": {"code": "already_decided", "message": "final"}})),
    )
    .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::AlreadyDecided));
    assert!(!e.is_retryable());
    assert_eq!(e.to_string(), "edge answered 409 already_decided: final");
}

#[test]
fn what_is_neither_success_nor_a_spec_error() {
    let html = b"<html><body>502 Bad Gateway</body></html>";
    match parse_request_status(502, html) {
        Err(e @ RpError::UnexpectedStatus { .. }) => {
            assert!(e.is_retryable());
            let RpError::UnexpectedStatus {
                status,
                expected,
                excerpt,
            } = e
            else {
                unreachable!()
            };
            assert_eq!((status, expected), (502, 200));
            assert!(excerpt.contains("Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    // An unknown error code is not a SPEC §11 error.
    assert!(matches!(
        parse_request_status(
            400,
            &bytes(json!({"error": {"code": "teapot", "message": "x"}}))
        ),
        Err(RpError::UnexpectedStatus { status: 400, .. })
    ));
    // Another success status than the call's.
    assert!(matches!(
        parse_request_created(200, &bytes(created_body())),
        Err(RpError::UnexpectedStatus {
            status: 200,
            expected: 201,
            ..
        })
    ));
    // An error body with a success status is not the answer either.
    assert!(matches!(
        parse_request_status(
            200,
            &bytes(json!({"error": {"code": "internal", "message": "x"}}))
        ),
        Err(RpError::UnexpectedBody { status: 200, .. })
    ));
    // A long body is cut for the log.
    let long = vec![b'x'; 10_000];
    let Err(RpError::UnexpectedStatus { excerpt, .. }) = parse_request_status(503, &long) else {
        panic!()
    };
    assert_eq!(excerpt.len(), assent_rp::EXCERPT_BYTES);
}

#[test]
fn retry_after_comes_with_the_headers() {
    let response = HttpResponse {
        status: 429,
        headers: vec![("Retry-After".into(), "1187".into())],
        body: bytes(
            json!({"error": {"code": "account_frozen", "message": "a fraud report froze this account"}}),
        ),
    };
    let e = parse_response::<assent_rp::api::RequestCreated>(&response).unwrap_err();
    assert_eq!(
        e,
        RpError::Api {
            status: 429,
            code: ErrorCode::AccountFrozen,
            message: "a fraud report froze this account".into(),
            retry_after: Some(1187)
        }
    );
    assert!(e.is_retryable());
    assert!(e.to_string().ends_with("(retry after 1187 s)"));
}

/// A transport that answers from a script and records what it was asked.
struct Scripted {
    answers: RefCell<Vec<HttpResponse>>,
    seen: RefCell<Vec<HttpRequest>>,
}

impl assent_rp::Transport for Scripted {
    type Error = String;
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, String> {
        self.seen.borrow_mut().push(request);
        self.answers
            .borrow_mut()
            .pop()
            .ok_or_else(|| "connection refused".to_owned())
    }
}

#[test]
fn the_client_builds_sends_and_parses() {
    let transport = Scripted {
        answers: RefCell::new(vec![
            HttpResponse {
                status: 429,
                headers: vec![("retry-after".into(), "30".into())],
                body: bytes(json!({"error": {"code": "rate_limited", "message": "slow down"}})),
            },
            HttpResponse {
                status: 201,
                headers: Vec::new(),
                body: bytes(created_body()),
            },
        ]),
        seen: RefCell::new(Vec::new()),
    };
    let client = Client::new(
        Edge::new("https://assent.example.com", "ak_test").unwrap(),
        transport,
    );
    let ask = assent_rp::api::CreateRequest {
        user_id: "alice".into(),
        kind: Kind::Login,
        title: None,
        context: None,
        fields: None,
        ttl_seconds: None,
        number_matching: None,
    };
    assert_eq!(client.create_request(&ask).unwrap().request_id, ID);
    match client.create_request(&ask) {
        Err(ClientError::Rp(RpError::Api {
            code: ErrorCode::RateLimited,
            retry_after: Some(30),
            ..
        })) => {}
        other => panic!("{other:?}"),
    }
    // The transport's own failure is told apart.
    assert_eq!(
        client.get_request(ID).unwrap_err(),
        ClientError::Transport("connection refused".to_owned())
    );
    // A call that fails its checks is never sent.
    let sent_before = client.transport().seen.borrow().len();
    assert!(matches!(
        client.create_activation(&CreateActivation {
            user_id: String::new(),
            user_name: None,
            display_name: None
        }),
        Err(ClientError::Rp(RpError::Invalid(_)))
    ));
    assert_eq!(client.transport().seen.borrow().len(), sent_before);
    let seen = client.transport().seen.borrow();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].method, Method::Post);
    assert_eq!(
        seen[2].url,
        format!("https://assent.example.com/v1/requests/{ID}")
    );
}

#[test]
fn a_closure_is_a_transport() {
    let client = Client::new(
        Edge::new("http://localhost:8787", "ak_test").unwrap(),
        |request: HttpRequest| -> Result<HttpResponse, std::io::Error> {
            assert_eq!(request.url, "http://localhost:8787/v1/users/a%2Fb/devices");
            Ok(HttpResponse {
                status: 200,
                headers: Vec::new(),
                body: br#"{"devices":[]}"#.to_vec(),
            })
        },
    );
    assert!(client.list_devices("a/b").unwrap().devices.is_empty());
}
