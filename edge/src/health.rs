//! `GET /healthz`: the Worker is up and each binding (KV, the account Durable Object, the
//! webhook Queue) answers. Details go to the log, never to the caller.

use serde::Serialize;

use crate::account::{self, Command};
use worker::{Env, Response, Result};

#[derive(Serialize)]
struct Health {
    status: &'static str,
    service: &'static str,
    kv: bool,
    durable_object: bool,
    queue: bool,
}

pub async fn check(env: Env) -> Result<Response> {
    let kv = probe("kv", kv_round_trip(&env).await);
    let durable_object = probe("durable object", durable_object_round_trip(&env).await);
    let queue = probe("queue", env.queue("WEBHOOKS").map(|_| ()));
    let ok = kv && durable_object && queue;
    let body = Health {
        status: if ok { "ok" } else { "degraded" },
        service: "assent-edge",
        kv,
        durable_object,
        queue,
    };
    Ok(Response::from_json(&body)?.with_status(if ok { 200 } else { 503 }))
}

fn probe(name: &str, result: Result<()>) -> bool {
    if let Err(e) = &result {
        worker::console_error!("healthz: {name}: {e}");
    }
    result.is_ok()
}

async fn kv_round_trip(env: &Env) -> Result<()> {
    let kv = env.kv("ASSENT_KV")?;
    kv.put("healthz", "ok")?
        .expiration_ttl(60)
        .execute()
        .await?;
    match kv.get("healthz").text().await? {
        Some(v) if v == "ok" => Ok(()),
        _ => Err(worker::Error::RustError("KV read-back differs".into())),
    }
}

async fn durable_object_round_trip(env: &Env) -> Result<()> {
    // An empty RP id is no configured RP's, so the probe's object is nobody's account.
    account::call::<serde_json::Value>(env, "", "healthz", &Command::Ping)
        .await
        .map(|_| ())
        .map_err(|f| worker::Error::RustError(f.body.to_string()))
}
