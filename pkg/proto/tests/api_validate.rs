//! Every validation rule of the request bodies at and beyond its boundary (SPEC §5, §7).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use assent_proto::api::*;
use assent_proto::b64u;
use assent_proto::content::{Context, Decision, DenyReason, Field, Kind, Statement};
use serde_json::json;

const ID: &str = "AAAAAAAAAAAAAAAAAAAAAA";

fn login() -> CreateRequest {
    CreateRequest {
        user_id: "alice".into(),
        kind: Kind::Login,
        title: None,
        context: None,
        fields: None,
        ttl_seconds: None,
        number_matching: None,
    }
}

fn field(i: usize) -> Field {
    Field {
        label: format!("Label {i}"),
        value: format!("Value {i}"),
    }
}

fn sign(n: usize) -> CreateRequest {
    CreateRequest {
        kind: Kind::Sign,
        fields: Some((0..n).map(field).collect()),
        ..login()
    }
}

/// `validate` with the SPEC's default bounds.
fn check(body: &impl Validate) -> Result<(), FieldError> {
    body.validate(&Bounds::default())
}

/// Expects a refusal naming `field`, and returns its message.
fn refused(body: &impl Validate, field: &str) -> String {
    match check(body) {
        Err(e) => {
            assert_eq!(e.field, field, "{e}");
            e.message
        }
        Ok(()) => panic!("accepted; expected a refusal of `{field}`"),
    }
}

fn with_title(title: &str) -> CreateRequest {
    CreateRequest {
        title: Some(title.into()),
        ..login()
    }
}

#[test]
fn title_length_counts_unicode_scalar_values() {
    assert!(check(&with_title(&"a".repeat(79))).is_ok());
    assert!(check(&with_title(&"a".repeat(80))).is_ok());
    assert_eq!(
        refused(&with_title(&"a".repeat(81)), "title"),
        "at most 80 characters (got 81)"
    );
    // 80 two-byte and four-byte characters are 80 characters, not 160 or 320 bytes.
    assert!(check(&with_title(&"é".repeat(80))).is_ok());
    assert!(check(&with_title(&"😀".repeat(80))).is_ok());
    refused(&with_title(&"é".repeat(81)), "title");
    refused(&with_title(&"😀".repeat(81)), "title");
    // A combining accent is its own scalar value: "e\u{301}" counts 2.
    assert!(check(&with_title(&"e\u{301}".repeat(40))).is_ok());
    assert_eq!(
        refused(&with_title(&format!("{}e\u{301}", "a".repeat(79))), "title"),
        "at most 80 characters (got 81)"
    );
}

#[test]
fn displayed_text_is_not_empty_or_blank() {
    assert_eq!(refused(&with_title(""), "title"), "must not be empty");
    assert_eq!(
        refused(&with_title("   "), "title"),
        "must not be only whitespace"
    );
    assert_eq!(
        refused(&with_title("\u{3000}"), "title"),
        "must not be only whitespace"
    );
    assert!(check(&with_title(" x ")).is_ok());
}

#[test]
fn control_and_bidi_characters_are_refused() {
    for (c, hex) in [
        ('\n', "U+000A"),
        ('\t', "U+0009"),
        ('\r', "U+000D"),
        ('\u{0}', "U+0000"),
        ('\u{7}', "U+0007"),
        ('\u{7f}', "U+007F"),
        ('\u{85}', "U+0085"),
        ('\u{9b}', "U+009B"),
        ('\u{2028}', "U+2028"),
        ('\u{2029}', "U+2029"),
        ('\u{202a}', "U+202A"),
        ('\u{202e}', "U+202E"),
        ('\u{2066}', "U+2066"),
        ('\u{2069}', "U+2069"),
    ] {
        let message = refused(&with_title(&format!("Pay{c}ACME")), "title");
        assert!(message.contains(hex), "{message}");
        assert!(message.contains("control"), "{message}");
    }
    // Printable neighbours of the refused ranges pass: U+00A0, U+2027, U+202F, U+2065, U+206A.
    for c in [
        '\u{a0}', '\u{2027}', '\u{202f}', '\u{2065}', '\u{206a}', 'é', '€',
    ] {
        assert!(check(&with_title(&format!("Pay{c}ACME"))).is_ok(), "{c:?}");
    }
}

#[test]
fn context_values() {
    for (path, set) in [
        ("context.ip", 0usize),
        ("context.location", 1),
        ("context.browser", 2),
    ] {
        let make = |value: String| {
            let mut context = Context::default();
            match set {
                0 => context.ip = Some(value),
                1 => context.location = Some(value),
                _ => context.browser = Some(value),
            }
            CreateRequest {
                context: Some(context),
                ..login()
            }
        };
        assert!(check(&make("x".repeat(127))).is_ok());
        assert!(check(&make("x".repeat(128))).is_ok());
        assert!(check(&make("ü".repeat(128))).is_ok());
        assert_eq!(
            refused(&make("x".repeat(129)), path),
            "at most 128 characters (got 129)"
        );
        refused(&make("1.2.3.4\n".into()), path);
        refused(&make(String::new()), path);
    }
    let empty = CreateRequest {
        context: Some(Context::default()),
        ..login()
    };
    assert!(check(&empty).is_ok());
}

#[test]
fn fields_count_and_presence() {
    assert!(check(&sign(1)).is_ok());
    assert!(check(&sign(19)).is_ok());
    assert!(check(&sign(20)).is_ok());
    assert_eq!(refused(&sign(21), "fields"), "at most 20 entries (got 21)");
    refused(&sign(0), "fields");
    let missing = CreateRequest {
        fields: None,
        ..sign(1)
    };
    assert_eq!(
        refused(&missing, "fields"),
        "required when kind is \"sign\""
    );
    // Fields on a login would be signed but never shown: refused.
    let login_with_fields = CreateRequest {
        fields: Some(vec![field(0)]),
        ..login()
    };
    assert!(refused(&login_with_fields, "fields").contains("\"login\""));
    let login_with_no_fields = CreateRequest {
        fields: Some(vec![]),
        ..login()
    };
    refused(&login_with_no_fields, "fields");
}

#[test]
fn field_label_and_value_lengths_name_the_entry() {
    let with = |label: String, value: String| {
        let mut body = sign(5);
        body.fields.as_mut().unwrap()[3] = Field { label, value };
        body
    };
    assert!(check(&with("L".repeat(64), "v".into())).is_ok());
    assert!(check(&with("Ł".repeat(64), "v".into())).is_ok());
    let err = check(&with("L".repeat(65), "v".into())).unwrap_err();
    assert_eq!(err.field, "fields[3].label");
    assert_eq!(
        err.to_string(),
        "`fields[3].label`: at most 64 characters (got 65)"
    );
    assert!(check(&with("L".into(), "v".repeat(255))).is_ok());
    assert!(check(&with("L".into(), "€".repeat(256))).is_ok());
    assert_eq!(
        refused(&with("L".into(), "v".repeat(257)), "fields[3].value"),
        "at most 256 characters (got 257)"
    );
    refused(&with(String::new(), "v".into()), "fields[3].label");
    refused(&with("L".into(), " ".into()), "fields[3].value");
    refused(
        &with("L".into(), "EUR\u{202e}00.052,1".into()),
        "fields[3].value",
    );
}

fn with_ttl(ttl: u32) -> CreateRequest {
    CreateRequest {
        ttl_seconds: Some(ttl),
        ..login()
    }
}

#[test]
fn ttl_within_default_bounds() {
    let bounds = Bounds::default();
    assert_eq!((bounds.min_ttl_seconds, bounds.max_ttl_seconds), (30, 600));
    assert_eq!(
        refused(&with_ttl(29), "ttl_seconds"),
        "must be between 30 and 600 (got 29)"
    );
    assert!(check(&with_ttl(30)).is_ok());
    assert!(check(&with_ttl(600)).is_ok());
    refused(&with_ttl(601), "ttl_seconds");
    refused(&with_ttl(0), "ttl_seconds");
    refused(&with_ttl(u32::MAX), "ttl_seconds");
}

#[test]
fn ttl_within_moved_bounds() {
    let wide = Bounds {
        min_ttl_seconds: 10,
        max_ttl_seconds: 3600,
    };
    assert!(with_ttl(9).validate(&wide).is_err());
    assert!(with_ttl(10).validate(&wide).is_ok());
    assert!(with_ttl(29).validate(&wide).is_ok());
    assert!(with_ttl(601).validate(&wide).is_ok());
    assert!(with_ttl(3600).validate(&wide).is_ok());
    let err = with_ttl(3601).validate(&wide).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`ttl_seconds`: must be between 10 and 3600 (got 3601)"
    );
    let narrow = Bounds {
        min_ttl_seconds: 60,
        max_ttl_seconds: 90,
    };
    assert!(with_ttl(30).validate(&narrow).is_err());
    assert!(with_ttl(120).validate(&narrow).is_err());
    assert!(with_ttl(60).validate(&narrow).is_ok());
}

#[test]
fn default_ttl_and_number_matching() {
    assert_eq!(login().effective_ttl_seconds(&Bounds::default()), 120);
    assert_eq!(with_ttl(45).effective_ttl_seconds(&Bounds::default()), 45);
    let high = Bounds {
        min_ttl_seconds: 300,
        max_ttl_seconds: 900,
    };
    assert_eq!(login().effective_ttl_seconds(&high), 300);
    let low = Bounds {
        min_ttl_seconds: 10,
        max_ttl_seconds: 60,
    };
    assert_eq!(login().effective_ttl_seconds(&low), 60);

    assert!(login().number_matching());
    assert!(!sign(1).number_matching());
    let off = CreateRequest {
        number_matching: Some(false),
        ..login()
    };
    assert!(!off.number_matching());
    let on = CreateRequest {
        number_matching: Some(true),
        ..sign(1)
    };
    assert!(on.number_matching());
}

#[test]
fn content_is_built_from_the_body() {
    let body = CreateRequest {
        title: Some("Pay".into()),
        context: Some(Context::default()),
        ttl_seconds: Some(45),
        ..sign(1)
    };
    let content = body.content(
        "demo",
        "Example Bank",
        ID,
        1_700_000_000,
        &Bounds::default(),
    );
    // Written by hand from SPEC §5: sorted members, no nulls, the empty context left out,
    // expires_at = created_at + ttl_seconds.
    assert_eq!(
        content.canonical_json().unwrap(),
        r#"{"created_at":1700000000,"expires_at":1700000045,"fields":[{"label":"Label 0","value":"Value 0"}],"kind":"sign","request_id":"AAAAAAAAAAAAAAAAAAAAAA","rp_id":"demo","rp_name":"Example Bank","title":"Pay","user_id":"alice","v":1}"#
    );
    let with_context = CreateRequest {
        context: Some(Context {
            ip: Some("203.0.113.7".into()),
            ..Context::default()
        }),
        ..login()
    };
    let content = with_context.content("demo", "Bank", ID, 10, &Bounds::default());
    assert_eq!(content.context.unwrap().ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(content.expires_at, 130);
}

#[test]
fn user_id_is_1_to_128_bytes() {
    let with = |user_id: String| CreateRequest { user_id, ..login() };
    assert!(check(&with("a".repeat(128))).is_ok());
    assert!(check(&with("é".repeat(64))).is_ok());
    assert_eq!(
        refused(&with("a".repeat(129)), "user_id"),
        "must be 1 to 128 bytes of UTF-8 (got 129)"
    );
    refused(&with("é".repeat(65)), "user_id");
    refused(&with(String::new()), "user_id");
    // Opaque (SPEC §1: any UTF-8): whitespace, punctuation, even control characters are the
    // RP's business; the PWA isolates it wherever it is displayed.
    assert!(check(&with(" a/b c ".into())).is_ok());
    assert!(check(&with("al\nice\u{202e}".into())).is_ok());
}

#[test]
fn create_activation_names() {
    let body = |user_name: Option<&str>, display_name: Option<&str>| CreateActivation {
        user_id: "u-1".into(),
        user_name: user_name.map(Into::into),
        display_name: display_name.map(Into::into),
    };
    assert!(check(&body(None, None)).is_ok());
    assert!(check(&body(Some(&"n".repeat(64)), Some(&"ö".repeat(64)))).is_ok());
    assert_eq!(
        refused(&body(Some(&"n".repeat(65)), None), "user_name"),
        "at most 64 characters (got 65)"
    );
    refused(&body(None, Some(&"d".repeat(65))), "display_name");
    refused(&body(Some(""), None), "user_name");
    refused(&body(None, Some("Alice\u{202e}")), "display_name");
    refused(
        &CreateActivation {
            user_id: String::new(),
            ..body(None, None)
        },
        "user_id",
    );

    assert_eq!(body(None, None).user_name(), "u-1");
    assert_eq!(body(None, None).display_name(), "u-1");
    assert_eq!(body(Some("alice"), None).display_name(), "alice");
    assert_eq!(
        body(Some("alice"), Some("Alice M")).display_name(),
        "Alice M"
    );
}

fn decision(decision: Decision, reason: Option<DenyReason>, code: Option<&str>) -> DecisionBody {
    DecisionBody {
        decision,
        reason,
        binding_code: code.map(Into::into),
        assertion: json!({}),
    }
}

#[test]
fn decision_reason_only_with_deny() {
    assert!(check(&decision(Decision::Approve, None, None)).is_ok());
    assert!(check(&decision(Decision::Deny, None, None)).is_ok());
    assert!(check(&decision(Decision::Deny, Some(DenyReason::Fraud), None)).is_ok());
    assert!(check(&decision(Decision::Deny, Some(DenyReason::Rejected), None)).is_ok());
    let message = refused(
        &decision(Decision::Approve, Some(DenyReason::Rejected), None),
        "reason",
    );
    assert!(message.contains("deny"), "{message}");
}

#[test]
fn decision_binding_code_is_two_ascii_digits() {
    for good in ["00", "07", "42", "99"] {
        assert!(check(&decision(Decision::Approve, None, Some(good))).is_ok());
    }
    for bad in ["", "7", "123", "ab", "4a", " 4", "٤٢", "４２", "-1"] {
        assert_eq!(
            refused(
                &decision(Decision::Approve, None, Some(bad)),
                "binding_code"
            ),
            "must be two ASCII digits",
            "{bad:?}"
        );
    }
}

#[test]
fn decision_statement_is_what_was_sent() {
    let body = decision(Decision::Deny, Some(DenyReason::Fraud), Some("12"));
    assert_eq!(
        body.statement("h"),
        Statement::new(
            "h",
            Decision::Deny,
            Some(DenyReason::Fraud),
            Some("12".into())
        )
    );
    assert_eq!(
        body.statement("h").canonical_json().unwrap(),
        r#"{"binding_code":"12","decision":"deny","reason":"fraud","request_hash":"h","v":1}"#
    );
}

fn sealed(len: usize) -> String {
    b64u::encode(&vec![0x5a; len])
}

fn point(first: u8, len: usize) -> String {
    let mut bytes = vec![0x11; len];
    if let Some(b) = bytes.first_mut() {
        *b = first;
    }
    b64u::encode(&bytes)
}

fn finish() -> ActivateFinish {
    ActivateFinish {
        device_id: ID.into(),
        code: "c0de-_X".into(),
        credential: json!({}),
        channel_public_key: point(4, 65),
        push: sealed(28),
    }
}

#[test]
fn activation_code_shape() {
    let begin = |code: String| ActivateBegin { code };
    assert!(check(&begin("a".into())).is_ok());
    assert!(check(&begin("AZaz09-_".into())).is_ok());
    assert!(check(&begin("x".repeat(64))).is_ok());
    refused(&begin("x".repeat(65)), "code");
    refused(&begin(String::new()), "code");
    for bad in ["a+b", "a/b", "a=", "a b", "é"] {
        refused(&begin(bad.into()), "code");
    }
}

#[test]
fn activate_finish_shapes() {
    assert!(check(&finish()).is_ok());
    refused(
        &ActivateFinish {
            device_id: "short".into(),
            ..finish()
        },
        "device_id",
    );
    refused(
        &ActivateFinish {
            code: String::new(),
            ..finish()
        },
        "code",
    );
    for bad in [
        point(4, 64),
        point(4, 66),
        point(2, 65),
        point(3, 33),
        "!".into(),
    ] {
        refused(
            &ActivateFinish {
                channel_public_key: bad,
                ..finish()
            },
            "channel_public_key",
        );
    }
    refused(
        &ActivateFinish {
            push: sealed(27),
            ..finish()
        },
        "push",
    );
    refused(
        &ActivateFinish {
            push: format!("{}=", sealed(29)),
            ..finish()
        },
        "push",
    );
}

#[test]
fn sealed_bodies() {
    assert!(check(&PushUpdate { sealed: sealed(28) }).is_ok());
    assert!(
        check(&Deactivate {
            sealed: sealed(100)
        })
        .is_ok()
    );
    assert_eq!(
        refused(&PushUpdate { sealed: sealed(27) }, "sealed"),
        "too short to be sealed: at least 28 bytes (got 27)"
    );
    assert_eq!(
        refused(
            &Deactivate {
                sealed: "a+b/".repeat(10)
            },
            "sealed"
        ),
        "must be unpadded base64url"
    );
    assert!(
        check(&InboxOpen {
            challenge_id: ID.into(),
            assertion: json!({})
        })
        .is_ok()
    );
    refused(
        &InboxOpen {
            challenge_id: format!("{ID}A"),
            assertion: json!({}),
        },
        "challenge_id",
    );
}

#[test]
fn push_plaintext() {
    let plain = |subscription, seq| PushPlaintext { subscription, seq };
    assert!(check(&plain(None, 1)).is_ok());
    assert!(check(&plain(Some(json!({"endpoint": "https://p"})), u64::MAX)).is_ok());
    refused(&plain(None, 0), "seq");
    refused(&plain(Some(json!("https://p")), 1), "subscription");
    refused(&plain(Some(json!([])), 1), "subscription");
    // An absent subscription reads as null.
    let absent: PushPlaintext = serde_json::from_str(r#"{"seq": 3}"#).unwrap();
    assert_eq!(absent, plain(None, 3));
}

#[test]
fn deactivate_freshness() {
    let now = 1_700_000_000;
    let at = |ts| DeactivatePlaintext { ts };
    assert!(at(now).is_fresh(now));
    assert!(at(now - 300).is_fresh(now));
    assert!(at(now + 300).is_fresh(now));
    assert!(!at(now - 301).is_fresh(now));
    assert!(!at(now + 301).is_fresh(now));
    assert!(!at(0).is_fresh(now));
    assert!(!at(u64::MAX).is_fresh(now));
}

#[test]
fn parse_valid_reports_the_field() {
    let body = br#"{"user_id": "alice", "kind": "sign"}"#;
    let err = parse_valid::<CreateRequest>(body, &Bounds::default()).unwrap_err();
    assert_eq!(err.error.code, ErrorCode::InvalidRequest);
    assert_eq!(
        err.error.message,
        "`fields`: required when kind is \"sign\""
    );
    assert_eq!(err.http_status(), 400);

    let ok = parse_valid::<CreateRequest>(
        br#"{"user_id": "alice", "kind": "login", "ttl_seconds": 30}"#,
        &Bounds::default(),
    )
    .unwrap();
    assert_eq!(ok.ttl_seconds, Some(30));
    let moved = Bounds {
        min_ttl_seconds: 31,
        max_ttl_seconds: 600,
    };
    let err = parse_valid::<CreateRequest>(
        br#"{"user_id": "alice", "kind": "login", "ttl_seconds": 30}"#,
        &moved,
    )
    .unwrap_err();
    assert!(err.error.message.starts_with("`ttl_seconds`:"), "{err}");
}
