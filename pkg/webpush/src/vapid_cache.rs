//! One VAPID token per push-service origin, reused for most of its lifetime: signing is the
//! costliest step of a send after ECDH, and push services accept the same token for every
//! message until it expires (RFC 8292 §2: "the same JWT MAY be used for multiple requests").

use std::collections::BTreeMap;

use crate::origin::Origin;
use crate::vapid::{DEFAULT_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS, VapidError, VapidKey};
use crate::vapid_token::{ES256_SIGNATURE_LEN, UnsignedVapidToken};

/// A cached token is replaced this long before its `exp`, so a request never reaches the push
/// service with a token about to expire there (clock skew, queueing, retries).
pub const REFRESH_MARGIN_SECONDS: u64 = 10 * 60;

/// Most audiences kept. A handful of push services exist; the bound only stops a flood of
/// devices with made-up endpoint origins from growing the cache without limit.
pub const MAX_AUDIENCES: usize = 64;

#[derive(Debug, Clone)]
struct Cached {
    authorization: String,
    exp: u64,
}

/// `Authorization` headers per audience for one [`VapidKey`]. Pure: the caller passes `now`.
#[derive(Debug, Clone)]
pub struct VapidCache {
    key: VapidKey,
    lifetime: u64,
    entries: BTreeMap<Origin, Cached>,
}

impl VapidCache {
    /// A cache signing tokens valid for [`DEFAULT_LIFETIME_SECONDS`] (12 h).
    pub fn new(key: VapidKey) -> Self {
        Self {
            key,
            lifetime: DEFAULT_LIFETIME_SECONDS,
            entries: BTreeMap::new(),
        }
    }

    /// A cache signing tokens valid for `lifetime` seconds: more than
    /// [`REFRESH_MARGIN_SECONDS`] (or nothing would be reused) and at most 24 h.
    pub fn with_lifetime(key: VapidKey, lifetime: u64) -> Result<Self, VapidError> {
        if lifetime <= REFRESH_MARGIN_SECONDS || lifetime > MAX_LIFETIME_SECONDS {
            return Err(VapidError::BadLifetime);
        }
        Ok(Self {
            key,
            lifetime,
            entries: BTreeMap::new(),
        })
    }

    /// The key tokens are signed with.
    pub fn key(&self) -> &VapidKey {
        &self.key
    }

    /// Number of audiences with a cached token.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no token is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `Authorization` header for `audience` at `now`: the cached one while its `exp` is
    /// more than [`REFRESH_MARGIN_SECONDS`] away (and not beyond 24 h, which would mean the
    /// clock moved backwards), else one freshly signed here (in software) expiring at
    /// `now + lifetime`.
    ///
    /// A caller with its own signer uses the same cache in three steps: [`Self::cached`];
    /// on a miss [`Self::unsigned`], its signature, [`Self::insert_signed`].
    pub fn authorization(&mut self, audience: &Origin, now: u64) -> Result<&str, VapidError> {
        if self.cached(audience, now).is_none() {
            let token = self.unsigned(audience, now)?;
            let signature = self.key.sign(&token)?;
            return self.insert_signed(token, &signature, now);
        }
        self.cached(audience, now).ok_or(VapidError::Signing)
    }

    /// The cached `Authorization` header for `audience`, if it is still usable at `now` (the
    /// rule of [`Self::authorization`]); `None` means: sign a new token.
    pub fn cached(&self, audience: &Origin, now: u64) -> Option<&str> {
        self.entries
            .get(audience)
            .filter(|c| usable(c.exp, now))
            .map(|c| c.authorization.as_str())
    }

    /// A new token for `audience`, expiring at `now + lifetime`, for the caller to sign and
    /// hand to [`Self::insert_signed`].
    pub fn unsigned(&self, audience: &Origin, now: u64) -> Result<UnsignedVapidToken, VapidError> {
        self.key
            .unsigned_jwt(audience, now.saturating_add(self.lifetime), now)
    }

    /// Completes `token` (from [`Self::unsigned`]) with its raw `r || s` ES256 `signature`
    /// ([`UnsignedVapidToken::into_authorization`]), caches the header for the token's
    /// audience in place of any older one, and returns it.
    ///
    /// A token for another key is refused ([`VapidError::OtherKey`]), as is a signature that
    /// is not a raw ES256 one ([`VapidError::BadSignature`]); nothing is cached then.
    pub fn insert_signed(
        &mut self,
        token: UnsignedVapidToken,
        signature: &[u8; ES256_SIGNATURE_LEN],
        now: u64,
    ) -> Result<&str, VapidError> {
        if token.public_key_b64u() != self.key.public_key_b64u() {
            return Err(VapidError::OtherKey);
        }
        let audience = token.audience().clone();
        let exp = token.exp();
        let authorization = token.into_authorization(signature)?;
        self.entries.remove(&audience);
        self.make_room(now);
        let cached = self
            .entries
            .entry(audience)
            .or_insert(Cached { authorization, exp });
        Ok(cached.authorization.as_str())
    }

    /// Drops unusable tokens, then the soonest-expiring ones, until one more fits.
    fn make_room(&mut self, now: u64) {
        self.entries.retain(|_, c| usable(c.exp, now));
        while self.entries.len() >= MAX_AUDIENCES {
            let soonest = self
                .entries
                .iter()
                .min_by_key(|(_, c)| c.exp)
                .map(|(origin, _)| origin.clone());
            match soonest {
                Some(origin) => self.entries.remove(&origin),
                None => break,
            };
        }
    }
}

fn usable(exp: u64, now: u64) -> bool {
    exp > now.saturating_add(REFRESH_MARGIN_SECONDS)
        && exp <= now.saturating_add(MAX_LIFETIME_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn key() -> VapidKey {
        VapidKey::new(&[7; 32], "mailto:ops@assent.example").unwrap()
    }

    fn origin(url: &str) -> Origin {
        Origin::of_endpoint(url, false).unwrap()
    }

    fn exp_of(header: &str) -> u64 {
        let jwt = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split(", k=")
            .next()
            .unwrap();
        let claims = jwt.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&assent_proto::b64u::decode(claims).unwrap()).unwrap();
        claims["exp"].as_u64().unwrap()
    }

    #[test]
    fn reuses_until_shortly_before_exp() {
        let mut cache = VapidCache::new(key());
        let fcm = origin("https://fcm.googleapis.com/fcm/send/a");
        let first = cache.authorization(&fcm, NOW).unwrap().to_owned();
        assert_eq!(exp_of(&first), NOW + DEFAULT_LIFETIME_SECONDS);
        let renew_at = NOW + DEFAULT_LIFETIME_SECONDS - REFRESH_MARGIN_SECONDS;
        for now in [NOW + 1, NOW + 3600, renew_at - 1] {
            assert_eq!(cache.authorization(&fcm, now).unwrap(), first, "at {now}");
        }
        let second = cache.authorization(&fcm, renew_at).unwrap().to_owned();
        assert_ne!(second, first);
        assert_eq!(exp_of(&second), renew_at + DEFAULT_LIFETIME_SECONDS);
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn one_token_per_audience() {
        let mut cache = VapidCache::with_lifetime(key(), 3600).unwrap();
        let a = cache
            .authorization(&origin("https://push.example.net/1"), NOW)
            .unwrap()
            .to_owned();
        let b = cache
            .authorization(&origin("https://push.example.net:8443/1"), NOW)
            .unwrap()
            .to_owned();
        assert_ne!(a, b);
        assert_eq!(exp_of(&a), NOW + 3600);
        // Same origin, other path: same token.
        let a2 = cache
            .authorization(&origin("https://push.example.net/2"), NOW + 5)
            .unwrap();
        assert_eq!(a2, a);
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn clock_moving_backwards_re_signs() {
        let mut cache = VapidCache::new(key());
        let o = origin("https://push.example.net/1");
        let first = cache.authorization(&o, NOW).unwrap().to_owned();
        // 13 h earlier, the cached exp would be 25 h ahead: over the RFC 8292 limit.
        let earlier = NOW - 13 * 3600;
        let again = cache.authorization(&o, earlier).unwrap().to_owned();
        assert_ne!(again, first);
        assert_eq!(exp_of(&again), earlier + DEFAULT_LIFETIME_SECONDS);
    }

    #[test]
    fn bounded_size() {
        let mut cache = VapidCache::new(key());
        for i in 0..(MAX_AUDIENCES + 10) {
            let o = origin(&format!("https://push{i}.example.net/x"));
            cache.authorization(&o, NOW + i as u64).unwrap();
        }
        assert_eq!(cache.len(), MAX_AUDIENCES);
        // The oldest went first; the newest is still cached.
        let newest = origin(&format!("https://push{}.example.net/x", MAX_AUDIENCES + 9));
        let cached = cache.entries.get(&newest).unwrap().authorization.clone();
        assert_eq!(cache.authorization(&newest, NOW + 100).unwrap(), cached);
        assert!(
            !cache
                .entries
                .contains_key(&origin("https://push0.example.net/x"))
        );
    }

    #[test]
    fn external_signer_shares_the_cache() {
        let key = key();
        let mut cache = VapidCache::new(key.clone());
        let o = origin("https://push.example.net/1");
        assert_eq!(cache.cached(&o, NOW), None);
        let token = cache.unsigned(&o, NOW).unwrap();
        assert_eq!(token.exp(), NOW + DEFAULT_LIFETIME_SECONDS);
        assert_eq!(token.audience(), &o);
        let signature = key.sign(&token).unwrap();
        let header = cache
            .insert_signed(token, &signature, NOW)
            .unwrap()
            .to_owned();
        // RFC 6979 makes the software signature deterministic: the two-step header is the one
        // the one-step path signs for the same claims.
        assert_eq!(
            header,
            key.authorization(&o, NOW + DEFAULT_LIFETIME_SECONDS, NOW)
                .unwrap()
        );
        assert_eq!(exp_of(&header), NOW + DEFAULT_LIFETIME_SECONDS);
        // Reused by both entry points under the same rule.
        assert_eq!(cache.authorization(&o, NOW + 1).unwrap(), header);
        let renew_at = NOW + DEFAULT_LIFETIME_SECONDS - REFRESH_MARGIN_SECONDS;
        assert_eq!(cache.cached(&o, renew_at - 1), Some(header.as_str()));
        assert_eq!(cache.cached(&o, renew_at), None);
        assert_eq!(cache.cached(&o, NOW - 13 * 3600), None);
        // A newer token for the audience replaces the older one.
        let token = cache.unsigned(&o, renew_at).unwrap();
        let signature = key.sign(&token).unwrap();
        let newer = cache
            .insert_signed(token, &signature, renew_at)
            .unwrap()
            .to_owned();
        assert_ne!(newer, header);
        assert_eq!(cache.cached(&o, renew_at), Some(newer.as_str()));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn lifetime_bounds() {
        assert_eq!(
            VapidCache::with_lifetime(key(), REFRESH_MARGIN_SECONDS).unwrap_err(),
            VapidError::BadLifetime
        );
        assert_eq!(
            VapidCache::with_lifetime(key(), MAX_LIFETIME_SECONDS + 1).unwrap_err(),
            VapidError::BadLifetime
        );
        assert!(VapidCache::with_lifetime(key(), MAX_LIFETIME_SECONDS).is_ok());
    }
}
