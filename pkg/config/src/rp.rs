//! `ASSENT_RELYING_PARTIES` (SPEC §13): one JSON object per relying party.

use core::fmt;
use std::collections::BTreeMap;

use assent_rules::Limits;
use assent_webpush::Origin;

use crate::error::{ConfigError, RpRef};
use crate::json::{self, Json};
use crate::origin;

/// Longest RP `name`, in characters: it is shown in notifications and on small screens.
pub const MAX_RP_NAME_CHARS: usize = 64;
/// Shortest `webhook_secret`, in characters: 32 characters of base64url or hex carry at
/// least 128 bits.
pub const MIN_WEBHOOK_SECRET_CHARS: usize = 32;
/// Longest RP `id` (`[a-z0-9-]{1,32}`, SPEC §1).
pub const MAX_RP_ID_LEN: usize = 32;

/// The members an RP object may have.
const MEMBERS: [&str; 8] = [
    "id",
    "name",
    "mode",
    "origins",
    "api_key_sha256",
    "webhook_url",
    "webhook_secret",
    "limits",
];

/// How an RP's devices fetch request details (SPEC §4); the wire type, shared.
pub use assent_proto::api::Mode;

/// Where an RP receives its webhooks (SPEC §9) and the secret that signs them.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    url: String,
    origin: String,
    secret: String,
}

impl Webhook {
    /// The URL webhooks are POSTed to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL's origin (what `Debug` shows, since a URL's path may embed a token).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The HMAC-SHA256 key of the `Assent-Signature` header, as UTF-8 bytes.
    pub fn secret(&self) -> &[u8] {
        self.secret.as_bytes()
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// One validated relying party.
#[derive(Clone, PartialEq, Eq)]
pub struct RpConfig {
    id: String,
    name: String,
    mode: Mode,
    origins: Vec<String>,
    api_key_sha256: [u8; 32],
    webhook: Option<Webhook>,
    limits: Limits,
}

impl RpConfig {
    /// The RP's id (`[a-z0-9-]{1,32}`): the `rp_id` of its accounts and the receipts' `aud`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The RP's display name, shown to users.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The RP's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The RP's serialized origins, for CORS on the status API (SPEC §9).
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// True when `origin` (an `Origin` header, which browsers send serialized) is one of the
    /// RP's origins.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }

    /// The SHA-256 of the RP's API key.
    pub fn api_key_sha256(&self) -> &[u8; 32] {
        &self.api_key_sha256
    }

    /// Where the RP receives webhooks, if it does.
    pub fn webhook(&self) -> Option<&Webhook> {
        self.webhook.as_ref()
    }

    /// The RP's abuse limits and lifetime bounds, validated.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

impl fmt::Debug for RpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RpConfig")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("mode", &self.mode)
            .field("origins", &self.origins)
            .field("webhook", &self.webhook)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// True when `id` matches `[a-z0-9-]{1,32}`.
pub fn is_valid_rp_id(id: &str) -> bool {
    (1..=MAX_RP_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Parses and validates `ASSENT_RELYING_PARTIES`, recording every problem. The returned list
/// holds the RPs that passed their own checks; it is used only when no error was recorded.
pub(crate) fn parse(
    text: &str,
    allow_loopback: bool,
    errors: &mut Vec<ConfigError>,
) -> Vec<RpConfig> {
    let items = match json::parse(text) {
        Err((line, column)) => {
            errors.push(ConfigError::RelyingPartiesSyntax { line, column });
            return Vec::new();
        }
        Ok(Json::Array(items)) => items,
        Ok(other) => {
            errors.push(ConfigError::RelyingPartiesNotArray {
                found: other.kind(),
            });
            return Vec::new();
        }
    };
    if items.is_empty() {
        errors.push(ConfigError::RelyingPartiesEmpty);
    }

    let mut rps = Vec::new();
    let mut first_by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut first_by_hash: BTreeMap<[u8; 32], RpRef> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        let Json::Object(members) = item else {
            errors.push(ConfigError::RpNotObject {
                index,
                found: item.kind(),
            });
            continue;
        };
        let entry = Entry::read(index, members, allow_loopback, errors);
        if let Some(id) = &entry.rp.id {
            match first_by_id.get(id) {
                Some(&first_index) => errors.push(ConfigError::RpIdDuplicate {
                    index,
                    id: id.clone(),
                    first_index,
                }),
                None => {
                    first_by_id.insert(id.clone(), index);
                }
            }
        }
        if let Some(hash) = entry.api_key_sha256 {
            match first_by_hash.get(&hash) {
                Some(first) => errors.push(ConfigError::RpApiKeyHashDuplicate {
                    rp: entry.rp.clone(),
                    first: first.clone(),
                }),
                None => {
                    first_by_hash.insert(hash, entry.rp.clone());
                }
            }
        }
        if let Some(rp) = entry.finish() {
            rps.push(rp);
        }
    }
    rps
}

/// One RP object's members as read, each `None` when absent or invalid (the error recorded).
struct Entry {
    rp: RpRef,
    ok: bool,
    name: Option<String>,
    mode: Option<Mode>,
    origins: Option<Vec<String>>,
    api_key_sha256: Option<[u8; 32]>,
    webhook: Option<Option<Webhook>>,
    limits: Option<Limits>,
}

impl Entry {
    fn read(
        index: usize,
        members: &[(String, Json)],
        allow_loopback: bool,
        errors: &mut Vec<ConfigError>,
    ) -> Self {
        let before = errors.len();
        let get = |name: &str| members.iter().find(|(n, _)| n == name).map(|(_, v)| v);

        // The id first, so every later message can name the RP by it.
        let mut rp = RpRef { index, id: None };
        match get("id") {
            None => errors.push(ConfigError::RpMissingMember {
                rp: rp.clone(),
                member: "id",
            }),
            Some(Json::String(id)) if is_valid_rp_id(id) => rp.id = Some(id.clone()),
            Some(Json::String(id)) => errors.push(ConfigError::RpIdInvalid {
                index,
                id: id.clone(),
            }),
            Some(other) => errors.push(type_error(&rp, "id", "a string", other)),
        }

        for (i, (name, _)) in members.iter().enumerate() {
            if !MEMBERS.contains(&name.as_str()) {
                errors.push(ConfigError::RpUnknownMember {
                    rp: rp.clone(),
                    member: name.clone(),
                });
            } else if members.iter().take(i).any(|(earlier, _)| earlier == name) {
                errors.push(ConfigError::RpDuplicateMember {
                    rp: rp.clone(),
                    member: name.clone(),
                });
            }
        }

        let name = required_string(&rp, get("name"), "name", errors).and_then(|name| {
            let chars = name.chars().count();
            if (1..=MAX_RP_NAME_CHARS).contains(&chars) && !name.chars().any(char::is_control) {
                Some(name.to_owned())
            } else {
                errors.push(ConfigError::RpNameInvalid { rp: rp.clone() });
                None
            }
        });

        let mode = required_string(&rp, get("mode"), "mode", errors).and_then(|mode| {
            let parsed = Mode::from_name(mode);
            if parsed.is_none() {
                errors.push(ConfigError::RpModeInvalid {
                    rp: rp.clone(),
                    mode: mode.to_owned(),
                });
            }
            parsed
        });

        let origins = read_origins(&rp, get("origins"), allow_loopback, errors);
        let api_key_sha256 = read_api_key_hash(&rp, get("api_key_sha256"), errors);
        let webhook = read_webhook(
            &rp,
            get("webhook_url"),
            get("webhook_secret"),
            allow_loopback,
            errors,
        );
        let limits = read_limits(&rp, get("limits"), errors);

        Self {
            ok: errors.len() == before,
            rp,
            name,
            mode,
            origins,
            api_key_sha256,
            webhook,
            limits,
        }
    }

    /// The RP, when every check on it passed.
    fn finish(self) -> Option<RpConfig> {
        if !self.ok {
            return None;
        }
        Some(RpConfig {
            id: self.rp.id?,
            name: self.name?,
            mode: self.mode?,
            origins: self.origins?,
            api_key_sha256: self.api_key_sha256?,
            webhook: self.webhook?,
            limits: self.limits?,
        })
    }
}

fn type_error(rp: &RpRef, member: &str, expected: &'static str, found: &Json) -> ConfigError {
    ConfigError::RpMemberType {
        rp: rp.clone(),
        member: member.to_owned(),
        expected,
        found: found.kind(),
    }
}

fn required_string<'a>(
    rp: &RpRef,
    value: Option<&'a Json>,
    member: &'static str,
    errors: &mut Vec<ConfigError>,
) -> Option<&'a str> {
    match value {
        None => {
            errors.push(ConfigError::RpMissingMember {
                rp: rp.clone(),
                member,
            });
            None
        }
        Some(Json::String(text)) => Some(text),
        Some(other) => {
            errors.push(type_error(rp, member, "a string", other));
            None
        }
    }
}

/// An optional string member: `Some(None)` when absent, `None` when present but not a string.
/// `null` counts as present: the configuration omits members rather than nulling them.
fn optional_string<'a>(
    rp: &RpRef,
    value: Option<&'a Json>,
    member: &'static str,
    errors: &mut Vec<ConfigError>,
) -> Option<Option<&'a str>> {
    match value {
        None => Some(None),
        Some(Json::String(text)) => Some(Some(text)),
        Some(other) => {
            errors.push(type_error(
                rp,
                member,
                "a string (omit it when unused)",
                other,
            ));
            None
        }
    }
}

fn read_origins(
    rp: &RpRef,
    value: Option<&Json>,
    allow_loopback: bool,
    errors: &mut Vec<ConfigError>,
) -> Option<Vec<String>> {
    let items = match value {
        None => {
            errors.push(ConfigError::RpMissingMember {
                rp: rp.clone(),
                member: "origins",
            });
            return None;
        }
        Some(Json::Array(items)) => items,
        Some(other) => {
            errors.push(type_error(rp, "origins", "an array of origins", other));
            return None;
        }
    };
    if items.is_empty() {
        errors.push(ConfigError::RpOriginsEmpty { rp: rp.clone() });
        return None;
    }
    let before = errors.len();
    let mut origins: Vec<String> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Json::String(text) = item else {
            errors.push(type_error(
                rp,
                &format!("origins[{index}]"),
                "a string",
                item,
            ));
            continue;
        };
        match origin::parse_serialized(text, allow_loopback) {
            Err(problem) => errors.push(ConfigError::RpOriginInvalid {
                rp: rp.clone(),
                index,
                origin: text.clone(),
                problem,
            }),
            Ok(parsed) if origins.contains(&parsed) => {
                errors.push(ConfigError::RpOriginDuplicate {
                    rp: rp.clone(),
                    origin: parsed,
                });
            }
            Ok(parsed) => origins.push(parsed),
        }
    }
    (errors.len() == before).then_some(origins)
}

fn read_api_key_hash(
    rp: &RpRef,
    value: Option<&Json>,
    errors: &mut Vec<ConfigError>,
) -> Option<[u8; 32]> {
    let text = required_string(rp, value, "api_key_sha256", errors)?;
    // Lower case only: one spelling per hash keeps the duplicate check exact.
    let well_formed = text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let mut hash = [0u8; 32];
    if !well_formed || hex::decode_to_slice(text, &mut hash).is_err() {
        errors.push(ConfigError::RpApiKeyHashInvalid { rp: rp.clone() });
        return None;
    }
    Some(hash)
}

fn read_webhook(
    rp: &RpRef,
    url: Option<&Json>,
    secret: Option<&Json>,
    allow_loopback: bool,
    errors: &mut Vec<ConfigError>,
) -> Option<Option<Webhook>> {
    let url = optional_string(rp, url, "webhook_url", errors);
    let secret = optional_string(rp, secret, "webhook_secret", errors);
    let (url, secret) = (url?, secret?);
    let origin = match url.map(|u| Origin::of_endpoint(u, allow_loopback)) {
        Some(Err(problem)) => {
            errors.push(ConfigError::RpWebhookUrlInvalid {
                rp: rp.clone(),
                problem,
            });
            None
        }
        Some(Ok(origin)) => Some(origin),
        None => None,
    };
    if let Some(secret) = secret
        && secret.chars().count() < MIN_WEBHOOK_SECRET_CHARS
    {
        errors.push(ConfigError::RpWebhookSecretTooShort { rp: rp.clone() });
        return None;
    }
    match (url, origin, secret) {
        (None, _, None) => Some(None),
        (Some(_), _, None) => {
            errors.push(ConfigError::RpWebhookUrlWithoutSecret { rp: rp.clone() });
            None
        }
        (None, _, Some(_)) => {
            errors.push(ConfigError::RpWebhookSecretWithoutUrl { rp: rp.clone() });
            None
        }
        (Some(url), Some(origin), Some(secret)) => Some(Some(Webhook {
            url: url.to_owned(),
            origin: origin.as_str().to_owned(),
            secret: secret.to_owned(),
        })),
        (Some(_), None, Some(_)) => None,
    }
}

fn read_limits(rp: &RpRef, value: Option<&Json>, errors: &mut Vec<ConfigError>) -> Option<Limits> {
    let members = match value {
        None => return Some(Limits::default()),
        Some(Json::Object(members)) => members,
        Some(other) => {
            errors.push(type_error(rp, "limits", "an object", other));
            return None;
        }
    };
    let before = errors.len();
    // Members left out keep the SPEC defaults, as `Limits`' own `serde(default)` does.
    let mut limits = Limits::default();
    for (i, (name, value)) in members.iter().enumerate() {
        let member = format!("limits.{name}");
        if members.iter().take(i).any(|(earlier, _)| earlier == name) {
            errors.push(ConfigError::RpDuplicateMember {
                rp: rp.clone(),
                member,
            });
            continue;
        }
        let field = match name.as_str() {
            "min_ttl_seconds" => &mut limits.min_ttl_seconds,
            "max_ttl_seconds" => &mut limits.max_ttl_seconds,
            "requests_per_10_min" => &mut limits.requests_per_10_min,
            "freeze_seconds" => &mut limits.freeze_seconds,
            "max_failed_decisions" => &mut limits.max_failed_decisions,
            _ => {
                errors.push(ConfigError::RpUnknownMember {
                    rp: rp.clone(),
                    member,
                });
                continue;
            }
        };
        let number = match value {
            Json::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            other => {
                errors.push(type_error(rp, &member, "an integer", other));
                continue;
            }
        };
        match number {
            Some(n) => *field = n,
            None => errors.push(ConfigError::RpLimitsNotInteger {
                rp: rp.clone(),
                member,
            }),
        }
    }
    if errors.len() != before {
        return None;
    }
    match limits.validate() {
        Ok(()) => Some(limits),
        Err(error) => {
            errors.push(ConfigError::RpLimits {
                rp: rp.clone(),
                error,
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limits_field_is_read() {
        // The type's own serialization names every field, so a field added to `Limits` but
        // not read here fails this test instead of being refused as unknown in production.
        let defaults = serde_json::to_value(Limits::default()).unwrap();
        let rp = RpRef { index: 0, id: None };
        for (name, default) in defaults.as_object().unwrap() {
            let raised = default.as_u64().unwrap() + 1;
            let value = Json::Object(vec![(name.clone(), Json::Number(raised.into()))]);
            let mut errors = Vec::new();
            let limits = read_limits(&rp, Some(&value), &mut errors).unwrap();
            assert_eq!(errors, []);
            let mut expected = defaults.clone();
            expected[name] = raised.into();
            assert_eq!(serde_json::to_value(limits).unwrap(), expected, "{name}");
        }
    }

    #[test]
    fn rp_ids() {
        for ok in ["demo", "demo-secure", "a", "0", "-", &"a".repeat(32)] {
            assert!(is_valid_rp_id(ok), "{ok}");
        }
        for bad in ["", "Demo", "demo_1", "démo", "a b", &"a".repeat(33)] {
            assert!(!is_valid_rp_id(bad), "{bad}");
        }
    }
}
