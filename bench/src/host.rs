//! The edge's production push path (edge/src/push.rs): the P-256 work in the host's
//! WebCrypto, everything else in wasm through `pkg/webpush`. One push is three steps, the
//! middle one the host's:
//!
//! 1. [`Bench::host_push_begin`]: parse the stored subscription, look up the VAPID header for
//!    its origin ([`Vapid::Cached`]), or make the token to sign ([`Vapid::Fresh`] always does,
//!    like a cache miss at the edge).
//! 2. The host: ECDH with the subscription's `p256dh` and, when [`HostPush::signing_input`]
//!    is `Some`, the ES256 signature (`bench/run.mjs` with Node's `crypto.subtle`, the calls
//!    the edge makes in workerd; the tests with `p256` standing in).
//! 3. [`Bench::host_push_finish`]: cache the signed header, then
//!    [`build_request_with_agreement`] with the host's public key and secret and a fresh salt.

use assent_webpush::{
    ES256_SIGNATURE_LEN, P256DH_LEN, PushRequest, Subscription, UnsignedVapidToken,
    build_request_with_agreement,
};

use crate::fixtures::{NOW, draw};
use crate::{Bench, BenchError, Vapid};

/// The VAPID part of a push in progress.
#[derive(Debug)]
enum HostVapid {
    /// The cached `Authorization` header.
    Cached(String),
    /// A token the host must sign.
    Sign(UnsignedVapidToken),
}

/// A push between [`Bench::host_push_begin`] and [`Bench::host_push_finish`].
#[derive(Debug)]
pub struct HostPush {
    subscription: Subscription,
    vapid: HostVapid,
}

impl HostPush {
    /// The subscription's `p256dh`, to import into the host for the ECDH.
    pub fn p256dh(&self) -> &[u8; P256DH_LEN] {
        self.subscription.keys().p256dh()
    }

    /// The JWS signing input the host must sign (ES256), when the VAPID header is not cached.
    pub fn signing_input(&self) -> Option<&str> {
        match &self.vapid {
            HostVapid::Cached(_) => None,
            HostVapid::Sign(token) => Some(token.signing_input()),
        }
    }
}

impl Bench {
    /// Step 1 of a host-crypto push: the stored subscription parsed, the VAPID header looked
    /// up in the cache ([`Vapid::Cached`]; a miss needs a signature) or a new token to sign
    /// ([`Vapid::Fresh`]).
    pub fn host_push_begin(&mut self, vapid: Vapid) -> Result<HostPush, BenchError> {
        let subscription = Subscription::from_json(&self.fixtures.subscription_json, false)?;
        let cache = &self.host_vapid_cache;
        let vapid = match (vapid, cache.cached(subscription.origin(), NOW)) {
            (Vapid::Cached, Some(header)) => HostVapid::Cached(header.to_owned()),
            _ => HostVapid::Sign(cache.unsigned(subscription.origin(), NOW)?),
        };
        Ok(HostPush {
            subscription,
            vapid,
        })
    }

    /// Step 3 of a host-crypto push: the host's ECDH result (`as_public`, `ecdh_secret`) and,
    /// when [`HostPush::signing_input`] was `Some`, its ES256 `signature` (raw `r || s`);
    /// the signed header is cached for the next [`Vapid::Cached`] push.
    pub fn host_push_finish(
        &mut self,
        push: HostPush,
        as_public: &[u8; P256DH_LEN],
        ecdh_secret: &[u8; 32],
        signature: Option<&[u8; ES256_SIGNATURE_LEN]>,
    ) -> Result<PushRequest, BenchError> {
        let authorization = match push.vapid {
            HostVapid::Cached(header) => header,
            HostVapid::Sign(token) => {
                let signature = signature.ok_or(BenchError::HostSignatureMissing)?;
                self.host_vapid_cache
                    .insert_signed(token, signature, NOW)?
                    .to_owned()
            }
        };
        self.counter = self.counter.wrapping_add(1);
        let salt = draw::<16>("salt", self.counter);
        Ok(build_request_with_agreement(
            &push.subscription,
            self.fixtures.push_payload.as_bytes(),
            &self.fixtures.push_options,
            &authorization,
            as_public,
            ecdh_secret,
            &salt,
        )?)
    }
}
