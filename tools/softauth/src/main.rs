//! `assent-softauth`: one WebAuthn ceremony per run, answered as Chromium with its virtual
//! platform authenticator answers it, for the edge's Node integration tests
//! (`tests/edge/lib/device.mjs`). All the WebAuthn logic is `assent_webauthn::soft`, which is
//! checked against recorded Chromium vectors; this is the JSON plumbing.
//!
//! Stateless: one JSON object on stdin, one on stdout. The caller keeps the credential (its
//! private key, id and counter) between runs and passes it in each time.
//!
//! ```text
//! {"op":"create", "private_key", "credential_id", "sign_count", "options", "origin", "tweaks"?}
//!   → {"response": RegistrationResponseJSON, "public_key", "sign_count"}
//! {"op":"get", "private_key", "credential_id", "sign_count", "user_handle"?, "options",
//!  "origin", "tweaks"?}
//!   → {"response": AuthenticationResponseJSON, "sign_count"}
//! ```
//!
//! Any failure — bad JSON, a bad key, a ceremony the browser would refuse — exits with
//! status 1 and one line on stderr, and writes nothing on stdout.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::cast_possible_truncation
    )
)]

mod ceremony;
mod error;
mod protocol;

use std::io::{Read, Write};
use std::process::ExitCode;

use error::CliError;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("assent-softauth: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), CliError> {
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(CliError::ReadInput)?;
    let request = serde_json::from_slice(&input).map_err(CliError::InvalidInput)?;
    let answer = ceremony::perform(request)?;
    let mut output = serde_json::to_vec(&answer).map_err(CliError::Serialize)?;
    output.push(b'\n');
    // Through io::Write rather than println!, so a closed pipe is an error, not a panic.
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&output)
        .and_then(|()| stdout.flush())
        .map_err(CliError::WriteOutput)
}
