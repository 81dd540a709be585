//! The `.dev.vars` that `make dev` writes (scripts/dev-vars.sh runs exactly this command) is
//! read by wrangler's own dotenv parser and accepted by `assent-config`; the credentials
//! printed once are the configured ones.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use assent_config::{Config, Mode};
use assent_testkit::repo_root;

fn keygen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assent-keygen"))
        .args(args)
        .output()
        .expect("run assent-keygen")
}

/// The arguments scripts/dev-vars.sh passes for PORT=8787.
const DEV_ARGS: [&str; 7] = [
    "--dev-vars",
    "--edge-origin",
    "http://localhost:8787",
    "--rp",
    "demo:Example Bank:gateway:http://localhost:8787",
    "--rp",
    "demo-secure:Example Bank (secure):secure:http://localhost:8787",
];

/// Parses `.dev.vars` text with the dotenv code bundled in wrangler (see wrangler-dotenv.mjs).
fn wrangler_dotenv(text: &str) -> BTreeMap<String, String> {
    let root = repo_root();
    let node = root.join("node_modules/.bin/node");
    assert!(
        node.exists(),
        "{} is missing: run `make setup`",
        node.display()
    );
    let mut child = Command::new(node)
        .arg(root.join("tools/keygen/tests/wrangler-dotenv.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "wrangler-dotenv.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    serde_json::from_value(result["vars"].clone()).unwrap()
}

/// `(rp_id, api_key)` pairs from the credentials banner.
fn api_keys(banner: &str) -> Vec<(String, String)> {
    banner
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [id, "API", "key", key] => Some(((*id).to_owned(), (*key).to_owned())),
                _ => None,
            }
        })
        .collect()
}

#[test]
fn make_dev_file_is_read_by_wrangler_and_accepted() {
    let out = keygen(&DEV_ARGS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let banner = String::from_utf8(out.stderr).unwrap();

    let vars = wrangler_dotenv(&text);
    let names: Vec<&str> = vars.keys().map(String::as_str).collect();
    let mut expected = assent_config::vars::ALL.to_vec();
    expected.sort_unstable();
    assert_eq!(
        names, expected,
        "exactly the edge's variables, comments ignored"
    );

    let config = Config::from_vars(&vars).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.edge_origin(), "http://localhost:8787");
    assert_eq!(config.rp_id(), "localhost");
    assert!(config.allow_loopback_push());
    let demo = config.rp_by_id("demo").unwrap();
    assert_eq!(demo.name(), "Example Bank");
    assert_eq!(demo.mode(), Mode::Gateway);
    assert_eq!(demo.origins(), ["http://localhost:8787"]);
    let secure = config.rp_by_id("demo-secure").unwrap();
    assert_eq!(secure.name(), "Example Bank (secure)");
    assert_eq!(secure.mode(), Mode::Secure);

    // The keys printed once open the API as their RP; the file itself holds none of them.
    let keys = api_keys(&banner);
    assert_eq!(keys.len(), 2, "{banner}");
    for (id, key) in &keys {
        assert_eq!(
            config.rp_by_api_key(key).map(|rp| rp.id()),
            Some(id.as_str())
        );
        assert!(!text.contains(key.as_str()));
    }
    assert!(banner.contains("shown only this once"), "{banner}");
}

#[test]
fn every_run_makes_new_keys() {
    let a = wrangler_dotenv(&String::from_utf8(keygen(&DEV_ARGS).stdout).unwrap());
    let b = wrangler_dotenv(&String::from_utf8(keygen(&DEV_ARGS).stdout).unwrap());
    for name in [
        "VAPID_PRIVATE_KEY",
        "RECEIPT_PRIVATE_KEY",
        "CHANNEL_PRIVATE_KEY",
        "ASSENT_RELYING_PARTIES",
    ] {
        assert_ne!(a[name], b[name], "{name}");
    }
}

#[test]
fn names_with_quotes_survive_dotenv() {
    let out = keygen(&[
        "--dev-vars",
        "--edge-origin",
        "http://localhost:8787",
        "--rp",
        r#"bob:Bob's "Best" Bank \o/:secure:http://localhost:8787"#,
        "--webhook",
        "bob=http://127.0.0.1:9000/hook",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vars = wrangler_dotenv(&String::from_utf8(out.stdout).unwrap());
    let config = Config::from_vars(&vars).unwrap_or_else(|e| panic!("{e}"));
    let bob = config.rp_by_id("bob").unwrap();
    assert_eq!(bob.name(), r#"Bob's "Best" Bank \o/"#);
    assert_eq!(bob.webhook().unwrap().url(), "http://127.0.0.1:9000/hook");
    let banner = String::from_utf8(out.stderr).unwrap();
    let secret = banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("bob  webhook secret  "))
        .unwrap();
    assert_eq!(bob.webhook().unwrap().secret(), secret.as_bytes());
}

#[test]
fn secrets_json_and_operator_output_parse_back() {
    let args = [
        "--edge-origin",
        "https://assent.example.com",
        "--rp",
        "demo:Example Bank:gateway:https://bank.example,https://www.bank.example",
    ];
    let mut json_args = args.to_vec();
    json_args.push("--secrets-json");
    let out = keygen(&json_args);
    assert!(out.status.success());
    let vars: BTreeMap<String, String> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!vars.contains_key("ASSENT_ALLOW_LOOPBACK_PUSH"));
    let config = Config::from_vars(&vars).unwrap_or_else(|e| panic!("{e}"));
    let keys = api_keys(&String::from_utf8(out.stderr).unwrap());
    assert_eq!(config.rp_by_api_key(&keys[0].1).unwrap().id(), "demo");

    // Operator text: each `wrangler secret put NAME` is followed by its value.
    let out = keygen(&args);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let vars: BTreeMap<&str, &str> = lines
        .windows(2)
        .filter_map(|w| Some((w[0].strip_prefix("$ npx wrangler secret put ")?, w[1])))
        .collect();
    assert_eq!(vars.len(), 6);
    let config = Config::from_vars(&vars).unwrap_or_else(|e| panic!("{e}"));
    let keys = api_keys(&text);
    assert_eq!(config.rp_by_api_key(&keys[0].1).unwrap().id(), "demo");
}

#[test]
fn bad_invocations_fail_with_a_message() {
    let usage = keygen(&["--rp", "demo:D:gateway:https://b.example"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("--edge-origin is required"));
    assert!(usage.stdout.is_empty());

    // A configuration the edge would refuse is never printed.
    let invalid = keygen(&[
        "--edge-origin",
        "https://assent.example.com/",
        "--rp",
        "demo:D:gateway:http://localhost:3000",
    ]);
    assert_eq!(invalid.status.code(), Some(1));
    assert!(invalid.stdout.is_empty());
    let message = String::from_utf8_lossy(&invalid.stderr);
    assert!(message.contains("ASSENT_EDGE_ORIGIN"), "{message}");
    assert!(
        message.contains("origins[0] \"http://localhost:3000\""),
        "{message}"
    );

    let help = keygen(&["--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).starts_with("Generates a fresh"));
}
