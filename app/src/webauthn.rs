//! Passkeys through the browser's WebAuthn L3 JSON helpers (`parseCreationOptionsFromJSON`,
//! `toJSON()`), so the options the edge wrote and the response it verifies travel as the
//! standard JSON shapes with no hand conversion in between.

use assent_proto::b64u;
use wasm_bindgen::{JsCast, JsValue};

use crate::js::{self, obj};
use crate::problem::Problem;

/// How long the browser may wait for the user.
const TIMEOUT_MS: u32 = 120_000;

fn public_key_credential() -> Result<JsValue, Problem> {
    let class = js::get(&js::window()?.into(), "PublicKeyCredential");
    if class.is_undefined() || js::get(&class, "parseCreationOptionsFromJSON").is_undefined() {
        return Err(Problem::Unsupported(
            "passkeys (WebAuthn Level 3) are not available; update your browser".into(),
        ));
    }
    Ok(class)
}

fn credentials() -> Result<web_sys::CredentialsContainer, Problem> {
    Ok(js::window()?.navigator().credentials())
}

/// A WebAuthn failure in the user's terms: a cancelled prompt says so and changes nothing.
fn ceremony_problem(error: JsValue) -> Problem {
    let name = error
        .dyn_ref::<web_sys::DomException>()
        .map(web_sys::DomException::name)
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "AbortError" => Problem::PasskeyCancelled,
        "InvalidStateError" => {
            Problem::Passkey("this device already holds a passkey for that account".into())
        }
        "SecurityError" => {
            Problem::Passkey("the app is not on its own origin (use localhost or https)".into())
        }
        _ => Problem::Passkey(crate::api::js_message(&error)),
    }
}

/// `navigator.credentials.create()` from `PublicKeyCredentialCreationOptionsJSON`; returns
/// `RegistrationResponseJSON`.
pub async fn create(options: &serde_json::Value) -> Result<serde_json::Value, Problem> {
    let class = public_key_credential()?;
    let parsed = js::call(
        &class,
        "parseCreationOptionsFromJSON",
        &[js::from_json(options)?],
    )
    .map_err(|e| Problem::Other(crate::api::js_message(&e)))?;
    let request = obj(&[("publicKey", parsed)]);
    let promise =
        js::call(&credentials()?.into(), "create", &[request.into()]).map_err(ceremony_problem)?;
    let credential = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise))
        .await
        .map_err(ceremony_problem)?;
    response_json(&credential)
}

/// `navigator.credentials.get()` from `PublicKeyCredentialRequestOptionsJSON`; returns
/// `AuthenticationResponseJSON`.
pub async fn get(options: &serde_json::Value) -> Result<serde_json::Value, Problem> {
    let class = public_key_credential()?;
    let parsed = js::call(
        &class,
        "parseRequestOptionsFromJSON",
        &[js::from_json(options)?],
    )
    .map_err(|e| Problem::Other(crate::api::js_message(&e)))?;
    let request = obj(&[("publicKey", parsed)]);
    let promise =
        js::call(&credentials()?.into(), "get", &[request.into()]).map_err(ceremony_problem)?;
    let credential = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise))
        .await
        .map_err(ceremony_problem)?;
    response_json(&credential)
}

/// The request options for a decision: the challenge is the statement's hash (SPEC §7), the
/// credential is this account's, user verification is required.
pub fn decision_options(challenge: &[u8; 32], credential_id: &str) -> serde_json::Value {
    serde_json::json!({
        "challenge": b64u::encode(challenge),
        "allowCredentials": [{"type": "public-key", "id": credential_id}],
        "userVerification": "required",
        "timeout": TIMEOUT_MS,
    })
}

fn response_json(credential: &JsValue) -> Result<serde_json::Value, Problem> {
    if credential.is_null() || credential.is_undefined() {
        return Err(Problem::PasskeyCancelled);
    }
    let json = js::call(credential, "toJSON", &[])
        .map_err(|e| Problem::Other(crate::api::js_message(&e)))?;
    js::to_json(&json)
}
