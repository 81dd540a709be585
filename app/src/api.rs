//! The typed client of the device API (SPEC §7), same origin as the app. Bodies and answers
//! are `assent-proto`'s wire types, so the app and the edge cannot disagree on a field.

use assent_proto::api::{
    ActivateBegin, ActivateBeginResponse, ActivateFinish, ActivateFinishResponse, Deactivate,
    DecisionBody, DecisionResult, DeviceRequest, InboxChallenge, InboxOpen, InboxSealed,
    PendingList, PushUpdate,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};

use crate::problem::Problem;

/// `POST /v1/device/activate/begin`.
pub async fn activate_begin(code: &str) -> Result<ActivateBeginResponse, Problem> {
    let body = ActivateBegin {
        code: code.to_owned(),
    };
    call("POST", "/v1/device/activate/begin", Some(&body)).await
}

/// `POST /v1/device/activate/finish`.
pub async fn activate_finish(body: &ActivateFinish) -> Result<ActivateFinishResponse, Problem> {
    call("POST", "/v1/device/activate/finish", Some(body)).await
}

/// `PUT /v1/device/{device_id}/push`.
pub async fn put_push(device_id: &str, sealed: String) -> Result<serde_json::Value, Problem> {
    let path = format!("/v1/device/{device_id}/push");
    call("PUT", &path, Some(&PushUpdate { sealed })).await
}

/// `GET /v1/device/{device_id}/requests/{request_id}` (gateway mode).
pub async fn device_request(device_id: &str, request_id: &str) -> Result<DeviceRequest, Problem> {
    let path = format!("/v1/device/{device_id}/requests/{request_id}");
    call::<_, ()>("GET", &path, None).await
}

/// `GET /v1/device/{device_id}/pending`.
pub async fn pending(device_id: &str) -> Result<PendingList, Problem> {
    let path = format!("/v1/device/{device_id}/pending");
    call::<_, ()>("GET", &path, None).await
}

/// `POST /v1/device/{device_id}/inbox/challenge`.
pub async fn inbox_challenge(device_id: &str) -> Result<InboxChallenge, Problem> {
    let path = format!("/v1/device/{device_id}/inbox/challenge");
    call("POST", &path, Some(&serde_json::json!({}))).await
}

/// `POST /v1/device/{device_id}/inbox`.
pub async fn inbox_open(device_id: &str, body: &InboxOpen) -> Result<InboxSealed, Problem> {
    let path = format!("/v1/device/{device_id}/inbox");
    call("POST", &path, Some(body)).await
}

/// `POST /v1/device/{device_id}/requests/{request_id}/decision`.
pub async fn decide(
    device_id: &str,
    request_id: &str,
    body: &DecisionBody,
) -> Result<DecisionResult, Problem> {
    let path = format!("/v1/device/{device_id}/requests/{request_id}/decision");
    call("POST", &path, Some(body)).await
}

/// `POST /v1/device/{device_id}/deactivate`.
pub async fn deactivate(device_id: &str, sealed: String) -> Result<serde_json::Value, Problem> {
    let path = format!("/v1/device/{device_id}/deactivate");
    call("POST", &path, Some(&Deactivate { sealed })).await
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

async fn call<T: DeserializeOwned, B: Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<T, Problem> {
    let init = RequestInit::new();
    init.set_method(method);
    // Answers are per-request state: never from a cache (the service worker leaves /v1 alone).
    init.set_cache(RequestCache::NoStore);
    if let Some(body) = body {
        let text = serde_json::to_string(body).map_err(|e| Problem::Other(e.to_string()))?;
        let headers = web_sys::Headers::new().map_err(js_problem)?;
        headers
            .set("Content-Type", "application/json")
            .map_err(js_problem)?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(&text));
    }
    let window = web_sys::window().ok_or_else(|| Problem::Unsupported("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        // fetch rejects only when the network failed (or CORS, which same-origin never hits).
        .map_err(|_| Problem::Offline)?
        .dyn_into()
        .map_err(js_problem)?;
    let status = response.status();
    if let Ok(Some(date)) = response.headers().get("Date") {
        crate::js::observe_edge_date(&date);
    }
    let text = JsFuture::from(response.text().map_err(js_problem)?)
        .await
        .map_err(|_| Problem::Offline)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text)
            .map_err(|e| Problem::Other(format!("unexpected answer from {path}: {e}")))
    } else {
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(ErrorBody { error }) => Err(Problem::Edge {
                status,
                code: error.code,
                message: error.message,
            }),
            Err(_) => Err(Problem::Edge {
                status,
                code: "internal".into(),
                message: format!("HTTP {status}"),
            }),
        }
    }
}

/// A browser exception as a problem, keeping its message.
pub fn js_problem(error: JsValue) -> Problem {
    Problem::Other(js_message(&error))
}

/// The `name: message` of a thrown JS value, or its string form.
pub fn js_message(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        let name = String::from(e.name());
        let message = String::from(e.message());
        return if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        };
    }
    if let Some(e) = error.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", e.name(), e.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
