//! The device's view of a request (gateway mode) and its decision (SPEC §7).

use assent_config::Mode;
use assent_proto::api::{Bounds, DecisionBody, DecisionResult, DeviceRequest, ErrorCode};
use assent_proto::ids;
use worker::{Env, Request};

use crate::account::{self, Command, Decide, Decided, View};
use crate::config;
use crate::http::{Answer, Failure, ok, read_valid};
use crate::records::{self, DeviceRecord};
use crate::routes_requests::{RequestEntry, request_key};

/// The device's account and the request, which must be that account's.
async fn device_and_request(
    env: &Env,
    device_id: &str,
    request_id: &str,
) -> Result<(DeviceRecord, RequestEntry), Failure> {
    let not_found = |what: &str| Failure::new(ErrorCode::NotFound, format!("no such {what}"));
    if !ids::is_valid_id(device_id) {
        return Err(not_found("device"));
    }
    if !ids::is_valid_id(request_id) {
        return Err(not_found("request"));
    }
    let device: DeviceRecord = records::get(env, &records::device_key(device_id))
        .await?
        .ok_or_else(|| not_found("device"))?;
    // Another account's request is answered exactly like an unknown one.
    let entry: RequestEntry = records::get(env, &request_key(request_id))
        .await?
        .filter(|e: &RequestEntry| e.rp_id == device.rp_id && e.user_id == device.user_id)
        .ok_or_else(|| not_found("request"))?;
    Ok((device, entry))
}

/// `GET /v1/device/{device_id}/requests/{request_id}`: gateway mode only; a secure-mode
/// account sees details only through the inbox (`403`).
pub async fn get(env: &Env, device_id: &str, request_id: &str) -> Answer {
    let config = config::load(env)?;
    let (device, entry) = device_and_request(env, device_id, request_id).await?;
    let rp = config
        .rp_by_id(&device.rp_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such device"))?;
    if rp.mode() == Mode::Secure {
        return Err(Failure::new(
            ErrorCode::Forbidden,
            "this account is in secure mode: request details come only through the inbox",
        ));
    }
    let view: View = account::call(
        env,
        &device.rp_id,
        &device.user_id,
        &Command::DeviceView {
            device_id: device_id.to_owned(),
            request_id: request_id.to_owned(),
        },
    )
    .await?;
    ok(&DeviceRequest {
        request_hash: entry
            .content
            .request_hash()
            .map_err(|e| Failure::internal("request hash", e))?,
        request: entry.content,
        number_matching: entry.number_matching,
        status: view.request.status,
    })
}

/// `POST /v1/device/{device_id}/requests/{request_id}/decision`.
pub async fn decide(mut req: Request, env: &Env, device_id: &str, request_id: &str) -> Answer {
    let body: DecisionBody = read_valid(&mut req, &Bounds::default()).await?;
    let config = config::load(env)?;
    let (device, entry) = device_and_request(env, device_id, request_id).await?;
    let rp = config
        .rp_by_id(&device.rp_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such device"))?;
    let decided: Decided = account::call(
        env,
        &device.rp_id,
        &device.user_id,
        &Command::Decide(Decide {
            device_id: device_id.to_owned(),
            content: entry.content,
            decision: body.decision,
            reason: body.reason,
            binding_code: body.binding_code,
            assertion: body.assertion,
            limits: *rp.limits(),
        }),
    )
    .await?;
    ok(&DecisionResult {
        status: decided.status,
        receipt: decided.receipt,
    })
}
