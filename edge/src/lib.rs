//! The Assent edge Worker: routing, auth, KV, the account Durable Object, the webhook Queue
//! and push delivery. Thin: parse → call `pkg/` → store or send → map errors to HTTP.
//! So far: `GET /healthz` (each binding answers) and `GET /.well-known/jwks.json`; the rest
//! of the API follows docs/edge-design.md.

mod account;
mod auth;
mod clock;
mod config;
mod health;
mod http;
mod notifier;
mod owners;
mod push;
mod queue;
mod records;
mod router;
mod routes_activations;
mod routes_device_activation;
mod routes_device_requests;
mod routes_devices;
mod routes_inbox;
mod routes_keys;
mod routes_pending;
mod routes_requests;
mod rules_map;
mod sealed;
mod webcrypto;
mod webhooks;

pub use account::Account;

use worker::{Context, Env, MessageBatch, Request, Response, Result, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    router::handle(req, env).await
}

#[event(queue)]
async fn queue(batch: MessageBatch<queue::Job>, env: Env, _ctx: Context) -> Result<()> {
    queue::consume(batch, env).await
}
