//! The request content a user is shown and signs, its `request_hash`, and the decision
//! statement whose hash is the WebAuthn challenge (SPEC §5, §7).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::b64u;
use crate::jcs::{self, JcsError};

/// Version of the request content and statement formats.
pub const FORMAT_VERSION: u8 = 1;

/// What the RP asks the user to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Push and Login: "is this really you?".
    Login,
    /// Push and Sign: approve the transaction `fields`.
    Sign,
}

impl Kind {
    /// The wire name, `login` or `sign`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Sign => "sign",
        }
    }
}

/// Where the request came from, as the RP saw it; shown to the user so they can tell a
/// login they started from one an attacker started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The IP address of the browser that started the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// An approximate location, e.g. `Brussels, BE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Browser and operating system, e.g. `Firefox on macOS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
}

impl Context {
    /// The present members as `(name, value)` pairs, in display order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("browser", self.browser.as_deref()),
            ("location", self.location.as_deref()),
            ("ip", self.ip.as_deref()),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
    }

    /// True when no member is present.
    pub fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }
}

/// One labelled value of a sign request, shown in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// e.g. `Amount`.
    pub label: String,
    /// e.g. `EUR 1,250.00`.
    pub value: String,
}

/// The immutable object the user is shown and signs (SPEC §5). Absent optional members are
/// omitted, never `null`, so the canonical form has one spelling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestContent {
    /// Always [`FORMAT_VERSION`].
    pub v: u8,
    /// The RP's configured id.
    pub rp_id: String,
    /// The RP's display name.
    pub rp_name: String,
    /// The request id.
    pub request_id: String,
    /// The RP's opaque user id.
    pub user_id: String,
    /// Login or sign.
    pub kind: Kind,
    /// A short title, e.g. `Sign in to Example Bank`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the request came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The transaction fields of a sign request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Field>>,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds.
    pub expires_at: u64,
}

impl RequestContent {
    /// RFC 8785 canonical JSON of this content.
    pub fn canonical_json(&self) -> Result<String, JcsError> {
        jcs::canonicalize_serialize(self)
    }

    /// `b64u(SHA-256(JCS(request content)))`.
    pub fn request_hash(&self) -> Result<String, JcsError> {
        Ok(b64u::encode(&Sha256::digest(
            self.canonical_json()?.as_bytes(),
        )))
    }
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The user approves.
    Approve,
    /// The user denies.
    Deny,
}

impl Decision {
    /// The wire name, `approve` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Deny => "deny",
        }
    }
}

/// Why the user denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DenyReason {
    /// "No": the user does not want this.
    Rejected,
    /// "I did not ask for this": freezes the account (SPEC §10).
    Fraud,
}

impl DenyReason {
    /// The wire name, `rejected` or `fraud`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rejected => "rejected",
            Self::Fraud => "fraud",
        }
    }
}

/// What the user signs: `{"v":1, "request_hash", "decision", "reason"?, "binding_code"?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Always [`FORMAT_VERSION`].
    pub v: u8,
    /// The hash of the content the signer displayed.
    pub request_hash: String,
    /// Approve or deny.
    pub decision: Decision,
    /// Present for deny only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DenyReason>,
    /// The code the user typed, when number matching is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_code: Option<String>,
}

impl Statement {
    /// The statement for `decision` over `request_hash`.
    pub fn new(
        request_hash: impl Into<String>,
        decision: Decision,
        reason: Option<DenyReason>,
        binding_code: Option<String>,
    ) -> Self {
        Self {
            v: FORMAT_VERSION,
            request_hash: request_hash.into(),
            decision,
            reason,
            binding_code,
        }
    }

    /// RFC 8785 canonical JSON of this statement.
    pub fn canonical_json(&self) -> Result<String, JcsError> {
        jcs::canonicalize_serialize(self)
    }

    /// The WebAuthn challenge: `SHA-256(JCS(statement))`.
    pub fn challenge(&self) -> Result<[u8; 32], JcsError> {
        Ok(Sha256::digest(self.canonical_json()?.as_bytes()).into())
    }
}
