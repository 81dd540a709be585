//! The inputs every operation works on, built once and deterministically: every key is
//! SHA-256 of a label, and the per-message randomness the edge would take from its CSPRNG is
//! SHA-256 of a label and a message counter ([`draw`]). Node's `web-push` gets the same VAPID
//! key, subscription and payload through [`Fixtures::node_json`].

use assent_channel::{Channel, StaticSecret};
use assent_proto::{Context, Decision, Field, Kind, RequestContent, Statement, b64u, ids};
use assent_receipt::{DeviceClaim, Jwk, ReceiptClaims, ReceiptKey, WebAuthnClaim};
use assent_webauthn::soft::SoftAuthenticator;
use assent_webauthn::{StoredCredential, VerifyingKey, request_options};
use assent_webpush::{PushOptions, Subscription, Topic, Urgency, VapidKey};
use p256::SecretKey;
use p256::elliptic_curve::sec1::ToSec1Point;
use sha2::{Digest, Sha256};

use crate::BenchError;

/// The clock of every operation (Unix seconds): fixed, so runs are comparable.
pub const NOW: u64 = 1_767_225_650;
/// The subscription endpoint (a push service's URL; nothing is sent).
pub const ENDPOINT: &str = "https://push.example.net/x";
/// The VAPID `sub` claim.
pub const VAPID_SUBJECT: &str = "mailto:ops@assent.example";
/// The edge's origin: WebAuthn origin and receipt issuer.
pub const EDGE_ORIGIN: &str = "https://assent.example.com";
/// The WebAuthn RP ID: the edge's host.
pub const RP_ID: &str = "assent.example.com";
/// The push `TTL` (seconds until the request expires).
pub const PUSH_TTL: u32 = 120;
/// The push `Topic`.
pub const PUSH_TOPIC: &str = "abc";
/// Size of the push plaintext the issue fixes for the comparison.
pub const PUSH_PAYLOAD_LEN: usize = 200;

/// `SHA-256(label || 0x00 || counter)`, first `N` bytes (`N` ≤ 32): a fixture key when
/// `counter` is 0, otherwise the `counter`-th message's random bytes.
pub fn draw<const N: usize>(label: &str, counter: u64) -> [u8; N] {
    const { assert!(N <= 32, "SHA-256 gives 32 bytes") };
    let digest = Sha256::new()
        .chain_update(label.as_bytes())
        .chain_update([0])
        .chain_update(counter.to_be_bytes())
        .finalize();
    let mut out = [0u8; N];
    for (dst, src) in out.iter_mut().zip(digest.iter()) {
        *dst = *src;
    }
    out
}

/// A fixture P-256 scalar; fails only if SHA-256 of the label lands outside `[1, n)`.
fn scalar(label: &'static str) -> Result<[u8; 32], BenchError> {
    let bytes = draw::<32>(label, 0);
    SecretKey::from_slice(&bytes).map_err(|_| BenchError::FixtureScalar(label))?;
    Ok(bytes)
}

/// A fixture id: 16 bytes as the 22-character base64url the edge uses.
fn id(label: &str) -> String {
    ids::id_from_random(draw::<16>(label, 0))
}

/// Everything the operations read. Built by [`Fixtures::new`].
pub struct Fixtures {
    /// The user agent's push private key (the bench checks its own pushes with it).
    pub ua_private: [u8; 32],
    /// The subscription's `auth` secret.
    pub auth: [u8; 16],
    /// `PushSubscriptionJSON` as the edge stores it.
    pub subscription_json: String,
    /// The VAPID private scalar.
    pub vapid_private: [u8; 32],
    /// The VAPID key.
    pub vapid: VapidKey,
    /// `TTL`, `Urgency: high`, `Topic`.
    pub push_options: PushOptions,
    /// The SPEC §6 push plaintext, [`PUSH_PAYLOAD_LEN`] bytes.
    pub push_payload: String,
    /// The edge's side of a device's secure channel.
    pub edge_channel: Channel,
    /// The device's side of the same channel.
    pub device_channel: Channel,
    /// The secure-mode inbox (SPEC §7) with one pending sign request, as JSON (~500 bytes).
    pub inbox_json: String,
    /// The device's credential record as the edge stores it.
    pub credential: StoredCredential,
    /// The decision assertion, `AuthenticationResponseJSON` text as the PWA posts it.
    pub assertion_json: String,
    /// Its challenge: SHA-256 of the canonical decision statement.
    pub challenge: [u8; 32],
    /// The edge's receipt key.
    pub receipt_key: ReceiptKey,
    /// The claims of the receipt for that decision.
    pub receipt_claims: ReceiptClaims,
}

impl core::fmt::Debug for Fixtures {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Fixtures")
            .field("endpoint", &ENDPOINT)
            .field("vapid", &self.vapid)
            .finish_non_exhaustive()
    }
}

/// A sign request with every optional member, as a bank would send it.
fn sign_request(request_id: String, user_id: &str) -> RequestContent {
    RequestContent {
        v: 1,
        rp_id: "demo".into(),
        rp_name: "Example Bank".into(),
        request_id,
        user_id: user_id.into(),
        kind: Kind::Sign,
        title: Some("Approve a transfer".into()),
        context: Some(Context {
            ip: Some("203.0.113.7".into()),
            location: Some("Brussels, BE".into()),
            browser: Some("Firefox on macOS".into()),
        }),
        fields: Some(vec![
            Field {
                label: "Amount".into(),
                value: "EUR 1,250.00".into(),
            },
            Field {
                label: "Payee".into(),
                value: "ACME NV".into(),
            },
        ]),
        created_at: NOW - 50,
        expires_at: NOW + 70,
    }
}

impl Fixtures {
    /// Builds every fixture. Deterministic: two calls give equal values.
    pub fn new() -> Result<Self, BenchError> {
        let device_id = id("device id");
        let user_id = "alice@example";

        // Push: a browser subscription and the edge's VAPID key.
        let ua_private = scalar("user agent push key")?;
        let ua_public = SecretKey::from_slice(&ua_private)
            .map_err(|_| BenchError::FixtureScalar("user agent push key"))?
            .public_key()
            .to_sec1_point(false);
        let auth = draw::<16>("user agent auth secret", 0);
        let subscription_json = serde_json::json!({
            "endpoint": ENDPOINT,
            "expirationTime": null,
            "keys": {"p256dh": b64u::encode(ua_public.as_bytes()), "auth": b64u::encode(&auth)},
        })
        .to_string();
        // Refuse a bad fixture now rather than in the timed loop.
        Subscription::from_json(&subscription_json, false)?;
        let vapid_private = scalar("edge VAPID key")?;
        let vapid = VapidKey::new(&vapid_private, VAPID_SUBJECT)?;
        let push_options = PushOptions {
            ttl: PUSH_TTL,
            urgency: Urgency::High,
            topic: Some(Topic::new(PUSH_TOPIC)?),
        };
        let login_id = id("login request id");
        // SPEC §6's shape; titles short enough for the 200 bytes the issue compares at.
        let push_payload = serde_json::json!({
            "web_push": 8030,
            "notification": {"title": "Sign in", "body": "Acme NV"},
            "assent": {
                "v": 1,
                "device_id": device_id,
                "request_id": login_id,
                "kind": "login",
                "expires_at": NOW + 70,
            },
        })
        .to_string();

        // Secure channel between the edge and the device.
        let edge_secret = StaticSecret::from_bytes(&scalar("edge channel key")?)?;
        let device_secret = StaticSecret::from_bytes(&scalar("device channel key")?)?;
        let edge_channel = Channel::derive(&edge_secret, &device_secret.public_key(), &device_id)?;
        let device_channel =
            Channel::derive(&device_secret, &edge_secret.public_key(), &device_id)?;
        let request = sign_request(id("sign request id"), user_id);
        let request_hash = request.request_hash()?;
        let inbox_json = serde_json::json!({
            "requests": [
                {"request": request, "request_hash": request_hash,
                 "number_matching": true, "status": "pending"},
            ],
        })
        .to_string();

        // The device approves the sign request: WebAuthn assertion over the statement.
        let credential_id = draw::<32>("credential id", 0);
        let mut authenticator =
            SoftAuthenticator::new(&scalar("device credential key")?, &credential_id)?
                .with_user_handle(user_id.as_bytes());
        // A device that has signed before: the stored counter stays below the assertion's.
        authenticator.set_sign_count(41);
        let statement =
            Statement::new(request_hash, Decision::Approve, None, Some("42".to_owned()));
        let challenge = statement.challenge()?;
        let options = request_options(RP_ID, &challenge, &[&credential_id], 120_000);
        let assertion = authenticator.get(&options, EDGE_ORIGIN)?;
        let assertion_json = serde_json::to_string(&assertion)?;
        let credential = StoredCredential {
            id: credential_id.to_vec(),
            public_key: authenticator.public_key(),
            sign_count: 41,
            backup_eligible: false,
            user_handle: Some(user_id.as_bytes().to_vec()),
        };

        // The receipt of that decision.
        let receipt_key = ReceiptKey::from_bytes(&scalar("edge receipt key")?)?;
        let device_key = VerifyingKey::from_sec1_bytes(&credential.public_key)
            .map_err(|_| BenchError::FixtureScalar("device credential key"))?;
        let receipt_claims = ReceiptClaims {
            iss: EDGE_ORIGIN.into(),
            aud: request.rp_id.clone(),
            sub: request.user_id.clone(),
            jti: request.request_id.clone(),
            iat: NOW,
            request,
            decision: Decision::Approve,
            reason: None,
            binding_code: Some("42".into()),
            device: DeviceClaim {
                id: device_id,
                credential_id: credential_id.to_vec(),
                public_key: Jwk::from_verifying_key(&device_key),
            },
            webauthn: WebAuthnClaim {
                authenticator_data: b64u::decode(&assertion.response.authenticator_data)
                    .map_err(|e| BenchError::Json(e.to_string()))?,
                client_data_json: b64u::decode(&assertion.response.client_data_json)
                    .map_err(|e| BenchError::Json(e.to_string()))?,
                signature: b64u::decode(&assertion.response.signature)
                    .map_err(|e| BenchError::Json(e.to_string()))?,
            },
        };

        Ok(Self {
            ua_private,
            auth,
            subscription_json,
            vapid_private,
            vapid,
            push_options,
            push_payload,
            edge_channel,
            device_channel,
            inbox_json,
            credential,
            assertion_json,
            challenge,
            receipt_key,
            receipt_claims,
        })
    }

    /// What the Node side needs, as JSON: the subscription, the VAPID details and payload for
    /// `web-push`, and the user agent's keys to decrypt a sample of each side's pushes.
    pub fn node_json(&self) -> Result<String, BenchError> {
        let subscription: serde_json::Value = serde_json::from_str(&self.subscription_json)?;
        Ok(serde_json::json!({
            "subscription": subscription,
            "payload": self.push_payload,
            "ttl": PUSH_TTL,
            "urgency": self.push_options.urgency.as_str(),
            "topic": PUSH_TOPIC,
            "vapid": {
                "subject": VAPID_SUBJECT,
                "publicKey": self.vapid.public_key_b64u(),
                "privateKey": b64u::encode(&self.vapid_private),
            },
            "ua_private": b64u::encode(&self.ua_private),
            "auth": b64u::encode(&self.auth),
        })
        .to_string())
    }
}
