//! Small bridges to browser objects that web-sys has no typed binding for (or only behind
//! unstable flags): plain-object construction, property access, promises.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::js_message;
use crate::problem::Problem;

/// A plain object with these members.
pub fn obj(members: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (name, value) in members {
        // Setting a member of a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object
}

/// `target[name]`, or `undefined`.
pub fn get(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `target[name](...args)`.
pub fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: js_sys::Function = get(target, name)
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{name} is not available in this browser")))?;
    let list = js_sys::Array::new();
    for arg in args {
        list.push(arg);
    }
    Reflect::apply(&function, target, &list)
}

/// Awaits a promise returned by a browser API, naming the failure.
pub async fn wait(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, Problem> {
    let promise = promise.map_err(|e| Problem::Other(js_message(&e)))?;
    JsFuture::from(promise)
        .await
        .map_err(|e| Problem::Other(js_message(&e)))
}

/// The bytes of an `ArrayBuffer` or typed array.
pub fn bytes(value: &JsValue) -> Vec<u8> {
    js_sys::Uint8Array::new(value).to_vec()
}

/// JSON text → JS value (`JSON.parse`).
pub fn from_json(value: &serde_json::Value) -> Result<JsValue, Problem> {
    js_sys::JSON::parse(&value.to_string()).map_err(|e| Problem::Other(js_message(&e)))
}

/// JS value → JSON (`JSON.stringify`, then serde).
pub fn to_json(value: &JsValue) -> Result<serde_json::Value, Problem> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|e| Problem::Other(js_message(&e)))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| Problem::Other(e.to_string()))
}

/// The page's `window`.
pub fn window() -> Result<web_sys::Window, Problem> {
    web_sys::window().ok_or_else(|| Problem::Unsupported("no window".into()))
}

/// Seconds since the Unix epoch by the device's clock.
pub fn now_seconds() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        // Whole seconds; the clock is far inside u64.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let secs = (ms / 1000.0) as u64;
        secs
    } else {
        0
    }
}

thread_local! {
    /// How far the edge's clock is ahead of the device's, in milliseconds (0 until an answer
    /// of the edge said, and while the two agree within its `Date`'s one-second grain).
    static EDGE_OFFSET_MS: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// Learns the edge's clock from an answer's `Date` header (RFC 9110 `IMF-fixdate`). A phone
/// whose clock is minutes off would otherwise count a live request as expired, or seal a
/// deactivation the edge finds stale.
pub fn observe_edge_date(header: &str) {
    let edge_ms = js_sys::Date::parse(header);
    let device_ms = js_sys::Date::now();
    if !edge_ms.is_finite() || !device_ms.is_finite() {
        return;
    }
    let offset = edge_ms - device_ms;
    // Within 2 s is the header's grain plus the network: no correction.
    let offset = if offset.abs() < 2000.0 { 0.0 } else { offset };
    // A clock years off still fits an i64 of milliseconds many times over.
    #[allow(clippy::cast_possible_truncation)]
    EDGE_OFFSET_MS.with(|o| o.set(offset as i64));
}

/// Seconds since the Unix epoch by the edge's clock, as far as the app has seen it: what
/// expiries and sealed timestamps are judged by.
pub fn edge_now_seconds() -> u64 {
    let offset = EDGE_OFFSET_MS.with(std::cell::Cell::get);
    let ms = i64::try_from(now_millis())
        .unwrap_or(i64::MAX)
        .saturating_add(offset);
    u64::try_from(ms / 1000).unwrap_or(0)
}

/// Milliseconds since the Unix epoch by the device's clock.
pub fn now_millis() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = ms as u64;
        whole
    } else {
        0
    }
}
