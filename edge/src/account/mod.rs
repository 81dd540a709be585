//! The account Durable Object: one per `(rp_id, user_id)`, the single writer of that
//! account's mutable state (SPEC §12), so "exactly one decision" holds whatever races.
//!
//! The Worker talks to it with typed [`Command`]s (JSON over the stub's `fetch`); each
//! command loads the record, applies one change and saves it before answering, and the
//! object's input gate keeps commands from interleaving.

// `#[durable_object]` generates undocumented wasm-bindgen glue around the type.
#![allow(missing_docs)]

use std::collections::BTreeMap;

use assent_proto::api::{ActivationState, ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{
    DurableObject, Env, Method, Request, RequestInit, Response, Result, State, durable_object,
};

use crate::clock;
use crate::http::{Failure, json_response};

/// Storage key of the account record.
const RECORD: &str = "account";

/// What the object stores: one record, read and written whole (it is small: a handful of
/// devices, pending requests and activations).
#[derive(Debug, Default, Serialize, Deserialize)]
struct AccountRecord {
    #[serde(default)]
    activations: BTreeMap<String, ActivationEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ActivationEntry {
    expires_at: u64,
    user_name: String,
    display_name: String,
    #[serde(default)]
    device_id: Option<String>,
}

/// What the Worker asks of an account.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    /// Records a new activation (its code lives in KV, pointing here).
    CreateActivation {
        activation_id: String,
        expires_at: u64,
        user_name: String,
        display_name: String,
    },
    /// The state of an activation.
    ActivationStatus { activation_id: String },
    /// Readiness probe: a storage round trip.
    Ping,
}

/// The answer to [`Command::ActivationStatus`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ActivationView {
    pub status: ActivationState,
    pub device_id: Option<String>,
}

/// Holds one account's state; see docs/edge-design.md.
#[durable_object]
pub struct Account {
    state: State,
}

impl DurableObject for Account {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let command: Command = match req.json().await {
            Ok(command) => command,
            Err(e) => return Failure::internal("account: bad command", e).into_response(),
        };
        match self.apply(command).await {
            Ok(value) => json_response(&value, 200),
            Err(failure) => failure.into_response(),
        }
    }
}

impl Account {
    async fn apply(&self, command: Command) -> std::result::Result<serde_json::Value, Failure> {
        let storage = self.state.storage();
        let mut record: AccountRecord = storage.get(RECORD).await?.unwrap_or_default();
        let now = clock::now();
        let answer = match command {
            Command::Ping => serde_json::json!({ "ok": true }),
            Command::CreateActivation {
                activation_id,
                expires_at,
                user_name,
                display_name,
            } => {
                // Forget activations that expired a day ago: they can only answer `expired`.
                record
                    .activations
                    .retain(|_, a| a.device_id.is_some() || a.expires_at + 86_400 > now);
                record.activations.insert(
                    activation_id,
                    ActivationEntry {
                        expires_at,
                        user_name,
                        display_name,
                        device_id: None,
                    },
                );
                storage.put(RECORD, &record).await?;
                serde_json::json!({ "ok": true })
            }
            Command::ActivationStatus { activation_id } => {
                let entry = record
                    .activations
                    .get(&activation_id)
                    .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such activation"))?;
                let status = match (&entry.device_id, now >= entry.expires_at) {
                    (Some(_), _) => ActivationState::Completed,
                    (None, true) => ActivationState::Expired,
                    (None, false) => ActivationState::Pending,
                };
                serde_json::to_value(ActivationView {
                    status,
                    device_id: entry.device_id.clone(),
                })
                .map_err(|e| Failure::internal("account: encode", e))?
            }
        };
        Ok(answer)
    }
}

/// The Durable Object name of an account. RP ids never contain `:` (`[a-z0-9-]`), so the
/// first `:` separates them from any user id.
fn object_name(rp_id: &str, user_id: &str) -> String {
    format!("{rp_id}:{user_id}")
}

/// Sends `command` to the account `(rp_id, user_id)` and decodes its answer; an error
/// answer comes back as the same SPEC §11 failure.
pub async fn call<T: DeserializeOwned>(
    env: &Env,
    rp_id: &str,
    user_id: &str,
    command: &Command,
) -> std::result::Result<T, Failure> {
    let stub = env
        .durable_object("ACCOUNT")?
        .get_by_name(&object_name(rp_id, user_id))?;
    let body = serde_json::to_string(command).map_err(|e| Failure::internal("encode", e))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let request = Request::new_with_init("https://account/command", &init)?;
    let mut response = stub.fetch_with_request(request).await?;
    if response.status_code() == 200 {
        return Ok(response.json().await?);
    }
    let retry_after = response
        .headers()
        .get("Retry-After")?
        .and_then(|v| v.parse().ok());
    let body: ErrorBody = response.json().await?;
    let failure = Failure::from(body);
    Err(match retry_after {
        Some(seconds) => failure.with_retry_after(seconds),
        None => failure,
    })
}
