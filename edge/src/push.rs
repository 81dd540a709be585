//! Sending one Web Push (SPEC §6): RFC 8291 encryption and the RFC 8030 request from
//! `pkg/webpush` with the P-256 arithmetic in the runtime's WebCrypto, VAPID reused per
//! push-service origin for its lifetime, the answer classified (delivered / gone / retry /
//! rejected).

use std::cell::RefCell;

use assent_config::Config;
use assent_proto::b64u;
use assent_webpush::{
    Origin, PushOptions, PushOutcome, Subscription, Topic, UnsignedVapidToken, Urgency, VapidCache,
    build_request_with_agreement, classify_response,
};
use sha2::{Digest, Sha256};
use web_sys::CryptoKey;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::http::Failure;
use crate::{clock, webcrypto};

thread_local! {
    // One signed VAPID JWT per push-service origin, reused until shortly before it expires.
    static VAPID: RefCell<Option<VapidCache>> = const { RefCell::new(None) };
    // The VAPID private key in WebCrypto (non-extractable), imported once per isolate.
    static VAPID_SIGNER: RefCell<Option<CryptoKey>> = const { RefCell::new(None) };
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
///
/// The P-256 work runs in the runtime's WebCrypto ([`webcrypto`]): the message's ephemeral
/// ECDH and, when the cached VAPID token for the push service needs renewing, its ES256
/// signature; both at once. `pkg/webpush` does the rest (RFC 8291 key schedule and record,
/// the JWT, the RFC 8030 request, the answer's meaning).
pub async fn send(
    config: &Config,
    subscription_json: &str,
    payload: &[u8],
    ttl: u32,
    topic: Topic,
) -> Result<PushOutcome, Failure> {
    let subscription = Subscription::from_json(subscription_json, config.allow_loopback_push())
        .map_err(|e| Failure::internal("stored subscription", e))?;
    let (authorization, agreement) = futures_util::future::try_join(
        vapid_authorization(config, subscription.origin()),
        webcrypto::ecdh(subscription.keys().p256dh()),
    )
    .await?;
    let options = PushOptions {
        ttl,
        urgency: Urgency::High,
        topic: Some(topic),
    };
    let request = build_request_with_agreement(
        &subscription,
        payload,
        &options,
        &authorization,
        &agreement.as_public,
        &agreement.ecdh_secret,
        &clock::random::<16>()?,
    )
    .map_err(|e| Failure::internal("encrypt", e))?;

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

/// What the VAPID cache has for an audience.
enum Vapid {
    /// A usable `Authorization` header.
    Cached(String),
    /// Nothing usable: this token must be signed and cached.
    Sign(UnsignedVapidToken),
}

/// The `Authorization` header for `audience`: cached, or a new token signed with WebCrypto
/// and cached. The cache is not borrowed across the `await`, so concurrent sends in the
/// isolate never collide; two that miss together both sign, and the later one is kept.
async fn vapid_authorization(config: &Config, audience: &Origin) -> Result<String, Failure> {
    let now = clock::now();
    let lookup = with_vapid_cache(config, |cache| match cache.cached(audience, now) {
        Some(header) => Ok(Vapid::Cached(header.to_owned())),
        None => cache.unsigned(audience, now).map(Vapid::Sign),
    })
    .map_err(|e| Failure::internal("vapid", e))?;
    let token = match lookup {
        Vapid::Cached(header) => return Ok(header),
        Vapid::Sign(token) => token,
    };
    let signature = webcrypto::sign_es256(
        &vapid_signer(config).await?,
        token.signing_input().as_bytes(),
    )
    .await?;
    with_vapid_cache(config, |cache| {
        cache
            .insert_signed(token, &signature, now)
            .map(str::to_owned)
    })
    .map_err(|e| Failure::internal("vapid", e))
}

fn with_vapid_cache<T>(config: &Config, f: impl FnOnce(&mut VapidCache) -> T) -> T {
    VAPID.with(|cell| {
        let mut slot = cell.borrow_mut();
        f(slot.get_or_insert_with(|| VapidCache::new(config.vapid().clone())))
    })
}

/// The VAPID private key as a non-extractable WebCrypto key, imported on first use.
async fn vapid_signer(config: &Config) -> Result<CryptoKey, Failure> {
    if let Some(key) = VAPID_SIGNER.with(|cell| cell.borrow().clone()) {
        return Ok(key);
    }
    let key = webcrypto::import_es256_key(&config.vapid().private_jwk()).await?;
    VAPID_SIGNER.with(|cell| *cell.borrow_mut() = Some(key.clone()));
    Ok(key)
}
