//! The Assent edge Worker. This first cut only answers `GET /healthz`; the API, the Durable
//! Object, KV, the webhook Queue and push delivery arrive with the edge issue.

use worker::{Context, Env, Request, Response, Result, Router, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get("/healthz", |_, _| {
            Response::from_json(&serde_json::json!({ "status": "ok", "service": "assent-edge" }))
        })
        .run(req, env)
        .await
}
