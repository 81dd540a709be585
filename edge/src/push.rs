//! Sending one Web Push (SPEC §6): RFC 8291 encryption and the RFC 8030 request from
//! `pkg/webpush`, VAPID reused per push-service origin for its lifetime, the answer
//! classified (delivered / gone / retry / rejected).

use std::cell::RefCell;

use assent_config::Config;
use assent_proto::b64u;
use assent_webpush::{
    EncryptError, PushOptions, PushOutcome, Subscription, Topic, Urgency, VapidCache,
    build_request, classify_response,
};
use sha2::{Digest, Sha256};
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::clock;
use crate::http::Failure;

thread_local! {
    // One signed VAPID JWT per push-service origin, reused until shortly before it expires.
    static VAPID: RefCell<Option<VapidCache>> = const { RefCell::new(None) };
}

/// The `Topic` of an account's pushes: a newer push replaces an undelivered older one
/// (SPEC §6). A hash, so the push service learns nothing about the account.
pub fn topic(rp_id: &str, user_id: &str) -> Result<Topic, Failure> {
    let digest = Sha256::digest(format!("assent/v1/topic|{rp_id}:{user_id}").as_bytes());
    // 24 bytes are 32 base64url characters, RFC 8030's maximum.
    let token = b64u::encode(digest.get(..24).unwrap_or_default());
    Topic::new(&token).map_err(|e| Failure::internal("topic", e))
}

/// Encrypts and sends `payload` to `subscription_json`; what the push service answered.
pub async fn send(
    config: &Config,
    subscription_json: &str,
    payload: &[u8],
    ttl: u32,
    topic: Topic,
) -> Result<PushOutcome, Failure> {
    let subscription = Subscription::from_json(subscription_json, config.allow_loopback_push())
        .map_err(|e| Failure::internal("stored subscription", e))?;
    let authorization = VAPID.with(|cell| {
        let mut cache = cell.borrow_mut();
        let cache = cache.get_or_insert_with(|| VapidCache::new(config.vapid().clone()));
        cache
            .authorization(subscription.origin(), clock::now())
            .map(str::to_owned)
    });
    let authorization = authorization.map_err(|e| Failure::internal("vapid", e))?;
    let options = PushOptions {
        ttl,
        urgency: Urgency::High,
        topic: Some(topic),
    };
    let request = encrypt(&subscription, payload, &options, &authorization)?;

    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(
            js_sys::Uint8Array::from(request.body.as_slice()).into(),
        ));
    let response = Fetch::Request(Request::new_with_init(&request.url, &init)?)
        .send()
        .await?;
    let retry_after = response.headers().get("Retry-After")?;
    Ok(classify_response(
        response.status_code(),
        retry_after.as_deref(),
    ))
}

/// RFC 8291 with a fresh ephemeral key and salt; a random 32 bytes that is not a valid
/// scalar (probability ~2^-32) is simply drawn again.
fn encrypt(
    subscription: &Subscription,
    payload: &[u8],
    options: &PushOptions,
    authorization: &str,
) -> Result<assent_webpush::PushRequest, Failure> {
    for _ in 0..4 {
        let ephemeral = clock::random::<32>()?;
        let salt = clock::random::<16>()?;
        match build_request(
            subscription,
            payload,
            options,
            authorization,
            &ephemeral,
            &salt,
        ) {
            Err(EncryptError::BadEphemeralSecret) => continue,
            other => return other.map_err(|e| Failure::internal("encrypt", e)),
        }
    }
    Err(Failure::internal(
        "encrypt",
        "no valid ephemeral key in 4 draws",
    ))
}
