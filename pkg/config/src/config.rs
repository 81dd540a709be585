//! The validated edge configuration and how it is read.

use std::collections::BTreeMap;

use assent_channel::StaticSecret;
use assent_receipt::ReceiptKey;
use assent_webpush::{VapidError, VapidKey};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{ConfigError, ConfigErrors};
use crate::keys::{self, Scalar};
use crate::rp::{self, RpConfig};
use crate::{origin, vars};

/// The edge's configuration, every variable checked. Holds the keys as the typed values the
/// edge signs and derives with, so nothing downstream re-parses a secret or handles an error
/// that validation already ruled out.
#[derive(Debug, Clone)]
pub struct Config {
    edge_origin: String,
    rp_id: String,
    vapid: VapidKey,
    receipt_key: ReceiptKey,
    channel_key: StaticSecret,
    allow_loopback_push: bool,
    relying_parties: Vec<RpConfig>,
}

/// Stands in for an unusable VAPID key so that `VAPID_SUBJECT` is still checked — by
/// [`VapidKey::new`] itself, the rule the edge lives by — and reported in the same pass.
const STAND_IN_SCALAR: Scalar = {
    let mut one = [0u8; 32];
    one[31] = 1;
    one
};

impl Config {
    /// Reads every variable through `lookup` (name → value, `None` when unset) — at the edge,
    /// the Worker's vars and secrets — and checks all of them, returning every problem found.
    pub fn from_lookup(
        mut lookup: impl FnMut(&str) -> Option<String>,
    ) -> Result<Self, ConfigErrors> {
        let mut errors = Vec::new();
        let mut required = |name: &'static str, errors: &mut Vec<ConfigError>| {
            let value = lookup(name);
            if value.is_none() {
                errors.push(ConfigError::Missing { name });
            }
            value
        };
        let edge_origin = required(vars::EDGE_ORIGIN, &mut errors);
        let vapid_private = required(vars::VAPID_PRIVATE_KEY, &mut errors);
        let vapid_subject = required(vars::VAPID_SUBJECT, &mut errors);
        let receipt_private = required(vars::RECEIPT_PRIVATE_KEY, &mut errors);
        let channel_private = required(vars::CHANNEL_PRIVATE_KEY, &mut errors);
        let relying_parties = required(vars::RELYING_PARTIES, &mut errors);
        let allow_loopback_push = lookup(vars::ALLOW_LOOPBACK_PUSH);

        // Read first, because it decides which origins and URLs the rest accepts. An invalid
        // value counts as "not allowed", the strict reading.
        let allow_loopback_push = match allow_loopback_push.as_deref() {
            None | Some("0") => false,
            Some("1") => true,
            Some(_) => {
                errors.push(ConfigError::AllowLoopbackValue);
                false
            }
        };

        let edge_origin = edge_origin.and_then(|value| {
            origin::parse_edge(&value, allow_loopback_push)
                .map_err(|problem| errors.push(ConfigError::EdgeOrigin { value, problem }))
                .ok()
        });

        let mut scalar = |name, text: Option<String>| {
            text.and_then(|text| keys::decode_scalar(name, &text, &mut errors))
        };
        let vapid_scalar = scalar(vars::VAPID_PRIVATE_KEY, vapid_private);
        let receipt_scalar = scalar(vars::RECEIPT_PRIVATE_KEY, receipt_private);
        let channel_scalar = scalar(vars::CHANNEL_PRIVATE_KEY, channel_private);
        keys::check_distinct(
            &[
                (vars::VAPID_PRIVATE_KEY, vapid_scalar),
                (vars::RECEIPT_PRIVATE_KEY, receipt_scalar),
                (vars::CHANNEL_PRIVATE_KEY, channel_scalar),
            ],
            &mut errors,
        );

        let vapid = vapid_subject.and_then(|subject| {
            match VapidKey::new(&vapid_scalar.unwrap_or(STAND_IN_SCALAR), &subject) {
                Ok(key) => vapid_scalar.map(|_| key),
                Err(VapidError::BadSubject) => {
                    errors.push(ConfigError::VapidSubject);
                    None
                }
                Err(_) => {
                    errors.push(ConfigError::KeyScalar {
                        name: vars::VAPID_PRIVATE_KEY,
                    });
                    None
                }
            }
        });
        // The scalars are already range-checked, so these constructors accept them; their
        // refusal is still recorded rather than assumed away.
        let receipt_key = receipt_scalar.and_then(|s| {
            ReceiptKey::from_bytes(&s)
                .map_err(|_| {
                    errors.push(ConfigError::KeyScalar {
                        name: vars::RECEIPT_PRIVATE_KEY,
                    });
                })
                .ok()
        });
        let channel_key = channel_scalar.and_then(|s| {
            StaticSecret::from_bytes(&s)
                .map_err(|_| {
                    errors.push(ConfigError::KeyScalar {
                        name: vars::CHANNEL_PRIVATE_KEY,
                    });
                })
                .ok()
        });

        let relying_parties = relying_parties
            .map(|text| rp::parse(&text, allow_loopback_push, &mut errors))
            .unwrap_or_default();

        match (edge_origin, vapid, receipt_key, channel_key) {
            (Some(edge_origin), Some(vapid), Some(receipt_key), Some(channel_key))
                if errors.is_empty() =>
            {
                Ok(Self {
                    rp_id: origin::host(&edge_origin).to_owned(),
                    edge_origin,
                    vapid,
                    receipt_key,
                    channel_key,
                    allow_loopback_push,
                    relying_parties,
                })
            }
            // Every `None` above recorded its reason, so `errors` is not empty here.
            _ => Err(ConfigErrors::new(errors)),
        }
    }

    /// Checks the variables in `vars` (name, value); other names are ignored, and for a name
    /// given twice the last value counts.
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, ConfigErrors>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let map: BTreeMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
            .collect();
        Self::from_lookup(|name| map.get(name).cloned())
    }

    /// The edge's serialized origin, `EDGE`: the WebAuthn origin and the receipts' `iss`.
    pub fn edge_origin(&self) -> &str {
        &self.edge_origin
    }

    /// The WebAuthn RP ID: the host of [`Config::edge_origin`] (SPEC §3).
    pub fn rp_id(&self) -> &str {
        &self.rp_id
    }

    /// The VAPID key and subject (`VAPID_PRIVATE_KEY`, `VAPID_SUBJECT`).
    pub fn vapid(&self) -> &VapidKey {
        &self.vapid
    }

    /// The receipt signing key (`RECEIPT_PRIVATE_KEY`).
    pub fn receipt_key(&self) -> &ReceiptKey {
        &self.receipt_key
    }

    /// The edge's secure-channel key (`CHANNEL_PRIVATE_KEY`).
    pub fn channel_key(&self) -> &StaticSecret {
        &self.channel_key
    }

    /// Whether plain-http loopback push endpoints and webhook URLs are accepted
    /// (`ASSENT_ALLOW_LOOPBACK_PUSH=1`; tests and local runs only).
    pub fn allow_loopback_push(&self) -> bool {
        self.allow_loopback_push
    }

    /// Every relying party, in configuration order.
    pub fn relying_parties(&self) -> &[RpConfig] {
        &self.relying_parties
    }

    /// The relying party with this id.
    pub fn rp_by_id(&self, id: &str) -> Option<&RpConfig> {
        self.relying_parties.iter().find(|rp| rp.id() == id)
    }

    /// The relying party whose API key is `api_key` (the bearer token of an RP API call).
    ///
    /// The presented key is hashed and compared with every RP's `api_key_sha256` in constant
    /// time, all of them each time, so the answer's timing says nothing about how much of a
    /// guess matched.
    pub fn rp_by_api_key(&self, api_key: &str) -> Option<&RpConfig> {
        let presented: [u8; 32] = Sha256::digest(api_key.as_bytes()).into();
        let mut found = None;
        for rp in &self.relying_parties {
            if bool::from(presented.as_slice().ct_eq(rp.api_key_sha256().as_slice())) {
                found = Some(rp);
            }
        }
        found
    }
}
