//! The wasm exports `bench/run.mjs` calls. One [`Bench`] per module instance, built on first
//! use (outside the timed rounds: the runner's calibration absorbs it).

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::{Bench, BenchError, Op, Vapid, plan};

thread_local! {
    static BENCH: RefCell<Option<Bench>> = const { RefCell::new(None) };
}

fn with_bench<T>(f: impl FnOnce(&mut Bench) -> Result<T, BenchError>) -> Result<T, JsError> {
    BENCH
        .with(|cell| {
            // Exports never call back into JS, so this borrow is never re-entered.
            let mut slot = cell.borrow_mut();
            if let Some(bench) = slot.as_mut() {
                return f(bench);
            }
            f(slot.insert(Bench::new()?))
        })
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Runs operation `op` `iterations` times; returns a checksum of the outputs.
#[wasm_bindgen]
pub fn run(op: &str, iterations: u32) -> Result<u32, JsError> {
    let op = Op::from_name(op).map_err(|e| JsError::new(&e.to_string()))?;
    with_bench(|bench| bench.run(op, iterations))
}

/// The operations and timing parameters, JSON.
#[wasm_bindgen]
pub fn plan() -> String {
    plan::plan_json()
}

/// The subscription, VAPID details, payload and user-agent keys, JSON (see
/// [`crate::Fixtures::node_json`]).
#[wasm_bindgen]
pub fn fixtures() -> Result<String, JsError> {
    with_bench(|bench| bench.fixtures().node_json())
}

/// One push request as `{headers: [[name, value]], body: b64u}`, VAPID `fresh` or `cached`.
#[wasm_bindgen]
pub fn sample_push(vapid: &str) -> Result<String, JsError> {
    let vapid = match vapid {
        "fresh" => Vapid::Fresh,
        "cached" => Vapid::Cached,
        other => {
            return Err(JsError::new(&format!(
                "vapid is {other:?}, not fresh|cached"
            )));
        }
    };
    with_bench(|bench| {
        let request = bench.push(vapid)?;
        Ok(serde_json::json!({
            "url": request.url,
            "headers": request.headers,
            "body": assent_proto::b64u::encode(&request.body),
        })
        .to_string())
    })
}
