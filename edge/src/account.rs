//! The account Durable Object: one per `(rp_id, user_id)`, the single writer of that
//! account's mutable state (SPEC §12), so "exactly one decision" holds whatever races.

// `#[durable_object]` generates undocumented wasm-bindgen glue around the type.
#![allow(missing_docs)]

use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

/// Holds one account's state; see docs/edge-design.md.
#[durable_object]
pub struct Account {
    state: State,
}

impl DurableObject for Account {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        // The only command so far is the readiness probe: a storage round trip.
        if req.path() == "/ping" {
            let storage = self.state.storage();
            let count: u64 = storage.get("pings").await?.unwrap_or(0);
            storage.put("pings", count + 1).await?;
            return Response::from_json(&serde_json::json!({ "pings": count + 1 }));
        }
        Response::error("not found", 404)
    }
}
