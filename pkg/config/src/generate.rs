//! Fresh configurations: new keys, API keys and webhook secrets from caller-given randomness
//! (`tools/keygen` for operators, `make dev`'s `.dev.vars`).

use core::fmt;

use assent_proto::b64u;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::ConfigErrors;
use crate::keys::{self, Scalar};
use crate::rp::Mode;
use crate::vars;

/// Prefix of a generated RP API key (`ak_` + base64url of 32 random bytes).
pub const API_KEY_PREFIX: &str = "ak_";
/// Prefix of a generated webhook secret (`whsec_` + base64url of 32 random bytes).
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";
/// Random bytes in each API key and webhook secret: 256 bits.
pub const SECRET_RANDOM_BYTES: usize = 32;
/// Draws before the randomness is declared broken. A uniformly random 32-byte string is
/// outside `[1, n)` with probability about 2⁻³², so needing more than one draw is already a
/// one-in-four-billion event.
pub const MAX_SCALAR_DRAWS: usize = 64;

/// One relying party to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpSpec {
    /// Its id (`[a-z0-9-]{1,32}`).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its mode.
    pub mode: Mode,
    /// Its serialized origins.
    pub origins: Vec<String>,
    /// Where it receives webhooks, if anywhere; a secret is generated for it.
    pub webhook_url: Option<String>,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSpec {
    /// The edge's serialized origin (`ASSENT_EDGE_ORIGIN`).
    pub edge_origin: String,
    /// `VAPID_SUBJECT`; when `None`, the edge origin if it is `https`, else
    /// `mailto:assent@localhost` (a local edge has no public contact).
    pub vapid_subject: Option<String>,
    /// Emit `ASSENT_ALLOW_LOOPBACK_PUSH=1` (local runs and tests only).
    pub allow_loopback_push: bool,
    /// The relying parties.
    pub relying_parties: Vec<RpSpec>,
}

/// A generated configuration.
#[derive(Clone, PartialEq, Eq)]
pub struct Generated {
    /// The edge's variables, in [`vars::ALL`] order (`ASSENT_ALLOW_LOOPBACK_PUSH` only when
    /// set).
    pub vars: Vec<(&'static str, String)>,
    /// Each RP's API key, `(rp_id, api_key)`, to hand to the RP once: the configuration
    /// keeps only its SHA-256.
    pub api_keys: Vec<(String, String)>,
    /// Each webhook secret, `(rp_id, secret)`: the RP needs it to verify `Assent-Signature`.
    pub webhook_secrets: Vec<(String, String)>,
}

impl fmt::Debug for Generated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.vars.iter().map(|(name, _)| *name).collect();
        let rps: Vec<&str> = self.api_keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("Generated")
            .field("vars", &names)
            .field("api_keys", &rps)
            .finish_non_exhaustive()
    }
}

/// Why nothing was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerateError {
    /// [`MAX_SCALAR_DRAWS`] draws in a row were not valid P-256 scalars: the random source
    /// is broken (e.g. returns zeros).
    RandomSourceBroken,
    /// The generated configuration does not pass [`Config::from_vars`] — a bad edge origin
    /// or RP spec, or a random source that repeats itself.
    Invalid(ConfigErrors),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RandomSourceBroken => f.write_str(
                "the random source gave no valid P-256 private key in 64 draws; it is broken",
            ),
            Self::Invalid(errors) => errors.fmt(f),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Generates a fresh configuration: three distinct P-256 keys, an API key per RP and a
/// webhook secret per RP with a webhook URL. `random` fills its argument with
/// cryptographically secure random bytes (natively `getrandom::fill`).
///
/// The result is parsed back with [`Config::from_vars`] before it is returned, so what comes
/// out is a configuration the edge accepts.
pub fn generate(
    random: &mut impl FnMut(&mut [u8]),
    spec: &GenerateSpec,
) -> Result<Generated, GenerateError> {
    let vapid = random_scalar(random)?;
    let receipt = random_scalar(random)?;
    let channel = random_scalar(random)?;

    let mut api_keys = Vec::new();
    let mut webhook_secrets = Vec::new();
    let mut entries = Vec::new();
    for rp in &spec.relying_parties {
        let api_key = random_token(random, API_KEY_PREFIX);
        // Written member by member (each value escaped by serde_json) to keep the documented
        // member order, which a `serde_json::Map` would sort.
        let mut entry = format!(
            r#"{{"id":{},"name":{},"mode":"{}","origins":{},"api_key_sha256":"{}""#,
            json_string(&rp.id),
            json_string(&rp.name),
            rp.mode,
            serde_json::Value::from(rp.origins.clone()),
            hex::encode(Sha256::digest(api_key.as_bytes())),
        );
        if let Some(url) = &rp.webhook_url {
            let secret = random_token(random, WEBHOOK_SECRET_PREFIX);
            entry.push_str(&format!(
                r#","webhook_url":{},"webhook_secret":{}"#,
                json_string(url),
                json_string(&secret),
            ));
            webhook_secrets.push((rp.id.clone(), secret));
        }
        entry.push('}');
        api_keys.push((rp.id.clone(), api_key));
        entries.push(entry);
    }
    // `'` only ever occurs inside JSON strings, where `\u0027` means the same; without it the
    // value can be pasted between single quotes in a shell or a `.dev.vars` file.
    let relying_parties = format!("[{}]", entries.join(",")).replace('\'', "\\u0027");

    let vapid_subject = spec.vapid_subject.clone().unwrap_or_else(|| {
        if spec.edge_origin.starts_with("https://") {
            spec.edge_origin.clone()
        } else {
            "mailto:assent@localhost".to_owned()
        }
    });
    let mut vars = vec![
        (vars::EDGE_ORIGIN, spec.edge_origin.clone()),
        (vars::VAPID_PRIVATE_KEY, b64u::encode(&vapid)),
        (vars::VAPID_SUBJECT, vapid_subject),
        (vars::RECEIPT_PRIVATE_KEY, b64u::encode(&receipt)),
        (vars::CHANNEL_PRIVATE_KEY, b64u::encode(&channel)),
    ];
    if spec.allow_loopback_push {
        vars.push((vars::ALLOW_LOOPBACK_PUSH, "1".to_owned()));
    }
    vars.push((vars::RELYING_PARTIES, relying_parties));

    Config::from_vars(vars.iter().map(|(name, value)| (*name, value.as_str())))
        .map_err(GenerateError::Invalid)?;
    Ok(Generated {
        vars,
        api_keys,
        webhook_secrets,
    })
}

/// Rejection sampling: draw 32 bytes until they are a valid scalar, which keeps the key
/// uniform over `[1, n)` (reducing mod n would bias it).
fn random_scalar(random: &mut impl FnMut(&mut [u8])) -> Result<Scalar, GenerateError> {
    for _ in 0..MAX_SCALAR_DRAWS {
        let mut candidate = [0u8; 32];
        random(&mut candidate);
        if keys::is_valid_scalar(&candidate) {
            return Ok(candidate);
        }
    }
    Err(GenerateError::RandomSourceBroken)
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

fn random_token(random: &mut impl FnMut(&mut [u8]), prefix: &str) -> String {
    let mut bytes = [0u8; SECRET_RANDOM_BYTES];
    random(&mut bytes);
    format!("{prefix}{}", b64u::encode(&bytes))
}
