//! The measured operations. The native binary and the wasm export both call [`Bench::run`],
//! so the two columns of the table time the same code.

use assent_channel::Purpose;
use assent_proto::b64u;
use assent_webauthn::{
    AssertionExpectations, AuthenticationResponseJSON, VerifiedAssertion, verify_assertion,
};
use assent_webpush::{
    DEFAULT_LIFETIME_SECONDS, Origin, PushKeys, PushRequest, Subscription, VapidCache,
    build_request, encrypt,
};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::{PublicKey, SecretKey};

use crate::BenchError;
use crate::fixtures::{EDGE_ORIGIN, Fixtures, NOW, RP_ID, draw};

/// Consecutive invalid scalars tolerated before a per-message draw counts as broken.
const MAX_DRAWS: u32 = 8;

/// One benchmark operation. The first five are what the issue asks for; the others are the
/// parts of a push, timed on their own to show where its time goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// One full push request for the 200-byte payload: parse the stored subscription, RFC 8291
    /// encryption with a fresh ephemeral key and salt, and a newly signed VAPID JWT.
    PushEncryptVapidFresh,
    /// The same, with the `Authorization` header from the [`VapidCache`] for the audience
    /// (signed once, reused for its lifetime).
    PushEncryptVapidCached,
    /// Parse an `AuthenticationResponseJSON` and verify it (WebAuthn §7.2, ES256).
    VerifyAssertion,
    /// Seal the ~500-byte inbox JSON on the edge's side of the channel and open it on the
    /// device's side (AES-256-GCM, base64url).
    SealOpen,
    /// Sign a receipt (JSON claims, JWS ES256).
    SignReceipt,
    /// Part of a push: only the RFC 8291 encryption, keys parsed from base64url (as
    /// `web-push`'s `encrypt` takes them).
    PushEncrypt,
    /// Part of a push: only the VAPID `Authorization` header, a newly signed JWT.
    VapidSign,
    /// Part of RFC 8291: the ephemeral public key (fixed-base scalar multiplication).
    P256Keygen,
    /// Part of RFC 8291: ECDH with the subscription's key (variable-base multiplication).
    P256Ecdh,
}

impl Op {
    /// Every operation, in the order of the table.
    pub const ALL: [Self; 9] = [
        Self::PushEncryptVapidFresh,
        Self::PushEncryptVapidCached,
        Self::VerifyAssertion,
        Self::SealOpen,
        Self::SignReceipt,
        Self::PushEncrypt,
        Self::VapidSign,
        Self::P256Keygen,
        Self::P256Ecdh,
    ];

    /// The name used on the command line, in JSON and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Self::PushEncryptVapidFresh => "push_encrypt_vapid_fresh",
            Self::PushEncryptVapidCached => "push_encrypt_vapid_cached",
            Self::VerifyAssertion => "verify_assertion",
            Self::SealOpen => "seal_open",
            Self::SignReceipt => "sign_receipt",
            Self::PushEncrypt => "push_encrypt",
            Self::VapidSign => "vapid_sign",
            Self::P256Keygen => "p256_keygen",
            Self::P256Ecdh => "p256_ecdh",
        }
    }

    /// The operation called `name`.
    pub fn from_name(name: &str) -> Result<Self, BenchError> {
        Self::ALL
            .into_iter()
            .find(|op| op.name() == name)
            .ok_or_else(|| BenchError::UnknownOp(name.to_owned()))
    }

    /// True for the parts of a push timed to explain the whole.
    pub fn is_component(self) -> bool {
        matches!(
            self,
            Self::PushEncrypt | Self::VapidSign | Self::P256Keygen | Self::P256Ecdh
        )
    }
}

/// How each VAPID header is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vapid {
    /// A new JWT for every message.
    Fresh,
    /// The cached JWT for the audience.
    Cached,
}

/// The fixtures and the state the operations carry between iterations.
#[derive(Debug)]
pub struct Bench {
    pub(crate) fixtures: Fixtures,
    vapid_cache: VapidCache,
    /// The VAPID cache of the host-crypto path ([`crate::host`]), filled with host signatures.
    pub(crate) host_vapid_cache: VapidCache,
    audience: Origin,
    ua_public: PublicKey,
    p256dh_b64u: String,
    auth_b64u: String,
    /// Messages sent so far: the per-message randomness is drawn from it.
    pub(crate) counter: u64,
}

impl Bench {
    /// Builds the fixtures (not timed).
    pub fn new() -> Result<Self, BenchError> {
        let fixtures = Fixtures::new()?;
        let subscription = Subscription::from_json(&fixtures.subscription_json, false)?;
        let vapid_cache = VapidCache::new(fixtures.vapid.clone());
        let host_vapid_cache = VapidCache::new(fixtures.vapid.clone());
        Ok(Self {
            audience: subscription.origin().clone(),
            ua_public: SecretKey::from_slice(&fixtures.ua_private)
                .map_err(|_| BenchError::FixtureScalar("user agent push key"))?
                .public_key(),
            p256dh_b64u: b64u::encode(subscription.keys().p256dh()),
            auth_b64u: b64u::encode(subscription.keys().auth()),
            vapid_cache,
            host_vapid_cache,
            fixtures,
            counter: 0,
        })
    }

    /// The fixtures.
    pub fn fixtures(&self) -> &Fixtures {
        &self.fixtures
    }

    /// Runs `op` `iterations` times; returns a checksum of the outputs' lengths, which the
    /// caller keeps so that no output can be optimized away.
    pub fn run(&mut self, op: Op, iterations: u32) -> Result<u32, BenchError> {
        let mut checksum = 0u32;
        for _ in 0..iterations {
            let len = self.once(op)?;
            checksum = checksum.wrapping_add(u32::try_from(len).unwrap_or(u32::MAX));
        }
        Ok(checksum)
    }

    /// Runs `op` once; returns the length of what it produced.
    pub fn once(&mut self, op: Op) -> Result<usize, BenchError> {
        Ok(match op {
            Op::PushEncryptVapidFresh => request_len(&self.push(Vapid::Fresh)?),
            Op::PushEncryptVapidCached => request_len(&self.push(Vapid::Cached)?),
            Op::VerifyAssertion => self.verify_assertion()?.user_handle.map_or(0, |h| h.len()),
            Op::SealOpen => self.seal_open()?.1.len(),
            Op::SignReceipt => self.sign_receipt()?.len(),
            Op::PushEncrypt => self.push_encrypt()?.len(),
            Op::VapidSign => self.vapid_sign()?.len(),
            Op::P256Keygen => self.p256_keygen()?.len(),
            Op::P256Ecdh => self.p256_ecdh()?.len(),
        })
    }

    /// The next message's ephemeral scalar and salt, as the edge would draw them from its
    /// CSPRNG. A draw outside `[1, n)` is drawn again, as a key generator does.
    fn next_randomness(counter: &mut u64) -> Result<([u8; 32], [u8; 16]), BenchError> {
        for _ in 0..MAX_DRAWS {
            *counter = counter.wrapping_add(1);
            let secret = draw::<32>("ephemeral", *counter);
            if SecretKey::from_slice(&secret).is_ok() {
                return Ok((secret, draw::<16>("salt", *counter)));
            }
        }
        Err(BenchError::EphemeralDraws)
    }

    /// One push request for the fixed payload, the subscription parsed from its stored JSON.
    pub fn push(&mut self, vapid: Vapid) -> Result<PushRequest, BenchError> {
        let fx = &self.fixtures;
        let subscription = Subscription::from_json(&fx.subscription_json, false)?;
        let fresh;
        let authorization = match vapid {
            Vapid::Fresh => {
                fresh = fx.vapid.authorization(
                    subscription.origin(),
                    NOW + DEFAULT_LIFETIME_SECONDS,
                    NOW,
                )?;
                fresh.as_str()
            }
            Vapid::Cached => self.vapid_cache.authorization(subscription.origin(), NOW)?,
        };
        let (secret, salt) = Self::next_randomness(&mut self.counter)?;
        Ok(build_request(
            &subscription,
            fx.push_payload.as_bytes(),
            &fx.push_options,
            authorization,
            &secret,
            &salt,
        )?)
    }

    /// Verifies the decision assertion, parsed from the JSON the PWA posts.
    pub fn verify_assertion(&self) -> Result<VerifiedAssertion, BenchError> {
        let fx = &self.fixtures;
        let response: AuthenticationResponseJSON = serde_json::from_str(&fx.assertion_json)?;
        let expected = AssertionExpectations {
            rp_id: RP_ID,
            origin: EDGE_ORIGIN,
            challenge: &fx.challenge,
            credential: &fx.credential,
        };
        Ok(verify_assertion(&expected, &response)?)
    }

    /// Seals the inbox with a fresh nonce and opens it on the other side; returns both.
    pub fn seal_open(&mut self) -> Result<(String, Vec<u8>), BenchError> {
        self.counter = self.counter.wrapping_add(1);
        let nonce = draw::<12>("nonce", self.counter);
        let fx = &self.fixtures;
        let sealed = fx
            .edge_channel
            .seal(Purpose::Inbox, nonce, fx.inbox_json.as_bytes());
        let opened = fx.device_channel.open(Purpose::Inbox, &sealed)?;
        Ok((sealed, opened))
    }

    /// Signs the receipt.
    pub fn sign_receipt(&self) -> Result<String, BenchError> {
        let fx = &self.fixtures;
        Ok(assent_receipt::sign_receipt(
            &fx.receipt_claims,
            &fx.receipt_key,
        )?)
    }

    /// RFC 8291 encryption of the payload alone.
    pub fn push_encrypt(&mut self) -> Result<Vec<u8>, BenchError> {
        let keys = PushKeys::from_b64u(&self.p256dh_b64u, &self.auth_b64u)?;
        let (secret, salt) = Self::next_randomness(&mut self.counter)?;
        Ok(encrypt(
            &keys,
            self.fixtures.push_payload.as_bytes(),
            &secret,
            &salt,
        )?)
    }

    /// A newly signed VAPID header.
    pub fn vapid_sign(&self) -> Result<String, BenchError> {
        Ok(self.fixtures.vapid.authorization(
            &self.audience,
            NOW + DEFAULT_LIFETIME_SECONDS,
            NOW,
        )?)
    }

    /// A fresh ephemeral key pair's public point, uncompressed.
    pub fn p256_keygen(&mut self) -> Result<Vec<u8>, BenchError> {
        let (secret, _) = Self::next_randomness(&mut self.counter)?;
        let secret = SecretKey::from_slice(&secret).map_err(|_| BenchError::EphemeralDraws)?;
        Ok(secret.public_key().to_sec1_point(false).as_bytes().to_vec())
    }

    /// ECDH of a fresh ephemeral scalar with the subscription's key: the shared x-coordinate.
    pub fn p256_ecdh(&mut self) -> Result<Vec<u8>, BenchError> {
        let (secret, _) = Self::next_randomness(&mut self.counter)?;
        let secret = SecretKey::from_slice(&secret).map_err(|_| BenchError::EphemeralDraws)?;
        let shared = secret.diffie_hellman(&self.ua_public);
        Ok(shared.raw_secret_bytes().to_vec())
    }
}

/// Header and body bytes of a request.
fn request_len(request: &PushRequest) -> usize {
    request.body.len()
        + request
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len())
            .sum::<usize>()
}
