//! The status words of the API (SPEC §5, §9, §13) and the widget's status object (§9).
//!
//! `assent-rules` (the state machine) uses these same types.

use serde::{Deserialize, Serialize};

/// A request's status (SPEC §5). Every status but `Pending` is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// `pending`: awaiting the user's decision.
    Pending,
    /// `approved`.
    Approved,
    /// `denied` (see [`Reason`]).
    Denied,
    /// `expired`: not decided before `expires_at`.
    Expired,
    /// `cancelled` (see [`Reason`]).
    Cancelled,
}

impl Status {
    /// The status spelled `name` (SPEC §5), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "pending" => Self::Pending,
            "approved" => Self::Approved,
            "denied" => Self::Denied,
            "expired" => Self::Expired,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }

    /// The SPEC spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    /// True for every status but `Pending`: a final status never changes.
    pub fn is_final(self) -> bool {
        self != Self::Pending
    }
}

/// Why a request was denied or cancelled (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// `denied`: the user said no.
    Rejected,
    /// `denied`: the user reported "I did not ask for this".
    Fraud,
    /// `denied`: approved with a wrong binding code.
    BindingMismatch,
    /// `cancelled`: the RP cancelled it.
    Rp,
    /// `cancelled`: a newer `login` of the account replaced it.
    Superseded,
}

impl Reason {
    /// The reason spelled `name` (SPEC §5), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "rejected" => Self::Rejected,
            "fraud" => Self::Fraud,
            "binding_mismatch" => Self::BindingMismatch,
            "rp" => Self::Rp,
            "superseded" => Self::Superseded,
            _ => return None,
        })
    }

    /// The SPEC spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rejected => "rejected",
            Self::Fraud => "fraud",
            Self::BindingMismatch => "binding_mismatch",
            Self::Rp => "rp",
            Self::Superseded => "superseded",
        }
    }
}

/// How an RP's devices fetch request details (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `gateway`: each request's details by id, without an authentication operation.
    Gateway,
    /// `secure`: details only through the sealed, assertion-gated inbox.
    Secure,
}

impl Mode {
    /// The SPEC spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gateway => "gateway",
            Self::Secure => "secure",
        }
    }

    /// The mode spelled `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "gateway" => Some(Self::Gateway),
            "secure" => Some(Self::Secure),
            _ => None,
        }
    }
}

impl core::fmt::Display for Mode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An activation's state (SPEC §5 `GET /v1/activations/{activation_id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivationState {
    /// `pending`: the code has not been used yet and is still valid.
    Pending,
    /// `completed`: a device activated with the code.
    Completed,
    /// `expired`: the code's 10 minutes passed unused.
    Expired,
}

impl ActivationState {
    /// The SPEC spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Completed => "completed",
            Self::Expired => "expired",
        }
    }
}

/// What the widget reads: `GET /v1/status/{request_id}` and every WebSocket message of
/// `/live` (SPEC §9).
///
/// `reason` is an addition to the SPEC's `{status, expires_at, binding_code, decided_at?}`:
/// the widget's `assent-status` event carries `detail: {status, reason?}`, and this object is
/// all the widget receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusView {
    /// The request's status.
    pub status: Status,
    /// Unix seconds.
    pub expires_at: u64,
    /// The code the website shows; `null` without number matching.
    #[serde(default)]
    pub binding_code: Option<String>,
    /// Unix seconds, once final.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<u64>,
    /// For `denied` and `cancelled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_their_spelling_and_nothing_else_reads() {
        for word in ["pending", "approved", "denied", "expired", "cancelled"] {
            assert_eq!(Status::from_name(word).map(Status::as_str), Some(word));
            let json = serde_json::to_string(&Status::from_name(word)).unwrap_or_default();
            assert_eq!(json, format!("\"{word}\""), "serde and from_name agree");
        }
        for word in ["rejected", "fraud", "binding_mismatch", "rp", "superseded"] {
            assert_eq!(Reason::from_name(word).map(Reason::as_str), Some(word));
        }
        for word in [
            "",
            "Pending",
            "approve",
            "deny",
            "cancel",
            "binding-mismatch",
        ] {
            assert_eq!(Status::from_name(word), None, "{word}");
            assert_eq!(Reason::from_name(word), None, "{word}");
        }
    }
}
