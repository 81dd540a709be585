//! SPEC §11 errors: every code with its HTTP status, the error body's shape, and which
//! parsing failures are `invalid_json` and which `invalid_request`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::collections::HashSet;

use assent_proto::api::*;
use serde_json::{Value, json};

/// Copied by hand from SPEC §11, in its order.
const SPEC_CODES: [(&str, u16); 16] = [
    ("invalid_json", 400),
    ("invalid_request", 400),
    ("unauthorized", 401),
    ("forbidden", 403),
    ("not_found", 404),
    ("method_not_allowed", 405),
    ("already_decided", 409),
    ("expired", 410),
    ("payload_too_large", 413),
    ("unsupported_media_type", 415),
    ("no_devices", 422),
    ("invalid_attestation", 422),
    ("invalid_assertion", 422),
    ("rate_limited", 429),
    ("account_frozen", 429),
    ("internal", 500),
];

#[test]
fn every_code_with_its_status() {
    assert_eq!(ErrorCode::ALL.len(), SPEC_CODES.len());
    for (code, (word, status)) in ErrorCode::ALL.iter().zip(SPEC_CODES) {
        assert_eq!(code.as_str(), word);
        assert_eq!(code.to_string(), word);
        assert_eq!(code.http_status(), status, "{word}");
        assert_eq!(serde_json::to_value(code).unwrap(), json!(word));
        assert_eq!(
            serde_json::from_value::<ErrorCode>(json!(word)).unwrap(),
            *code
        );
    }
    let distinct: HashSet<_> = ErrorCode::ALL.iter().collect();
    assert_eq!(distinct.len(), 16);
    assert!(serde_json::from_value::<ErrorCode>(json!("teapot")).is_err());
}

#[test]
fn error_body_shape() {
    let body = ErrorBody::new(ErrorCode::AlreadyDecided, "request is already approved");
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        serde_json::from_str::<Value>(
            r#"{"error": {"code": "already_decided", "message": "request is already approved"}}"#
        )
        .unwrap()
    );
    assert_eq!(body.http_status(), 409);
    let read: ErrorBody =
        serde_json::from_str(r#"{"error": {"code": "rate_limited", "message": "slow down"}}"#)
            .unwrap();
    assert_eq!(read, ErrorBody::new(ErrorCode::RateLimited, "slow down"));
    assert_eq!(read.to_string(), "rate_limited: slow down");
}

#[test]
fn field_error_becomes_invalid_request() {
    let body: ErrorBody = FieldError::new("context.ip", "at most 128 characters (got 129)").into();
    assert_eq!(body.error.code, ErrorCode::InvalidRequest);
    assert_eq!(
        body.error.message,
        "`context.ip`: at most 128 characters (got 129)"
    );
}

#[test]
fn syntax_failures_are_invalid_json() {
    for bad in [
        &b""[..],
        b"{",
        b"{\"code\": \"x\"",
        b"{\"code\": \"x\"} trailing",
        b"{'code': 'x'}",
        b"\xff\xfe{}",
        b"code=x",
    ] {
        let err = parse_body::<ActivateBegin>(bad).unwrap_err();
        assert_eq!(
            err.error.code,
            ErrorCode::InvalidJson,
            "{:?}: {err}",
            String::from_utf8_lossy(bad)
        );
        assert_eq!(err.http_status(), 400);
    }
}

#[test]
fn shape_failures_are_invalid_request_naming_the_member() {
    for (bad, mentions) in [
        (&br#"{"code": "x", "extra": 1}"#[..], "extra"),
        (br#"{}"#, "code"),
        (br#"{"code": "x", "code": "y"}"#, "code"),
        (br#"{"code": 7}"#, "string"),
        (br#"[]"#, ""),
        (br#""code""#, ""),
        (br#"null"#, ""),
    ] {
        let err = parse_body::<ActivateBegin>(bad).unwrap_err();
        assert_eq!(
            err.error.code,
            ErrorCode::InvalidRequest,
            "{:?}: {err}",
            String::from_utf8_lossy(bad)
        );
        assert!(err.error.message.contains(mentions), "{err}");
    }
    assert_eq!(
        parse_body::<ActivateBegin>(br#"{"code": "x"}"#).unwrap(),
        ActivateBegin { code: "x".into() }
    );
}

#[test]
fn arrays_are_not_objects_and_wrong_types_are_shape_errors() {
    use assent_proto::api::{CreateActivation, CreateRequest, parse_body};
    // serde's derive would read these arrays in member order; the wire format is objects.
    for (body, path) in [
        (r#"["mallory"]"#, "the body"),
        (
            r#"{"user_id":"a","kind":"sign","fields":[["Amount","EUR 1"]]}"#,
            "`fields[0]`",
        ),
        (
            r#"{"user_id":"a","kind":"login","context":["203.0.113.7"]}"#,
            "`context`",
        ),
    ] {
        let error = if body.starts_with('[') {
            parse_body::<CreateActivation>(body.as_bytes()).unwrap_err()
        } else {
            parse_body::<CreateRequest>(body.as_bytes()).unwrap_err()
        };
        assert_eq!(error.error.code, ErrorCode::InvalidRequest, "{body}");
        assert!(
            error.error.message.starts_with(path),
            "{body}: {}",
            error.error.message
        );
    }
    // Valid JSON of the wrong type is a shape error, not a syntax error.
    let e = parse_body::<CreateRequest>(br#"{"user_id":"a","kind":1}"#).unwrap_err();
    assert_eq!(e.error.code, ErrorCode::InvalidRequest);
    // A duplicated member is refused, not resolved to its last occurrence.
    let e = parse_body::<CreateActivation>(br#"{"user_id":"a","user_id":"b"}"#).unwrap_err();
    assert_eq!(e.error.code, ErrorCode::InvalidRequest);
    let e = parse_body::<CreateActivation>(br#"{"user_id":"a""#).unwrap_err();
    assert_eq!(e.error.code, ErrorCode::InvalidJson);
}
