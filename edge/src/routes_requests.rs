//! `POST /v1/requests` and `GET /v1/requests/{request_id}` (SPEC §5), and the widget's
//! `GET /v1/status/{request_id}` (SPEC §9).

use assent_config::{Config, RpConfig};
use assent_proto::api::{Bounds, Cancelled, CreateRequest, ErrorCode, RequestCreated, Status};
use assent_proto::content::RequestContent;
use assent_proto::{b64u, ids};
use assent_rules::binding_code_from_random;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{Env, Headers, Request, RequestInit, Response};

use crate::account::{self, Command, Create, Created, View};
use crate::http::{Answer, Failure, created, json_response, ok, read_valid};
use crate::notifier::{self, Target};
use crate::owners::{self, Owner};
use crate::records;
use crate::{auth, clock, config};

/// How long a request's record outlives its expiry, for late status reads.
const RETENTION_SECONDS: u64 = 86_400;

/// `req:<request_id>` → the immutable content the user is shown and signs (SPEC §12).
#[derive(Debug, Serialize, Deserialize)]
pub struct RequestEntry {
    pub rp_id: String,
    pub user_id: String,
    pub number_matching: bool,
    pub content: RequestContent,
}

pub fn request_key(request_id: &str) -> String {
    format!("req:{request_id}")
}

/// The RP's ttl bounds (its `limits` may move SPEC §5's 30–600 s).
fn bounds(rp: &RpConfig) -> Bounds {
    Bounds {
        min_ttl_seconds: rp.limits().min_ttl_seconds,
        max_ttl_seconds: rp.limits().max_ttl_seconds,
    }
}

pub async fn create(mut req: Request, env: &Env) -> Answer {
    let config = config::load(env)?;
    let rp = auth::rp(&req, &config)?;
    let bounds = bounds(rp);
    let body: CreateRequest = read_valid(&mut req, &bounds).await?;
    let now = clock::now();
    let request_id = clock::new_id()?;
    let ttl_seconds = body.effective_ttl_seconds(&bounds);
    let content = body.content(rp.id(), rp.name(), &request_id, now, &bounds);
    let request_hash = content
        .request_hash()
        .map_err(|e| Failure::internal("request hash", e))?;
    let binding_code = if body.number_matching() {
        Some(
            binding_code_from_random(&clock::random::<16>()?)
                .ok_or_else(|| Failure::internal("binding code", "random source"))?,
        )
    } else {
        None
    };
    let status_token = b64u::encode(&clock::random::<32>()?);
    let expires_at = content.expires_at;

    // The content goes to KV first: once the account lists the request (to a device's
    // poll, the inbox, a status read), its content must be readable.
    let key = request_key(&request_id);
    records::put(
        env,
        &key,
        &RequestEntry {
            rp_id: rp.id().to_owned(),
            user_id: body.user_id.clone(),
            number_matching: binding_code.is_some(),
            content,
        },
        Some(expires_at.saturating_add(RETENTION_SECONDS)),
    )
    .await?;
    let called: Result<Created, Failure> = account::call(
        env,
        rp.id(),
        &body.user_id,
        &Command::CreateRequest(Create {
            now,
            request_id: request_id.clone(),
            kind: body.kind,
            ttl_seconds,
            binding_code: binding_code.clone(),
            status_token_sha256: token_digest(&status_token),
            limits: *rp.limits(),
        }),
    )
    .await;
    let outcome = match called {
        Ok(outcome) => outcome,
        Err(refused) => {
            // Refused (budget, freeze, no device): no request exists, so neither does its
            // content. Were the delete to fail, the entry names no request of the account
            // and answers 404 everywhere until it expires.
            if let Err(e) = records::delete(env, &key).await {
                worker::console_error!("requests: delete {key}: {e:?}");
            }
            return Err(refused);
        }
    };
    owners::remember(
        &request_id,
        Owner {
            rp_id: rp.id().to_owned(),
            user_id: body.user_id.clone(),
        },
    );

    let notified = notify(env, &config, rp, &body.user_id, &outcome).await;
    created(&RequestCreated {
        request_id,
        status: Status::Pending,
        created_at: outcome.view.request.created_at,
        expires_at,
        binding_code,
        status_token,
        request_hash,
        devices: u32::try_from(outcome.devices).unwrap_or(u32::MAX),
        devices_notified: notified,
    })
}

/// Pushes the new request to every device with a subscription, in parallel; how many the
/// push services accepted (retries and gone subscriptions are followed up by `notifier`).
async fn notify(
    env: &Env,
    config: &Config,
    rp: &RpConfig,
    user_id: &str,
    created: &Created,
) -> u32 {
    let view = &created.view;
    let pushes = created.pushes.iter().map(|job| {
        let target = Target {
            rp_id: rp.id().to_owned(),
            user_id: user_id.to_owned(),
            device_id: job.device_id.clone(),
            request_id: view.request.request_id.clone(),
            kind: view.request.kind,
            expires_at: view.request.expires_at,
            push_seq: job.push_seq,
            subscription: job.subscription.clone(),
            attempt: 1,
        };
        async move { u32::from(notifier::push(env, config, &target).await) }
    });
    futures_util::future::join_all(pushes)
        .await
        .into_iter()
        .sum()
}

/// The request `request_id` of the calling RP, or `404` (another RP's request is answered
/// exactly like an unknown one).
async fn entry_of(env: &Env, rp_id: &str, request_id: &str) -> Result<RequestEntry, Failure> {
    let not_found = || Failure::new(ErrorCode::NotFound, "no such request");
    if !ids::is_valid_id(request_id) {
        return Err(not_found());
    }
    records::get::<RequestEntry>(env, &request_key(request_id))
        .await?
        .filter(|e| e.rp_id == rp_id)
        .ok_or_else(not_found)
}

pub async fn get(req: Request, env: &Env, request_id: &str) -> Answer {
    let config = config::load(env)?;
    let rp = auth::rp(&req, &config)?;
    let entry = entry_of(env, rp.id(), request_id).await?;
    let view: View = account::call(
        env,
        &entry.rp_id,
        &entry.user_id,
        &Command::RequestView {
            request_id: request_id.to_owned(),
            status_token_sha256: None,
        },
    )
    .await?;
    ok(&view.into_status())
}

/// `POST /v1/requests/{request_id}/cancel`: `200 {status: "cancelled"}`, or `409` when
/// the request is already final.
pub async fn cancel(req: Request, env: &Env, request_id: &str) -> Answer {
    let config = config::load(env)?;
    let rp = auth::rp(&req, &config)?;
    let entry = entry_of(env, rp.id(), request_id).await?;
    account::call::<serde_json::Value>(
        env,
        &entry.rp_id,
        &entry.user_id,
        &Command::Cancel {
            request_id: request_id.to_owned(),
        },
    )
    .await?;
    ok(&Cancelled::new())
}

/// The configured RP origin the request comes from, if it is one (CORS, SPEC §9).
fn allowed_origin(req: &Request, rp: &RpConfig) -> Result<Option<String>, Failure> {
    Ok(req
        .headers()
        .get("Origin")?
        .filter(|origin| rp.allows_origin(origin)))
}

/// Adds CORS headers for `origin` (only ever one of the RP's configured origins).
fn with_cors(mut response: Response, origin: Option<String>) -> Answer {
    if let Some(origin) = origin {
        let headers = response.headers_mut();
        headers.set("Access-Control-Allow-Origin", &origin)?;
        headers.set("Vary", "Origin")?;
    }
    Ok(response)
}

/// `OPTIONS /v1/status/{request_id}`: the CORS preflight, for the RP's origins only.
pub async fn status_preflight(req: Request, env: &Env, request_id: &str) -> Answer {
    let config = config::load(env)?;
    let entry = owner(env, request_id).await?;
    let rp = config
        .rp_by_id(&entry.rp_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such request"))?;
    let origin = allowed_origin(&req, rp)?
        .ok_or_else(|| Failure::new(ErrorCode::Forbidden, "origin not allowed"))?;
    let mut response = Response::empty()?.with_status(204);
    let headers = response.headers_mut();
    headers.set("Access-Control-Allow-Methods", "GET")?;
    headers.set("Access-Control-Allow-Headers", "Authorization")?;
    headers.set("Access-Control-Max-Age", "600")?;
    with_cors(response, Some(origin))
}

/// The account of a request: from this isolate's memory, or its KV record.
async fn owner(env: &Env, request_id: &str) -> Result<Owner, Failure> {
    if let Some(owner) = owners::get(request_id) {
        return Ok(owner);
    }
    let entry = stored_entry(env, request_id).await?;
    let owner = Owner {
        rp_id: entry.rp_id,
        user_id: entry.user_id,
    };
    owners::remember(request_id, owner.clone());
    Ok(owner)
}

async fn stored_entry(env: &Env, request_id: &str) -> Result<RequestEntry, Failure> {
    let not_found = || Failure::new(ErrorCode::NotFound, "no such request");
    if !ids::is_valid_id(request_id) {
        return Err(not_found());
    }
    records::get(env, &request_key(request_id))
        .await?
        .ok_or_else(not_found)
}

/// `GET /v1/status/{request_id}/live?token=<status_token>`: a WebSocket that sends the
/// status object now and on every change. The page's origin must be one of the RP's.
pub async fn live(req: Request, env: &Env, request_id: &str) -> Answer {
    let upgrade = req.headers().get("Upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(Failure::new(
            ErrorCode::InvalidRequest,
            "this endpoint is a WebSocket (Upgrade: websocket)",
        ));
    }
    let url = req.url()?;
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| Failure::new(ErrorCode::Unauthorized, "missing ?token="))?;
    let config = config::load(env)?;
    let entry = owner(env, request_id).await?;
    let rp = config
        .rp_by_id(&entry.rp_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such request"))?;
    // Browsers always send Origin on a WebSocket: refuse other sites' pages (CSWSH).
    if req.headers().get("Origin")?.is_some() && allowed_origin(&req, rp)?.is_none() {
        return Err(Failure::new(ErrorCode::Forbidden, "origin not allowed"));
    }
    let headers = Headers::new();
    headers.set("Upgrade", "websocket")?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let target = format!(
        "https://account/live?request_id={request_id}&token_sha256={}",
        token_digest(&token)
    );
    let stub = account::stub(env, &entry.rp_id, &entry.user_id)?;
    Ok(stub
        .fetch_with_request(Request::new_with_init(&target, &init)?)
        .await?)
}

/// `GET /v1/status/{request_id}` with `Authorization: Bearer <status_token>`: one request's
/// status and nothing else.
pub async fn status(req: Request, env: &Env, request_id: &str) -> Answer {
    let entry = owner(env, request_id).await?;
    let origin = match config::load(env)?.rp_by_id(&entry.rp_id) {
        Some(rp) => allowed_origin(&req, rp)?,
        None => None,
    };
    // The RP's pages read refusals too (a wrong or missing token), so the widget can say
    // what is wrong instead of seeing an opaque network error; other origins still see nothing.
    let cors = |failure: Failure| match &origin {
        Some(o) => failure
            .with_header("Access-Control-Allow-Origin", o.clone())
            .with_header("Vary", "Origin"),
        None => failure,
    };
    let header = req.headers().get("Authorization")?.unwrap_or_default();
    let token = crate::auth::bearer(&header).ok_or_else(|| {
        cors(Failure::new(
            ErrorCode::Unauthorized,
            "send the status token as a Bearer token",
        ))
    })?;
    let view: View = account::call(
        env,
        &entry.rp_id,
        &entry.user_id,
        &Command::RequestView {
            request_id: request_id.to_owned(),
            status_token_sha256: Some(token_digest(token)),
        },
    )
    .await
    .map_err(cors)?;
    let response = json_response(&view.request.into_status_view(), 200)?;
    with_cors(response, origin)
}

/// What the account keeps of a status token: its SHA-256, b64u.
fn token_digest(token: &str) -> String {
    b64u::encode(&Sha256::digest(token.as_bytes()))
}
