//! Times every operation natively and prints one JSON object on stdout:
//! `{"target", "profile", "ops": {name: {"us_per_op", "iterations", "rounds"}}}`.
//! Progress goes to stderr. `bench/run.sh` saves the JSON and `bench/run.mjs` merges it.
//! Arguments, if any, name the operations to time (all by default), e.g. to profile one with
//! `perf record target/bench-native/bench-native p256_ecdh`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool: stdout carries its JSON result, stderr its progress"
)]

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use assent_bench::plan::{CALIBRATION_MS, ROUNDS, WARMUP_ROUNDS, iterations_per_round, median};
use assent_bench::{Bench, BenchError, Op};

/// Milliseconds taken by `iterations` runs of `op`.
fn time_ms(bench: &mut Bench, op: Op, iterations: u32) -> Result<f64, BenchError> {
    let start = Instant::now();
    black_box(bench.run(black_box(op), black_box(iterations))?);
    Ok(start.elapsed().as_secs_f64() * 1e3)
}

/// µs per operation (median of the rounds) and the iterations per round.
fn measure(bench: &mut Bench, op: Op) -> Result<(f64, u32), BenchError> {
    let mut iterations = 1u32;
    let elapsed = loop {
        let elapsed = time_ms(bench, op, iterations)?;
        if elapsed >= CALIBRATION_MS || iterations >= 1 << 24 {
            break elapsed;
        }
        iterations = iterations.saturating_mul(2);
    };
    let per_round = iterations_per_round(iterations, elapsed);
    for _ in 0..WARMUP_ROUNDS {
        time_ms(bench, op, per_round)?;
    }
    let mut us_per_op = Vec::new();
    for _ in 0..ROUNDS {
        us_per_op.push(time_ms(bench, op, per_round)? * 1e3 / f64::from(per_round));
    }
    Ok((median(&us_per_op).unwrap_or(f64::NAN), per_round))
}

fn main() -> ExitCode {
    let mut bench = match Bench::new() {
        Ok(bench) => bench,
        Err(e) => {
            eprintln!("bench-native: fixtures: {e}");
            return ExitCode::FAILURE;
        }
    };
    let selected: Result<Vec<Op>, BenchError> = std::env::args()
        .skip(1)
        .map(|name| Op::from_name(&name))
        .collect();
    let selected = match selected {
        Ok(names) if names.is_empty() => Op::ALL.to_vec(),
        Ok(names) => names,
        Err(e) => {
            eprintln!("bench-native: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut ops = serde_json::Map::new();
    for op in selected {
        eprint!("  native {:<28}", op.name());
        match measure(&mut bench, op) {
            Ok((us, per_round)) => {
                eprintln!("{us:>10.1} µs/op");
                ops.insert(
                    op.name().to_owned(),
                    serde_json::json!({"us_per_op": us, "iterations": per_round, "rounds": ROUNDS}),
                );
            }
            Err(e) => {
                eprintln!();
                eprintln!("bench-native: {}: {e}", op.name());
                return ExitCode::FAILURE;
            }
        }
    }
    let profile = if cfg!(debug_assertions) {
        "debug (not representative)"
    } else {
        "optimized"
    };
    let result = serde_json::json!({
        "target": format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
        "profile": profile,
        "ops": ops,
    });
    println!("{result}");
    ExitCode::SUCCESS
}
