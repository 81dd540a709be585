//! Web Push on this device: permission, the subscription, and keeping the edge's copy of it
//! current (SPEC §7: re-sent, sealed, with an increasing `seq`, whenever it differs).

use std::time::Duration;

use wasm_bindgen::JsValue;
use web_sys::ServiceWorkerRegistration;

use crate::channel::{self, Purpose};
use crate::js::{self, obj};
use crate::problem::Problem;
use crate::store::{self, Account};

/// `pushManager.subscribe()` never settles when the browser cannot reach its push service
/// (TOOLCHAIN pitfall 10); past this the account activates poll-only.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a device has no push subscription, to tell the user what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPush {
    /// The browser has no Push API here (on iOS: until the app is on the home screen).
    Unsupported,
    /// The user (or a policy) refused notifications.
    Denied,
    /// The push service did not answer in time.
    TimedOut,
    /// Something else failed (named).
    Failed(String),
}

impl NoPush {
    /// A sentence for the activation result.
    pub fn explain(&self) -> String {
        let why = match self {
            NoPush::Unsupported => {
                "this browser cannot receive push notifications here (on iPhone and iPad, add Assent to the Home Screen first, then activate from there)"
            }
            NoPush::Denied => "notifications are blocked for this app",
            NoPush::TimedOut => "the push service did not answer",
            NoPush::Failed(_) => "push could not be set up",
        };
        format!(
            "Notifications are off: {why}. The account works without them: open Assent when a website asks and the request will be here."
        )
    }
}

/// The service worker registration, once it is active.
pub async fn registration() -> Result<ServiceWorkerRegistration, Problem> {
    let container = js::window()?.navigator().service_worker();
    let ready = js::wait(container.ready()).await?;
    Ok(ready.into())
}

/// Asks for notification permission (call from a user gesture), then subscribes, raced
/// against a timeout. `Ok(json)` is `PushSubscription.toJSON()`.
pub async fn subscribe(vapid_public_key: &str) -> Result<serde_json::Value, NoPush> {
    let window = web_sys::window().ok_or(NoPush::Unsupported)?;
    if js::get(&window.clone().into(), "PushManager").is_undefined()
        || js::get(&window.clone().into(), "Notification").is_undefined()
    {
        return Err(NoPush::Unsupported);
    }
    let permission = js::wait(web_sys::Notification::request_permission())
        .await
        .map_err(|e| NoPush::Failed(e.message()))?;
    if permission.as_string().as_deref() != Some("granted") {
        return Err(NoPush::Denied);
    }
    let registration = registration()
        .await
        .map_err(|e| NoPush::Failed(e.message()))?;
    let manager = registration
        .push_manager()
        .map_err(|_| NoPush::Unsupported)?;
    let key =
        assent_proto::b64u::decode(vapid_public_key).map_err(|e| NoPush::Failed(e.to_string()))?;
    let options = obj(&[
        ("userVisibleOnly", JsValue::TRUE),
        (
            "applicationServerKey",
            js_sys::Uint8Array::from(key.as_slice()).into(),
        ),
    ]);
    let subscribing = js::call(&manager.into(), "subscribe", &[options.into()])
        .map_err(|e| NoPush::Failed(crate::api::js_message(&e)))?;
    let subscription = with_timeout(js_sys::Promise::from(subscribing), SUBSCRIBE_TIMEOUT)
        .await
        .map_err(|e| match e {
            None => NoPush::TimedOut,
            Some(e) if e.contains("NotAllowedError") => NoPush::Denied,
            Some(e) => NoPush::Failed(e),
        })?;
    subscription_json(&subscription).map_err(|e| NoPush::Failed(e.message()))
}

/// The current subscription's JSON, if any (never prompts).
pub async fn current() -> Result<Option<serde_json::Value>, Problem> {
    let window = js::window()?;
    if js::get(&window.into(), "PushManager").is_undefined() {
        return Ok(None);
    }
    let registration = registration().await?;
    let manager = registration
        .push_manager()
        .map_err(crate::api::js_problem)?;
    let got = with_timeout(
        js_sys::Promise::from(
            js::call(&manager.into(), "getSubscription", &[]).map_err(crate::api::js_problem)?,
        ),
        SUBSCRIBE_TIMEOUT,
    )
    .await
    .map_err(|e| Problem::Other(e.unwrap_or_else(|| "getSubscription timed out".into())))?;
    if got.is_null() || got.is_undefined() {
        return Ok(None);
    }
    subscription_json(&got).map(Some)
}

fn subscription_json(subscription: &JsValue) -> Result<serde_json::Value, Problem> {
    let json = js::call(subscription, "toJSON", &[]).map_err(crate::api::js_problem)?;
    js::to_json(&json)
}

/// Sends `subscription` for `account` if it differs from what the edge last got, with the
/// next `seq`, and records it. Returns true when something was sent.
pub async fn sync(
    account: &mut Account,
    subscription: Option<&serde_json::Value>,
) -> Result<bool, Problem> {
    if same_subscription(account.push_subscription.as_deref(), subscription) {
        return Ok(false);
    }
    // Taken (and stored) before sending: see `store::take_push_seq`. The clock is the floor:
    // it frees a device that earlier builds left behind the edge (they stored a seq only
    // after the edge's answer, so a lost answer left the edge one ahead for good), and a
    // stored seq the browser lost in a crash (IndexedDB commits are not always durable).
    let seq = store::take_push_seq(&account.device_id, crate::js::now_millis()).await?;
    account.push_seq = seq;
    let plaintext = serde_json::json!({ "subscription": subscription, "seq": seq }).to_string();
    let private = store::channel_key(&account.device_id).await?;
    let key = channel::payload_key(
        &private,
        &account.edge_channel_public_key,
        &account.device_id,
    )
    .await?;
    let sealed = channel::seal(
        &key,
        Purpose::Push,
        &account.device_id,
        plaintext.as_bytes(),
    )
    .await?;
    crate::api::put_push(&account.device_id, sealed).await?;
    // Only an accepted subscription counts as registered: a failed send is retried at the
    // next start (with a new seq).
    account.push_subscription = subscription.map(serde_json::Value::to_string);
    store::update(account).await?;
    Ok(true)
}

/// Whether the recorded subscription text is `current`. Compared as JSON values, not text:
/// the service worker of earlier builds recorded it in the browser's key order, and the
/// same subscription must not look new (and be re-sent) for its spelling.
fn same_subscription(recorded: Option<&str>, current: Option<&serde_json::Value>) -> bool {
    match (recorded, current) {
        (None, None) => true,
        (Some(text), Some(value)) => {
            serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v == *value)
        }
        _ => false,
    }
}

/// Resolves with the promise's value, `Err(None)` after `limit`, `Err(Some(message))` when
/// it rejects.
async fn with_timeout(
    promise: js_sys::Promise,
    limit: Duration,
) -> Result<JsValue, Option<String>> {
    use wasm_bindgen::JsCast;
    let marker = JsValue::from_str("assent-timeout");
    let fired = marker.clone();
    let millis = i32::try_from(limit.as_millis()).unwrap_or(i32::MAX);
    let timer = js_sys::Promise::new(&mut |resolve, _| {
        let fired = fired.clone();
        let ring = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &fired);
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                ring.unchecked_ref(),
                millis,
            );
        }
    });
    let race = js_sys::Promise::race(&js_sys::Array::of2(&promise, &timer));
    match wasm_bindgen_futures::JsFuture::from(race).await {
        Ok(value) if value == marker => Err(None),
        Ok(value) => Ok(value),
        Err(e) => Err(Some(crate::api::js_message(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriptions_compare_as_values() {
        let current = serde_json::json!({
            "endpoint": "https://push.example/a", "expirationTime": null,
            "keys": {"p256dh": "x", "auth": "y"},
        });
        // As JSON.stringify records it (insertion order) and as serde_json does (sorted).
        let browser_order = r#"{"endpoint":"https://push.example/a","expirationTime":null,"keys":{"p256dh":"x","auth":"y"}}"#;
        assert!(same_subscription(Some(browser_order), Some(&current)));
        assert!(same_subscription(
            Some(&current.to_string()),
            Some(&current)
        ));
        assert!(same_subscription(None, None));
        assert!(!same_subscription(None, Some(&current)));
        assert!(!same_subscription(Some(browser_order), None));
        assert!(!same_subscription(Some("not json"), Some(&current)));
        let other = serde_json::json!({"endpoint": "https://push.example/b"});
        assert!(!same_subscription(Some(browser_order), Some(&other)));
    }
}
