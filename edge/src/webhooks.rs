//! Webhooks (SPEC §9): events go through the `WEBHOOKS` Queue and are delivered at least
//! once, signed with `Assent-Signature`, retried with exponential backoff; after the last
//! attempt the delivery goes to the dead-letter queue. Receivers dedupe by `id`.

use assent_config::Config;
use assent_webhook::{Event, EventType, HEADER_NAME, sign};
use serde::{Deserialize, Serialize};
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

use crate::clock;
use crate::queue::{self, Job};

/// Delivery attempts before the dead-letter queue: backoff 1 s, 2 s, 4 s… capped at an
/// hour, about five hours in all.
pub const MAX_ATTEMPTS: u32 = 16;
const MAX_DELAY_SECONDS: u32 = 3600;

/// One event on its way to one RP. The event travels as its JSON text, so every attempt
/// posts the same bytes (and the queue's structured clone cannot reshape it); the attempt
/// travels with it because workers-rs 0.8.7 does not expose the runtime's count.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub rp_id: String,
    pub attempt: u32,
    pub event_id: String,
    pub body: String,
}

/// A new event (fresh id, created now) for `rp_id`.
pub fn event(event_type: EventType, data: serde_json::Value) -> Option<Event> {
    let id = clock::new_id().ok()?;
    Some(Event {
        id,
        event_type,
        created_at: clock::now(),
        data,
    })
}

/// Hands each event to the Queue for its first delivery attempt; returns the events the
/// Queue did not take, for the caller's outbox to try again.
pub async fn enqueue(env: &Env, rp_id: &str, events: Vec<Event>) -> Vec<Event> {
    let mut unsent = Vec::new();
    for event in events {
        let body = match serde_json::to_string(&event) {
            Ok(body) => body,
            Err(e) => {
                // Cannot happen for a JSON value; retrying would not help.
                worker::console_error!("webhooks: encode {}: {e}", event.id);
                continue;
            }
        };
        let delivery = Delivery {
            rp_id: rp_id.to_owned(),
            attempt: 1,
            event_id: event.id.clone(),
            body,
        };
        if let Err(e) = queue::send(env, &Job::Webhook(delivery), 0).await {
            worker::console_error!("webhooks: enqueue {}: {e}", event.id);
            unsent.push(event);
        }
    }
    unsent
}

fn backoff_seconds(attempt: u32) -> u32 {
    2u32.saturating_pow(attempt.saturating_sub(1))
        .min(MAX_DELAY_SECONDS)
}

/// Delivers one event; a failure is queued again with the next delay. `false` when the
/// event is neither delivered nor queued again: the caller must keep the message.
pub async fn deliver(env: &Env, config: &Config, delivery: &Delivery) -> bool {
    let Some(webhook) = config.rp_by_id(&delivery.rp_id).and_then(|rp| rp.webhook()) else {
        return true; // the RP has no webhook (any more): nothing to deliver
    };
    if let Err(why) = post(webhook.url(), webhook.secret(), delivery.body.as_bytes()).await {
        worker::console_warn!(
            "webhook {} to {} attempt {}: {why}",
            delivery.event_id,
            delivery.rp_id,
            delivery.attempt
        );
        return requeue(env, delivery).await;
    }
    true
}

/// The next attempt after a delay, or the dead-letter queue after the last one; `false`
/// when neither Queue took it.
async fn requeue(env: &Env, delivery: &Delivery) -> bool {
    let next = Delivery {
        rp_id: delivery.rp_id.clone(),
        attempt: delivery.attempt + 1,
        event_id: delivery.event_id.clone(),
        body: delivery.body.clone(),
    };
    let sent = if next.attempt > MAX_ATTEMPTS {
        match env.queue("WEBHOOKS_DLQ") {
            Ok(dlq) => dlq.send(&next).await,
            Err(e) => Err(e),
        }
    } else {
        queue::send(
            env,
            &Job::Webhook(next.clone()),
            backoff_seconds(delivery.attempt),
        )
        .await
    };
    match sent {
        Ok(()) => true,
        Err(e) => {
            worker::console_error!("webhook {}: could not requeue: {e}", next.event_id);
            false
        }
    }
}

/// One signed POST; any answer other than 2xx is a failure.
async fn post(url: &str, secret: &[u8], body: &[u8]) -> Result<(), String> {
    let signature = sign(secret, clock::now(), body);
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/json")
        .map_err(|e| e.to_string())?;
    headers
        .set(HEADER_NAME, &signature)
        .map_err(|e| e.to_string())?;
    headers
        .set("User-Agent", "Assent-Webhooks/1")
        .map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(js_sys::Uint8Array::from(body).into()));
    let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    let response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match response.status_code() {
        200..=299 => Ok(()),
        status => Err(format!("answered {status}")),
    }
}
