//! A valid configuration: what the edge reads from it, the API key lookup, and that no
//! secret ever shows in an error or in `Debug`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;

use assent_config::{Config, Mode};
use assent_proto::b64u;
use p256::SecretKey;
use p256::elliptic_curve::sec1::ToSec1Point;
use serde_json::json;

fn parse(vars: &std::collections::BTreeMap<&'static str, String>) -> Config {
    Config::from_vars(vars.iter().map(|(k, v)| (*k, v.as_str()))).unwrap()
}

/// The uncompressed public point of a scalar, derived with p256 directly.
fn public_of(scalar: &[u8; 32]) -> Vec<u8> {
    SecretKey::from_slice(scalar)
        .unwrap()
        .public_key()
        .to_sec1_point(false)
        .as_bytes()
        .to_vec()
}

#[test]
fn each_key_comes_from_its_own_variable() {
    let config = parse(&common::vars());
    assert_eq!(
        config.vapid().public_key().to_vec(),
        public_of(&common::VAPID_SCALAR)
    );
    assert_eq!(
        config
            .receipt_key()
            .signing_key()
            .verifying_key()
            .as_affine()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec(),
        public_of(&common::RECEIPT_SCALAR)
    );
    assert_eq!(
        config.channel_key().public_key().to_vec(),
        public_of(&common::CHANNEL_SCALAR)
    );
    assert_eq!(config.vapid().subject(), "mailto:ops@assent.example.com");
}

#[test]
fn edge_origin_and_rp_id() {
    let config = parse(&common::vars());
    assert_eq!(config.edge_origin(), "https://assent.example.com");
    assert_eq!(config.rp_id(), "assent.example.com");
    assert!(!config.allow_loopback_push());

    let mut vars = common::vars();
    vars.insert("ASSENT_EDGE_ORIGIN", "http://localhost:8787".into());
    vars.insert("ASSENT_ALLOW_LOOPBACK_PUSH", "1".into());
    let local = parse(&vars);
    assert_eq!(local.edge_origin(), "http://localhost:8787");
    assert_eq!(local.rp_id(), "localhost");
    assert!(local.allow_loopback_push());

    vars.insert(
        "ASSENT_EDGE_ORIGIN",
        "https://assent.example.com:8443".into(),
    );
    vars.insert("ASSENT_ALLOW_LOOPBACK_PUSH", "0".into());
    let port = parse(&vars);
    assert_eq!(port.rp_id(), "assent.example.com");
    assert!(!port.allow_loopback_push());
}

#[test]
fn relying_parties_are_read_in_full() {
    let config = parse(&common::vars());
    let ids: Vec<&str> = config.relying_parties().iter().map(|rp| rp.id()).collect();
    assert_eq!(ids, ["demo", "demo-secure"]);

    let demo = config.rp_by_id("demo").unwrap();
    assert_eq!(demo.name(), "Example Bank");
    assert_eq!(demo.mode(), Mode::Gateway);
    assert_eq!(
        demo.origins(),
        ["https://bank.example", "https://www.bank.example:8443"]
    );
    assert!(demo.allows_origin("https://www.bank.example:8443"));
    assert!(!demo.allows_origin("https://www.bank.example"));
    assert!(!demo.allows_origin("https://bank.example/"));
    let webhook = demo.webhook().unwrap();
    assert_eq!(webhook.url(), common::WEBHOOK_URL);
    assert_eq!(webhook.origin(), "https://bank.example");
    assert_eq!(webhook.secret(), common::WEBHOOK_SECRET.as_bytes());
    assert_eq!(*demo.limits(), assent_rules::Limits::default());

    let secure = config.rp_by_id("demo-secure").unwrap();
    assert_eq!(secure.mode(), Mode::Secure);
    assert!(secure.webhook().is_none());
    // Members given override the defaults; the others keep them.
    let limits = secure.limits();
    assert_eq!(limits.max_ttl_seconds, 900);
    assert_eq!(limits.freeze_seconds, 0);
    assert_eq!(limits.min_ttl_seconds, 30);
    assert_eq!(limits.requests_per_10_min, 10);
    assert_eq!(limits.max_failed_decisions, 5);

    assert!(config.rp_by_id("Demo").is_none());
    assert!(config.rp_by_id("").is_none());
}

#[test]
fn api_key_lookup_hashes_the_presented_key() {
    // The configured hashes are the FIPS 180 vectors SHA-256("abc") and SHA-256("").
    let config = parse(&common::vars());
    assert_eq!(config.rp_by_api_key("abc").map(|rp| rp.id()), Some("demo"));
    assert_eq!(
        config.rp_by_api_key("").map(|rp| rp.id()),
        Some("demo-secure")
    );
    for wrong in ["ab", "abcd", "ABC", "abc ", common::SHA256_ABC] {
        assert!(config.rp_by_api_key(wrong).is_none(), "{wrong:?}");
    }
    assert_eq!(
        hex::encode(config.rp_by_id("demo").unwrap().api_key_sha256()),
        common::SHA256_ABC
    );
}

#[test]
fn lookup_reads_only_the_named_variables() {
    let vars = common::vars();
    let mut asked = Vec::new();
    let config = Config::from_lookup(|name| {
        asked.push(name.to_owned());
        vars.get(name).cloned()
    });
    assert!(config.is_ok());
    asked.sort();
    let mut all: Vec<String> = assent_config::vars::ALL
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    all.sort();
    assert_eq!(asked, all);
}

/// Markers planted in every secret position; none may appear in any error message or
/// `Debug` output.
const MARKERS: [&str; 6] = [
    "SeCrEtVaPiD",
    "SeCrEt+ReCeIpT",
    "SeCrEtWhSeC",
    "SeCrEtHoOk",
    "SeCrEtTyPe",
    "SeCrEtJsOn",
];

#[test]
fn secrets_never_appear_in_errors() {
    let mut vars = common::vars();
    vars.insert("VAPID_PRIVATE_KEY", format!("{}AAAA", MARKERS[0]));
    vars.insert("RECEIPT_PRIVATE_KEY", MARKERS[1].into());
    // A valid-looking but out-of-range key: its text must not show either.
    let out_of_range = b64u::encode(&[0xff; 32]);
    vars.insert("CHANNEL_PRIVATE_KEY", out_of_range.clone());
    vars.insert("ASSENT_ALLOW_LOOPBACK_PUSH", MARKERS[4].into());
    vars.insert(
        "ASSENT_RELYING_PARTIES",
        json!([{
            "id": "demo",
            "name": "Example Bank",
            "mode": "gateway",
            "origins": ["https://bank.example", {"k": MARKERS[4]}],
            "api_key_sha256": format!("{}{}", MARKERS[4], "0".repeat(53)),
            "webhook_url": format!("https://bank.example/{} x", MARKERS[3]),
            "webhook_secret": MARKERS[2],
            "limits": {"freeze_seconds": MARKERS[4], "max_ttl_seconds": [MARKERS[4]]},
        }, MARKERS[4]])
        .to_string(),
    );
    let errors = Config::from_vars(vars.iter().map(|(k, v)| (*k, v.as_str()))).unwrap_err();
    assert!(errors.errors().len() >= 9, "{errors}");
    let shown = format!("{errors}\n{errors:?}");
    for secret in MARKERS.iter().copied().chain([out_of_range.as_str()]) {
        assert!(!shown.contains(secret), "{secret} shown in:\n{shown}");
    }

    // A syntax error inside a secret-bearing document shows a position, not the text.
    vars.insert(
        "ASSENT_RELYING_PARTIES",
        format!(r#"[{{"webhook_secret": "{}" "#, MARKERS[5]),
    );
    let shown = Config::from_vars(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .unwrap_err()
        .to_string();
    assert!(
        shown.contains("ASSENT_RELYING_PARTIES is not valid JSON (syntax error at line 1, column")
    );
    assert!(!shown.contains(MARKERS[5]), "{shown}");
}

#[test]
fn debug_output_shows_no_secret() {
    let vars = common::vars();
    let config = parse(&vars);
    let debug = format!("{config:?}");
    for secret in [
        vars["VAPID_PRIVATE_KEY"].as_str(),
        vars["RECEIPT_PRIVATE_KEY"].as_str(),
        vars["CHANNEL_PRIVATE_KEY"].as_str(),
        common::WEBHOOK_SECRET,
        common::SHA256_ABC,
        "t0k3n",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    // The public parts are there, so the output is still useful.
    assert!(debug.contains("Example Bank"), "{debug}");
    assert!(debug.contains("https://bank.example"), "{debug}");
}
