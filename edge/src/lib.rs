//! The Assent edge Worker: routing, auth, KV, the account Durable Object, the webhook Queue
//! and push delivery. Thin: parse → call `pkg/` → store or send → map errors to HTTP.
//! This cut answers `GET /healthz`, which checks that each binding answers; the API
//! arrives with the edge issue (see docs/edge-design.md).

mod account;
mod health;

pub use account::Account;

use worker::{Context, Env, MessageBatch, Request, Response, Result, Router, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get_async("/healthz", |_, ctx| health::check(ctx.env))
        .run(req, env)
        .await
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, _env: Env, _ctx: Context) -> Result<()> {
    // Webhook delivery arrives with the edge issue; until then a message is only acknowledged.
    batch.ack_all();
    Ok(())
}
