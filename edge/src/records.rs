//! Write-once records in Workers KV (SPEC §12), each pointing at the account Durable
//! Object that holds the mutable state.

use assent_proto::api::ErrorCode;
use assent_proto::ids;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::http::Failure;

/// `act:<code>` → the activation the code belongs to (lives as long as the code).
#[derive(Debug, Serialize, Deserialize)]
pub struct CodeRecord {
    pub activation_id: String,
    pub rp_id: String,
    pub user_id: String,
    pub expires_at: u64,
}

/// `activation:<activation_id>` → its account (kept a day, so that late polls still learn
/// `expired` or `completed`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ActivationRecord {
    pub rp_id: String,
    pub user_id: String,
}

/// `dev:<device_id>` → its account (written when a device begins activating; a device id
/// that never finished, or was removed, is not found in the account).
#[derive(Debug, Serialize, Deserialize)]
pub struct DeviceRecord {
    pub rp_id: String,
    pub user_id: String,
}

pub fn device_key(device_id: &str) -> String {
    format!("dev:{device_id}")
}

pub fn code_key(code: &str) -> String {
    format!("act:{code}")
}

pub fn activation_key(activation_id: &str) -> String {
    format!("activation:{activation_id}")
}

/// Writes `value` under `key`, expiring at `expires_at` (Unix seconds) when given.
pub async fn put<T: Serialize>(
    env: &Env,
    key: &str,
    value: &T,
    expires_at: Option<u64>,
) -> Result<(), Failure> {
    let kv = env.kv("ASSENT_KV")?;
    let json = serde_json::to_string(value).map_err(|e| Failure::internal("kv encode", e))?;
    let mut put = kv
        .put(key, json)
        .map_err(|e| Failure::internal("kv put", e))?;
    if let Some(at) = expires_at {
        put = put.expiration(at);
    }
    put.execute()
        .await
        .map_err(|e| Failure::internal("kv put", e))
}

/// The device `device_id`, or `404 not_found` (a malformed id reads like an unknown one).
pub async fn device(env: &Env, device_id: &str) -> Result<DeviceRecord, Failure> {
    let not_found = || Failure::new(ErrorCode::NotFound, "no such device");
    if !ids::is_valid_id(device_id) {
        return Err(not_found());
    }
    get(env, &device_key(device_id))
        .await?
        .ok_or_else(not_found)
}

/// Removes the record under `key`.
pub async fn delete(env: &Env, key: &str) -> Result<(), Failure> {
    env.kv("ASSENT_KV")?
        .delete(key)
        .await
        .map_err(|e| Failure::internal("kv delete", e))
}

/// Reads the record under `key`, if any.
pub async fn get<T: DeserializeOwned>(env: &Env, key: &str) -> Result<Option<T>, Failure> {
    env.kv("ASSENT_KV")?
        .get(key)
        .json()
        .await
        .map_err(|e| Failure::internal("kv get", e))
}
