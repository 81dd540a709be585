//! Pushing a request to one device and following up on the push service's answer (SPEC §6):
//! delivered; gone (`404`/`410`: the device becomes poll-only, `device.push_gone`); retry
//! (`429`/`5xx`: again after `Retry-After` or an exponential backoff, through the Queue,
//! while the request is still pending); rejected (logged).

use assent_config::Config;
use assent_proto::api::PushPayload;
use assent_proto::content::Kind;
use assent_webpush::PushOutcome;
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::account::{self, Command};
use crate::http::Failure;
use crate::{clock, push, queue};

/// One push of one request to one device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Target {
    pub rp_id: String,
    pub user_id: String,
    pub device_id: String,
    pub request_id: String,
    pub kind: Kind,
    pub expires_at: u64,
    pub push_seq: u64,
    /// PushSubscriptionJSON as registered.
    pub subscription: String,
    /// 1 for the first push.
    pub attempt: u32,
}

/// Sends the push and acts on the answer; true when the push service accepted it.
pub async fn push(env: &Env, config: &Config, target: &Target) -> bool {
    let outcome = send(config, target).await;
    match outcome {
        Ok(PushOutcome::Delivered) => return true,
        Ok(PushOutcome::Gone) => {
            let gone = Command::PushGone {
                device_id: target.device_id.clone(),
                push_seq: target.push_seq,
            };
            if let Err(e) =
                account::call::<serde_json::Value>(env, &target.rp_id, &target.user_id, &gone).await
            {
                worker::console_error!("push gone: {}", e.body);
            }
        }
        Ok(PushOutcome::Retry { after_seconds }) => {
            let delay = after_seconds
                .unwrap_or_else(|| 1u64 << target.attempt.min(10))
                .max(1);
            if clock::now() + delay < target.expires_at {
                let next = Target {
                    attempt: target.attempt + 1,
                    ..target.clone()
                };
                queue::push_later(env, next, u32::try_from(delay).unwrap_or(u32::MAX)).await;
            } else {
                worker::console_warn!(
                    "push for {} not retried: it expires first",
                    target.request_id
                );
            }
        }
        Ok(PushOutcome::Rejected { status }) => {
            worker::console_error!("push rejected by the push service with {status}");
        }
        Err(e) => worker::console_error!("push: {}", e.body),
    }
    false
}

async fn send(config: &Config, target: &Target) -> Result<PushOutcome, Failure> {
    let rp_name = config
        .rp_by_id(&target.rp_id)
        .map(|rp| rp.name().to_owned())
        .unwrap_or_default();
    let payload = PushPayload::new(
        config.edge_origin(),
        &rp_name,
        &target.device_id,
        &target.request_id,
        target.kind,
        target.expires_at,
    )
    .to_bytes()
    .map_err(|e| Failure::internal("push payload", e))?;
    // SPEC §6: TTL = seconds until the request expires.
    let ttl = u32::try_from(target.expires_at.saturating_sub(clock::now())).unwrap_or(u32::MAX);
    push::send(
        config,
        &target.subscription,
        &payload,
        ttl,
        push::topic(&target.rp_id, &target.user_id)?,
    )
    .await
}

/// A queued retry: sent only if the request is still pending and the device still has the
/// subscription the push was for.
pub async fn retry(env: &Env, config: &Config, target: Target) {
    let still: Result<serde_json::Value, Failure> = account::call(
        env,
        &target.rp_id,
        &target.user_id,
        &Command::PushStillWanted {
            device_id: target.device_id.clone(),
            request_id: target.request_id.clone(),
            push_seq: target.push_seq,
        },
    )
    .await;
    match still {
        Ok(v) if v.get("wanted") == Some(&serde_json::Value::Bool(true)) => {
            push(env, config, &target).await;
        }
        Ok(_) => {}
        Err(e) => worker::console_error!("push retry: {}", e.body),
    }
}
