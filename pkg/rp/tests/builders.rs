//! Every RP API call as the kit builds it: method, URL (ids as they are, `user_id`
//! percent-encoded as the edge decodes it), headers, body; and bad calls refused before
//! anything is sent, with the message the edge's own parser gives.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use assent_proto::api::{
    Bounds, CreateActivation, CreateRequest, ErrorCode, FIELD_VALUE_MAX_CHARS, parse_valid,
};
use assent_rp::{Context, Edge, Field, HttpRequest, Kind, Method, OriginError, RpError};
use serde_json::{Value, json};

const EDGE: &str = "https://assent.example.com";
const KEY: &str = "ak_0123456789abcdefghijklmnopqrstuvwxyzABCD";
const ID: &str = "AAECAwQFBgcICQoLDA0ODw";

fn edge() -> Edge {
    Edge::new(EDGE, KEY).unwrap()
}

fn body_json(request: &HttpRequest) -> Value {
    serde_json::from_slice(request.body.as_deref().expect("a body")).unwrap()
}

fn assert_rp_headers(request: &HttpRequest, with_body: bool) {
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(request.header("Accept"), Some("application/json"));
    assert_eq!(
        request.header("Content-Type"),
        with_body.then_some("application/json")
    );
}

fn login(user_id: &str) -> CreateRequest {
    CreateRequest {
        user_id: user_id.into(),
        kind: Kind::Login,
        title: Some("Sign in to Example Bank".into()),
        context: Some(Context {
            ip: Some("203.0.113.7".into()),
            location: Some("Brussels, BE".into()),
            browser: Some("Firefox on macOS".into()),
        }),
        fields: None,
        ttl_seconds: Some(120),
        number_matching: Some(true),
    }
}

fn payment(fields: Vec<Field>) -> CreateRequest {
    CreateRequest {
        user_id: "alice".into(),
        kind: Kind::Sign,
        title: None,
        context: None,
        fields: Some(fields),
        ttl_seconds: None,
        number_matching: None,
    }
}

fn field(label: &str, value: &str) -> Field {
    Field {
        label: label.into(),
        value: value.into(),
    }
}

#[test]
fn create_activation_posts_the_body() {
    let r = edge()
        .create_activation(&CreateActivation {
            user_id: "alice".into(),
            user_name: Some("alice@example.com".into()),
            display_name: None,
        })
        .unwrap();
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, "https://assent.example.com/v1/activations");
    assert_rp_headers(&r, true);
    // Absent optional members are left out, not sent as null (the edge refuses null).
    assert_eq!(
        body_json(&r),
        json!({"user_id": "alice", "user_name": "alice@example.com"})
    );
}

#[test]
fn create_request_posts_the_spec_example() {
    let r = edge().create_request(&login("alice")).unwrap();
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, "https://assent.example.com/v1/requests");
    assert_rp_headers(&r, true);
    assert_eq!(
        body_json(&r),
        json!({
            "user_id": "alice", "kind": "login", "title": "Sign in to Example Bank",
            "context": {"ip": "203.0.113.7", "location": "Brussels, BE", "browser": "Firefox on macOS"},
            "ttl_seconds": 120, "number_matching": true
        })
    );
    let sign = edge()
        .create_request(&payment(vec![
            field("Amount", "EUR 1,250.00"),
            field("Payee", "ACME NV"),
        ]))
        .unwrap();
    assert_eq!(
        body_json(&sign),
        json!({"user_id": "alice", "kind": "sign",
               "fields": [{"label": "Amount", "value": "EUR 1,250.00"}, {"label": "Payee", "value": "ACME NV"}]})
    );
}

#[test]
fn gets_cancels_lists_and_removes() {
    let e = edge();
    let cases: [(HttpRequest, Method, &str); 5] = [
        (
            e.activation_status(ID).unwrap(),
            Method::Get,
            "/v1/activations/AAECAwQFBgcICQoLDA0ODw",
        ),
        (
            e.get_request(ID).unwrap(),
            Method::Get,
            "/v1/requests/AAECAwQFBgcICQoLDA0ODw",
        ),
        (
            e.cancel_request(ID).unwrap(),
            Method::Post,
            "/v1/requests/AAECAwQFBgcICQoLDA0ODw/cancel",
        ),
        (
            e.list_devices("alice").unwrap(),
            Method::Get,
            "/v1/users/alice/devices",
        ),
        (
            e.remove_device("alice", ID).unwrap(),
            Method::Delete,
            "/v1/users/alice/devices/AAECAwQFBgcICQoLDA0ODw",
        ),
    ];
    for (request, method, path) in cases {
        assert_eq!(request.method, method, "{path}");
        assert_eq!(request.url, format!("{EDGE}{path}"));
        assert_eq!(request.path(), path);
        assert_eq!(request.body, None, "{path}: no body");
        assert_rp_headers(&request, false);
    }
}

#[test]
fn user_ids_are_percent_encoded_into_one_segment() {
    let e = edge();
    for (user_id, segment) in [
        ("alice@example.com", "alice%40example.com"),
        ("a/b", "a%2Fb"),
        ("../../healthz", "..%2F..%2Fhealthz"),
        ("50% off?#", "50%25%20off%3F%23"),
        ("Zoë", "Zo%C3%AB"),
        ("a+b", "a%2Bb"),
    ] {
        assert_eq!(
            e.list_devices(user_id).unwrap().path(),
            format!("/v1/users/{segment}/devices")
        );
        assert_eq!(
            e.remove_device(user_id, ID).unwrap().path(),
            format!("/v1/users/{segment}/devices/{ID}")
        );
    }
}

#[test]
fn unaddressable_or_malformed_path_parameters_fail_locally() {
    let e = edge();
    for bad in [".", "..", ""] {
        let err = e.list_devices(bad).unwrap_err();
        assert!(
            matches!(&err, RpError::Invalid(f) if f.field == "user_id"),
            "{bad:?}: {err}"
        );
    }
    let long = "x".repeat(129);
    assert!(matches!(e.list_devices(&long), Err(RpError::Invalid(_))));
    for bad in [
        "",
        "short",
        "../../../../healthz////",
        "AAECAwQFBgcICQoLDA0OD+",
        &format!("{ID}A"),
    ] {
        for (field, result) in [
            ("activation_id", e.activation_status(bad)),
            ("request_id", e.get_request(bad)),
            ("request_id", e.cancel_request(bad)),
            ("device_id", e.remove_device("alice", bad)),
        ] {
            match result {
                Err(RpError::Invalid(f)) => assert_eq!(f.field, field, "{bad:?}"),
                other => panic!("{field} {bad:?}: {other:?}"),
            }
        }
    }
}

/// The edge reads bodies with `assent_proto::api::parse_valid` (edge/src/http.rs) and
/// answers `400 invalid_request` with its message: the kit must refuse the same bodies with
/// the same message, before sending.
fn edge_message(body: &impl serde::Serialize, bounds: &Bounds) -> String {
    let bytes = serde_json::to_vec(body).unwrap();
    let refusal = parse_valid::<CreateRequest>(&bytes, bounds).unwrap_err();
    assert_eq!(refusal.error.code, ErrorCode::InvalidRequest);
    refusal.error.message
}

#[test]
fn bad_requests_fail_locally_with_the_edges_message() {
    let mut no_fields = payment(vec![]);
    no_fields.fields = None;
    let mut login_with_fields = login("alice");
    login_with_fields.fields = Some(vec![field("Amount", "1")]);
    let mut long_title = login("alice");
    long_title.title = Some("t".repeat(81));
    let mut bidi = login("alice");
    bidi.context = Some(Context {
        ip: None,
        location: Some("Brussels\u{202E}EB".into()),
        browser: None,
    });
    let mut short_ttl = login("alice");
    short_ttl.ttl_seconds = Some(29);
    let cases = [
        ("fields", no_fields),
        ("fields", login_with_fields),
        ("title", long_title),
        ("context.location", bidi),
        ("ttl_seconds", short_ttl),
        ("user_id", login("")),
        (
            "fields[1].label",
            payment(vec![field("Amount", "1"), field(" ", "2")]),
        ),
        ("fields", payment(vec![field("a", "b"); 21])),
    ];
    for (field, body) in cases {
        let err = edge().create_request(&body).unwrap_err();
        let RpError::Invalid(local) = &err else {
            panic!("{field}: {err:?}")
        };
        assert_eq!(local.field, field);
        assert_eq!(
            err.to_string(),
            edge_message(&body, &Bounds::default()),
            "{field}"
        );
    }
}

#[test]
fn bad_activations_fail_locally_with_the_edges_message() {
    for (field, body) in [
        (
            "user_id",
            CreateActivation {
                user_id: "é".repeat(65),
                user_name: None,
                display_name: None,
            },
        ),
        (
            "display_name",
            CreateActivation {
                user_id: "alice".into(),
                user_name: None,
                display_name: Some("Alice\nSmith".into()),
            },
        ),
    ] {
        let err = edge().create_activation(&body).unwrap_err();
        let bytes = serde_json::to_vec(&body).unwrap();
        let edge_says = parse_valid::<CreateActivation>(&bytes, &Bounds::default()).unwrap_err();
        assert!(matches!(&err, RpError::Invalid(f) if f.field == field));
        assert_eq!(err.to_string(), edge_says.error.message);
    }
}

#[test]
fn the_rps_own_ttl_bounds_apply() {
    let mut quick = login("alice");
    quick.ttl_seconds = Some(2);
    assert!(edge().create_request(&quick).is_err());
    let relaxed = edge().with_ttl_bounds(Bounds {
        min_ttl_seconds: 2,
        max_ttl_seconds: 600,
    });
    assert_eq!(relaxed.ttl_bounds().min_ttl_seconds, 2);
    assert!(relaxed.create_request(&quick).is_ok());
}

#[test]
fn bodies_over_16_kib_fail_locally() {
    // 20 fields of 256 four-byte characters: valid by every member rule, 20+ KiB encoded.
    let wide = "\u{1F4B6}".repeat(FIELD_VALUE_MAX_CHARS);
    let body = payment(
        (0..20)
            .map(|i| field(&format!("Line {i}"), &wide))
            .collect(),
    );
    match edge().create_request(&body) {
        Err(RpError::BodyTooLarge { bytes }) => {
            assert_eq!(bytes, serde_json::to_vec(&body).unwrap().len());
            assert!(bytes > 16 * 1024);
        }
        other => panic!("{other:?}"),
    }
    // Just under the limit goes through.
    let body = payment(
        (0..15)
            .map(|i| field(&format!("Line {i}"), &wide))
            .collect(),
    );
    assert!(serde_json::to_vec(&body).unwrap().len() <= 16 * 1024);
    assert!(edge().create_request(&body).is_ok());
}

#[test]
fn origins_and_api_keys_are_checked() {
    let e = Edge::new("https://Assent.Example.com/", KEY).unwrap();
    assert_eq!(e.origin().as_str(), EDGE);
    assert_eq!(e.origin().host(), "assent.example.com");
    assert_eq!(
        e.get_request(ID).unwrap().url,
        format!("{EDGE}/v1/requests/{ID}")
    );
    let local = Edge::new("http://localhost:8787", KEY).unwrap();
    assert_eq!(
        local.jwks().url,
        "http://localhost:8787/.well-known/jwks.json"
    );
    assert_eq!(
        Edge::new("http://assent.example.com", KEY).unwrap_err(),
        RpError::EdgeOrigin(OriginError::NotHttps)
    );
    assert_eq!(
        Edge::new("https://assent.example.com/v1", KEY).unwrap_err(),
        RpError::EdgeOrigin(OriginError::NotAnOrigin)
    );
    for bad in ["", "ak_with space", "ak_with\r\nX-Injected: 1", "ak_é"] {
        assert_eq!(
            Edge::new(EDGE, bad).unwrap_err(),
            RpError::ApiKey,
            "{bad:?}"
        );
    }
}

#[test]
fn the_jwks_request_carries_no_api_key() {
    let r = edge().jwks();
    assert_eq!(r.method, Method::Get);
    assert_eq!(r.url, format!("{EDGE}/.well-known/jwks.json"));
    assert_eq!(r.header("Authorization"), None);
    assert_eq!(r.body, None);
}

#[test]
fn debug_never_shows_the_api_key() {
    let shown = format!("{:?}", edge());
    assert!(shown.contains(EDGE));
    assert!(!shown.contains(KEY), "{shown}");
}
