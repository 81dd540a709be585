//! Test-only helpers shared by the `pkg/` crates' interop tests.
//!
//! The independent implementations (npm `http_ece`, `jose`, WebCrypto in Node) run as Node
//! scripts under `tests/interop/`. A test hands a script one JSON value on stdin and gets one
//! JSON value back on stdout. Node is the pinned Node 22 from `node_modules/.bin` (installed by
//! `make setup`); a missing Node fails the test rather than skipping it.
#![allow(clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Runs `tests/interop/<script>` under the project's Node with `input` on stdin and returns
/// the JSON it prints. Panics with the script's stderr when it fails.
pub fn run_node(script: &str, input: &serde_json::Value) -> serde_json::Value {
    let root = repo_root();
    let node = root.join("node_modules/.bin/node");
    assert!(
        node.exists(),
        "{} is missing: run `make setup` (npm ci) first",
        node.display()
    );
    let mut child = Command::new(&node)
        .arg(root.join("tests/interop").join(script))
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("node output");
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Reads a JSON file relative to the repository root.
pub fn read_json(relative: &str) -> serde_json::Value {
    let path = repo_root().join(relative);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// Deterministic test bytes: a tiny xorshift stream, so property-style interop runs are
/// reproducible from their seed without a randomness dependency.
pub fn test_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}
