//! Devices: the PWA re-registers its push subscription or deactivates itself (SPEC §7); the
//! RP lists and removes an account's devices (SPEC §5).

use assent_proto::api::{Bounds, Deactivate, DeviceList, ErrorCode, PushUpdate};
use assent_proto::ids;
use worker::{Env, Request};

use crate::account::{self, Command};
use crate::http::{Answer, Failure, ok, read_valid};
use crate::records;
use crate::{auth, config};

/// `PUT /v1/device/{device_id}/push {sealed}`.
pub async fn set_push(mut req: Request, env: &Env, device_id: &str) -> Answer {
    let body: PushUpdate = read_valid(&mut req, &Bounds::default()).await?;
    let device = records::device(env, device_id).await?;
    let answer: serde_json::Value = account::call(
        env,
        &device.rp_id,
        &device.user_id,
        &Command::SetPush {
            device_id: device_id.to_owned(),
            sealed: body.sealed,
        },
    )
    .await?;
    ok(&answer)
}

/// `POST /v1/device/{device_id}/deactivate {sealed}`.
pub async fn deactivate(mut req: Request, env: &Env, device_id: &str) -> Answer {
    let body: Deactivate = read_valid(&mut req, &Bounds::default()).await?;
    let device = records::device(env, device_id).await?;
    let answer: serde_json::Value = account::call(
        env,
        &device.rp_id,
        &device.user_id,
        &Command::Deactivate {
            device_id: device_id.to_owned(),
            sealed: body.sealed,
        },
    )
    .await?;
    ok(&answer)
}

/// The user id of a path segment: percent-decoded, UTF-8, 1–128 bytes (SPEC §1).
fn user_id(segment: &str) -> Result<String, Failure> {
    let bad = || Failure::new(ErrorCode::InvalidRequest, "user_id: not a valid user id");
    let mut bytes = Vec::with_capacity(segment.len());
    let mut rest = segment.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail.get(..2).ok_or_else(bad)?;
            let hex = core::str::from_utf8(hex).map_err(|_| bad())?;
            bytes.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            rest = tail.get(2..).unwrap_or_default();
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    let id = String::from_utf8(bytes).map_err(|_| bad())?;
    if ids::is_valid_user_id(&id) {
        Ok(id)
    } else {
        Err(bad())
    }
}

/// `GET /v1/users/{user_id}/devices`.
pub async fn list(req: Request, env: &Env, user: &str) -> Answer {
    let config = config::load(env)?;
    let rp = auth::rp(&req, &config)?;
    let user_id = user_id(user)?;
    let list: DeviceList = account::call(env, rp.id(), &user_id, &Command::ListDevices).await?;
    ok(&list)
}

/// `DELETE /v1/users/{user_id}/devices/{device_id}`.
pub async fn remove(req: Request, env: &Env, user: &str, device_id: &str) -> Answer {
    let config = config::load(env)?;
    let rp = auth::rp(&req, &config)?;
    let user_id = user_id(user)?;
    if !ids::is_valid_id(device_id) {
        return Err(Failure::new(ErrorCode::NotFound, "no such device"));
    }
    let answer: serde_json::Value = account::call(
        env,
        rp.id(),
        &user_id,
        &Command::RemoveDevice {
            device_id: device_id.to_owned(),
        },
    )
    .await?;
    ok(&answer)
}
