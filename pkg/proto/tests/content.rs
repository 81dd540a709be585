//! Request content and statement: the exact canonical spelling SPEC §5/§7 prescribes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_proto::content::{Decision, DenyReason, Kind, RequestContent, Statement};
use assent_proto::{b64u, jcs};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn login() -> RequestContent {
    RequestContent {
        v: 1,
        rp_id: "demo".into(),
        rp_name: "Example Bank".into(),
        request_id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        user_id: "alice".into(),
        kind: Kind::Login,
        title: None,
        context: None,
        fields: None,
        created_at: 1_700_000_000,
        expires_at: 1_700_000_120,
    }
}

#[test]
fn absent_members_are_omitted_and_members_sorted() {
    // Spelled out by hand from SPEC §5: sorted names, no nulls, no whitespace.
    assert_eq!(
        login().canonical_json().unwrap(),
        r#"{"created_at":1700000000,"expires_at":1700000120,"kind":"login","request_id":"AAAAAAAAAAAAAAAAAAAAAA","rp_id":"demo","rp_name":"Example Bank","user_id":"alice","v":1}"#
    );
}

#[test]
fn statement_and_challenge() {
    let s = Statement::new("abc", Decision::Approve, None, Some("42".into()));
    let canonical = r#"{"binding_code":"42","decision":"approve","request_hash":"abc","v":1}"#;
    assert_eq!(s.canonical_json().unwrap(), canonical);
    let expected: [u8; 32] = Sha256::digest(canonical.as_bytes()).into();
    assert_eq!(s.challenge().unwrap(), expected);

    let deny = Statement::new("abc", Decision::Deny, Some(DenyReason::Fraud), None);
    assert_eq!(
        deny.canonical_json().unwrap(),
        r#"{"decision":"deny","reason":"fraud","request_hash":"abc","v":1}"#
    );
    assert_ne!(deny.challenge().unwrap(), s.challenge().unwrap());
}

#[test]
fn request_hash_is_b64u_sha256_of_canonical_json() {
    let c = login();
    let digest = Sha256::digest(c.canonical_json().unwrap().as_bytes());
    assert_eq!(c.request_hash().unwrap(), b64u::encode(&digest));
    assert_eq!(c.request_hash().unwrap().len(), 43);
    let mut other = c.clone();
    other.expires_at += 1;
    assert_ne!(other.request_hash().unwrap(), c.request_hash().unwrap());
}

#[test]
fn unknown_members_are_rejected() {
    let mut value = serde_json::to_value(login()).unwrap();
    value["extra"] = serde_json::json!(1);
    assert!(serde_json::from_value::<RequestContent>(value).is_err());
    let null_title = serde_json::json!({"v":1,"rp_id":"d","rp_name":"D","request_id":"r",
        "user_id":"u","kind":"login","title":null,"created_at":1,"expires_at":2});
    // `null` parses as absent, and the canonical form then omits it: one spelling.
    let parsed: RequestContent = serde_json::from_value(null_title).unwrap();
    assert!(!parsed.canonical_json().unwrap().contains("title"));
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Canonical text parses back to a value with the same canonical text.
    #[test]
    fn canonical_form_is_a_fixed_point(v in json_value()) {
        let once = jcs::canonicalize(&v).unwrap();
        let reparsed: serde_json::Value = serde_json::from_str(&once).unwrap();
        prop_assert_eq!(jcs::canonicalize(&reparsed).unwrap(), once);
    }
}
