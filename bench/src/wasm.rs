//! The wasm exports `bench/run.mjs` calls. One [`Bench`] per module instance, built on first
//! use (outside the timed rounds: the runner's calibration absorbs it).

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use assent_webpush::{ES256_SIGNATURE_LEN, P256DH_LEN, PushRequest};

use crate::{Bench, BenchError, HostPush, Op, Vapid, plan};

thread_local! {
    static BENCH: RefCell<Option<Bench>> = const { RefCell::new(None) };
    /// The host-crypto push between `host_push_begin` and `host_push_finish`.
    static HOST_PUSH: RefCell<Option<HostPush>> = const { RefCell::new(None) };
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

fn vapid_mode(vapid: &str) -> Result<Vapid, JsError> {
    match vapid {
        "fresh" => Ok(Vapid::Fresh),
        "cached" => Ok(Vapid::Cached),
        other => Err(JsError::new(&format!(
            "vapid is {other:?}, not fresh|cached"
        ))),
    }
}

fn request_json(request: &PushRequest) -> String {
    serde_json::json!({
        "url": request.url,
        "headers": request.headers,
        "body": assent_proto::b64u::encode(&request.body),
    })
    .to_string()
}

/// One push request as `{headers: [[name, value]], body: b64u}`, VAPID `fresh` or `cached`.
#[wasm_bindgen]
pub fn sample_push(vapid: &str) -> Result<String, JsError> {
    let vapid = vapid_mode(vapid)?;
    with_bench(|bench| Ok(request_json(&bench.push(vapid)?)))
}

/// The VAPID private key as a JWK, for the host to import once (as the edge does per
/// isolate).
#[wasm_bindgen]
pub fn host_vapid_private_jwk() -> Result<String, JsError> {
    with_bench(|bench| Ok(bench.fixtures().vapid.private_jwk()))
}

/// Step 1 of a push on the edge's production path (`crate::host`), VAPID `fresh` or
/// `cached`: returns the subscription's `p256dh` for the host's ECDH.
#[wasm_bindgen]
pub fn host_push_begin(vapid: &str) -> Result<Vec<u8>, JsError> {
    let vapid = vapid_mode(vapid)?;
    let push = with_bench(|bench| bench.host_push_begin(vapid))?;
    let p256dh = push.p256dh().to_vec();
    HOST_PUSH.with(|cell| *cell.borrow_mut() = Some(push));
    Ok(p256dh)
}

/// The JWS signing input the host must sign for the begun push, if its VAPID header is not
/// cached.
#[wasm_bindgen]
pub fn host_push_signing_input() -> Option<Vec<u8>> {
    HOST_PUSH.with(|cell| {
        cell.borrow()
            .as_ref()
            .and_then(|push| push.signing_input().map(|s| s.as_bytes().to_vec()))
    })
}

/// Step 3: the host's raw public key (65 bytes), ECDH secret (32) and, when a signing input
/// was given, the ES256 signature (64); returns the request's length (header names and
/// values, body), as `run` returns a checksum.
#[wasm_bindgen]
pub fn host_push_finish(
    as_public: &[u8],
    ecdh_secret: &[u8],
    signature: Option<Vec<u8>>,
) -> Result<u32, JsError> {
    let request = host_finish(as_public, ecdh_secret, signature.as_deref())?;
    let len = request.body.len()
        + request
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len())
            .sum::<usize>();
    Ok(u32::try_from(len).unwrap_or(u32::MAX))
}

/// Step 3 as [`host_push_finish`], returning the request as [`sample_push`] does.
#[wasm_bindgen]
pub fn host_push_finish_sample(
    as_public: &[u8],
    ecdh_secret: &[u8],
    signature: Option<Vec<u8>>,
) -> Result<String, JsError> {
    Ok(request_json(&host_finish(
        as_public,
        ecdh_secret,
        signature.as_deref(),
    )?))
}

fn host_finish(
    as_public: &[u8],
    ecdh_secret: &[u8],
    signature: Option<&[u8]>,
) -> Result<PushRequest, JsError> {
    let as_public: &[u8; P256DH_LEN] = exact("public key", as_public)?;
    let ecdh_secret: &[u8; 32] = exact("ECDH secret", ecdh_secret)?;
    let signature: Option<&[u8; ES256_SIGNATURE_LEN]> =
        signature.map(|s| exact("signature", s)).transpose()?;
    let push = HOST_PUSH
        .with(|cell| cell.borrow_mut().take())
        .ok_or_else(|| JsError::new(&BenchError::HostPushNotBegun.to_string()))?;
    with_bench(|bench| bench.host_push_finish(push, as_public, ecdh_secret, signature))
}

fn exact<'a, const N: usize>(what: &'static str, bytes: &'a [u8]) -> Result<&'a [u8; N], JsError> {
    bytes.try_into().map_err(|_| {
        JsError::new(
            &BenchError::HostLength {
                what,
                len: bytes.len(),
                expected: N,
            }
            .to_string(),
        )
    })
}
