//! Dispatch by path, then by method, so that a known path with the wrong method answers
//! `405 method_not_allowed` (with `Allow`) and an unknown one `404 not_found` — both in the
//! SPEC §11 shape, never a plain-text error.

use assent_proto::api::ErrorCode;
use worker::{Env, Method, Request, Response};

use crate::http::{Answer, Failure};
use crate::{
    health, routes_activations, routes_device_activation, routes_device_requests, routes_devices,
    routes_inbox, routes_keys, routes_pending, routes_requests,
};

/// The methods the edge understands at all; each endpoint then allows some of them.
const KNOWN_METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];

/// Answers one request; every failure becomes its SPEC §11 JSON answer.
pub async fn handle(req: Request, env: Env) -> worker::Result<Response> {
    match dispatch(req, env).await {
        Ok(response) => Ok(response),
        Err(failure) => failure.into_response(),
    }
}

async fn dispatch(req: Request, env: Env) -> Answer {
    // workers-rs maps a method it does not know (PROPFIND, MKCOL…) to GET; refuse those here,
    // from the raw method, before anything is dispatched.
    let raw_method = req.inner().method();
    if !KNOWN_METHODS.contains(&raw_method.as_str()) {
        return Err(Failure::new(
            ErrorCode::MethodNotAllowed,
            format!("method {raw_method} is not supported"),
        )
        .with_header("Allow", "GET, POST, PUT, DELETE, OPTIONS"));
    }
    let path = req.path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = req.method();
    match segments.as_slice() {
        ["healthz"] => match method {
            Method::Get => Ok(health::check(env).await?),
            _ => Err(not_allowed(&[Method::Get])),
        },
        [".well-known", "jwks.json"] => match method {
            Method::Get => routes_keys::jwks(&env),
            _ => Err(not_allowed(&[Method::Get])),
        },
        ["v1", "activations"] => match method {
            Method::Post => routes_activations::create(req, &env).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        ["v1", "activations", id] => match method {
            Method::Get => routes_activations::status(req, &env, id).await,
            _ => Err(not_allowed(&[Method::Get])),
        },
        ["v1", "device", "activate", "begin"] => match method {
            Method::Post => routes_device_activation::begin(req, &env).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        ["v1", "device", "activate", "finish"] => match method {
            Method::Post => routes_device_activation::finish(req, &env).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        ["v1", "requests"] => match method {
            Method::Post => routes_requests::create(req, &env).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        ["v1", "requests", id] => match method {
            Method::Get => routes_requests::get(req, &env, id).await,
            _ => Err(not_allowed(&[Method::Get])),
        },
        ["v1", "requests", id, "cancel"] => match method {
            Method::Post => routes_requests::cancel(req, &env, id).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        ["v1", "status", id] => match method {
            Method::Get => routes_requests::status(req, &env, id).await,
            Method::Options => routes_requests::status_preflight(req, &env, id).await,
            _ => Err(not_allowed(&[Method::Get, Method::Options])),
        },
        ["v1", "status", id, "live"] => match method {
            Method::Get => routes_requests::live(req, &env, id).await,
            _ => Err(not_allowed(&[Method::Get])),
        },
        ["v1", "device", device_id, "push"] => match method {
            Method::Put => routes_devices::set_push(req, &env, device_id).await,
            _ => Err(not_allowed(&[Method::Put])),
        },
        ["v1", "device", device_id, "deactivate"] => match method {
            Method::Post => routes_devices::deactivate(req, &env, device_id).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        ["v1", "users", user_id, "devices"] => match method {
            Method::Get => routes_devices::list(req, &env, user_id).await,
            _ => Err(not_allowed(&[Method::Get])),
        },
        ["v1", "users", user_id, "devices", device_id] => match method {
            Method::Delete => routes_devices::remove(req, &env, user_id, device_id).await,
            _ => Err(not_allowed(&[Method::Delete])),
        },
        ["v1", "device", device_id, "inbox", "challenge"] => match method {
            Method::Post => routes_inbox::challenge(&env, device_id).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        ["v1", "device", device_id, "inbox"] => match method {
            Method::Post => routes_inbox::open(req, &env, device_id).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        ["v1", "device", device_id, "pending"] => match method {
            Method::Get => routes_pending::list(&env, device_id).await,
            _ => Err(not_allowed(&[Method::Get])),
        },
        ["v1", "device", device_id, "requests", request_id] => match method {
            Method::Get => routes_device_requests::get(&env, device_id, request_id).await,
            _ => Err(not_allowed(&[Method::Get])),
        },
        [
            "v1",
            "device",
            device_id,
            "requests",
            request_id,
            "decision",
        ] => match method {
            Method::Post => routes_device_requests::decide(req, &env, device_id, request_id).await,
            _ => Err(not_allowed(&[Method::Post])),
        },
        _ => Err(Failure::new(
            ErrorCode::NotFound,
            format!("no such endpoint: {path}"),
        )),
    }
}

fn not_allowed(allowed: &[Method]) -> Failure {
    let list: Vec<&str> = allowed.iter().map(Method::as_ref).collect();
    Failure::new(
        ErrorCode::MethodNotAllowed,
        format!("allowed methods: {}", list.join(", ")),
    )
    .with_header("Allow", list.join(", "))
}
