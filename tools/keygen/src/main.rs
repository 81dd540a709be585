//! `assent-keygen`: generates a fresh Assent edge configuration with the operating system's
//! randomness (`getrandom`), for operators (`wrangler secret put` / `secret bulk`) and for
//! `make dev` (`--dev-vars`). All the logic lives in `assent-config`; this is the I/O.
//!
//! Output goes through `io::Write` rather than `println!`, so a closed pipe ends the program
//! with an error message instead of a panic.
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

mod args;
mod output;

use std::io::Write;
use std::process::ExitCode;

use args::{Command, Output};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let (spec, mode, credentials_env) = match args::parse(&argv) {
        Ok(Command::Help) => return write_or_fail(&mut std::io::stdout(), args::USAGE),
        Ok(Command::Generate {
            spec,
            output,
            credentials_env,
        }) => (spec, output, credentials_env),
        Err(message) => {
            eprintln!("assent-keygen: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };

    let mut random_error = None;
    let result = assent_config::generate(
        &mut |buf: &mut [u8]| {
            if let Err(error) = getrandom::fill(buf) {
                random_error = Some(error);
            }
        },
        &spec,
    );
    if let Some(error) = random_error {
        eprintln!("assent-keygen: the operating system gave no randomness: {error}");
        return ExitCode::FAILURE;
    }
    let generated = match result {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("assent-keygen: {error}");
            return ExitCode::FAILURE;
        }
    };

    if let Some(path) = credentials_env {
        let written = output::credentials_env(&generated, &spec.edge_origin)
            .and_then(|text| write_private(&path, &text).map_err(|e| e.to_string()));
        if let Err(message) = written {
            eprintln!("assent-keygen: cannot write {path}: {message}");
            return ExitCode::FAILURE;
        }
    }

    let (stdout_text, stderr_text) = match mode {
        Output::Operator => (output::operator(&generated, &spec.edge_origin), None),
        Output::SecretsJson => (
            output::secrets_json(&generated),
            Some(output::credentials_banner(&generated)),
        ),
        Output::DevVars => match output::dev_vars(&generated, &spec.edge_origin) {
            Ok(text) => (text, Some(output::credentials_banner(&generated))),
            Err(message) => {
                eprintln!("assent-keygen: {message}");
                return ExitCode::FAILURE;
            }
        },
    };
    if let Some(text) = stderr_text
        && write_or_fail(&mut std::io::stderr(), &text) != ExitCode::SUCCESS
    {
        return ExitCode::FAILURE;
    }
    write_or_fail(&mut std::io::stdout(), &stdout_text)
}

/// Writes `text` to a new file only its owner can read (it holds API keys).
fn write_private(path: &str, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

fn write_or_fail(out: &mut impl Write, text: &str) -> ExitCode {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("assent-keygen: cannot write the output: {error}");
            ExitCode::FAILURE
        }
    }
}
