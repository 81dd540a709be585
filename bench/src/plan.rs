//! How every operation is timed, natively and in Node alike: double the iteration count
//! until one batch takes [`CALIBRATION_MS`], size a round to about [`ROUND_MS`], run
//! [`WARMUP_ROUNDS`] untimed, then [`ROUNDS`] timed rounds; the figure is the median of the
//! rounds' µs per operation. Node reads these numbers from [`plan_json`].

use crate::Op;

/// A calibration batch must take at least this long (ms).
pub const CALIBRATION_MS: f64 = 20.0;
/// Target duration of one timed round (ms).
pub const ROUND_MS: f64 = 100.0;
/// Rounds run before timing (JIT tiers in V8, caches, the VAPID cache's first signature).
pub const WARMUP_ROUNDS: u32 = 1;
/// Timed rounds per operation.
pub const ROUNDS: u32 = 9;

/// Iterations in one round, from a calibration batch of `iterations` that took `elapsed_ms`.
pub fn iterations_per_round(iterations: u32, elapsed_ms: f64) -> u32 {
    if elapsed_ms <= 0.0 {
        return iterations.max(1);
    }
    let scaled = (f64::from(iterations) * ROUND_MS / elapsed_ms).ceil();
    // Saturating float-to-int conversion: a huge ratio gives u32::MAX, NaN gives 0.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "saturating by definition of `as` from f64"
    )]
    let rounded = scaled as u32;
    rounded.max(1)
}

/// The median of `values` (the mean of the two middle ones for an even count); `None` when
/// empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted.get(mid).copied()
    } else {
        Some((sorted.get(mid.checked_sub(1)?)? + sorted.get(mid)?) / 2.0)
    }
}

/// The operations and the timing parameters, for `bench/run.mjs`.
pub fn plan_json() -> String {
    let ops: Vec<_> = Op::ALL
        .iter()
        .map(|op| serde_json::json!({"name": op.name(), "component": op.is_component()}))
        .collect();
    serde_json::json!({
        "ops": ops,
        "calibration_ms": CALIBRATION_MS,
        "round_ms": ROUND_MS,
        "warmup_rounds": WARMUP_ROUNDS,
        "rounds": ROUNDS,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn round_sizes() {
        assert_eq!(iterations_per_round(8, 20.0), 40);
        assert_eq!(iterations_per_round(1, 1000.0), 1);
        assert_eq!(iterations_per_round(3, 0.0), 3);
        assert_eq!(iterations_per_round(u32::MAX, 1.0), u32::MAX);
    }
}
