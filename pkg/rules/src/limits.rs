//! Per-RP abuse limits (SPEC §10) and request lifetime bounds (§5), with the defaults of §13.

use serde::{Deserialize, Serialize};

/// Length of the sliding creation-budget window: "at most N requests per account per
/// 10 minutes" (SPEC §10).
pub const BUDGET_WINDOW_SECONDS: u64 = 600;

/// Lifetime of a request when the RP gives no `ttl_seconds` (SPEC §5).
pub const DEFAULT_TTL_SECONDS: u32 = 120;

/// Largest `max_ttl_seconds` an RP may configure: a request is a live decision, and a day also
/// bounds the KV expiration of its content and the push `TTL`.
pub const MAX_CONFIGURABLE_TTL_SECONDS: u32 = 86_400;

/// An RP's limits: the `limits` object of `ASSENT_RELYING_PARTIES` (SPEC §13). Members left out
/// take the SPEC defaults; unknown members are rejected when deserializing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Smallest accepted `ttl_seconds` (default 30).
    pub min_ttl_seconds: u32,
    /// Largest accepted `ttl_seconds` (default 600).
    pub max_ttl_seconds: u32,
    /// Requests an account may create within any 600-second window (default 10).
    pub requests_per_10_min: u32,
    /// How long a fraud report freezes new requests for the account (default 1200; 0 disables
    /// the freeze).
    pub freeze_seconds: u32,
    /// Failed decisions in a row that lock a device (default 5).
    pub max_failed_decisions: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            min_ttl_seconds: 30,
            max_ttl_seconds: 600,
            requests_per_10_min: 10,
            freeze_seconds: 1200,
            max_failed_decisions: 5,
        }
    }
}

impl Limits {
    /// The lifetime used when the RP gives none: 120 s, moved into `[min, max]` when an RP's
    /// bounds exclude it (so narrowing the bounds never makes the default invalid).
    pub fn default_ttl_seconds(&self) -> u32 {
        DEFAULT_TTL_SECONDS
            .min(self.max_ttl_seconds)
            .max(self.min_ttl_seconds)
    }

    /// Checks the limits are usable; run at start-up so a bad configuration is reported there
    /// and not as odd answers later.
    pub fn validate(&self) -> Result<(), LimitsError> {
        if self.min_ttl_seconds == 0 {
            return Err(LimitsError::MinTtlZero);
        }
        if self.min_ttl_seconds > self.max_ttl_seconds {
            return Err(LimitsError::MinTtlAboveMax {
                min: self.min_ttl_seconds,
                max: self.max_ttl_seconds,
            });
        }
        if self.max_ttl_seconds > MAX_CONFIGURABLE_TTL_SECONDS {
            return Err(LimitsError::MaxTtlTooLarge {
                max: self.max_ttl_seconds,
            });
        }
        if self.requests_per_10_min == 0 {
            return Err(LimitsError::NoRequestBudget);
        }
        if self.max_failed_decisions == 0 {
            return Err(LimitsError::NoFailedDecisions);
        }
        Ok(())
    }
}

/// Why a [`Limits`] value is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitsError {
    /// `min_ttl_seconds` is 0: a request would expire as it is created.
    MinTtlZero,
    /// `min_ttl_seconds` exceeds `max_ttl_seconds`: no lifetime would be accepted.
    MinTtlAboveMax {
        /// The configured minimum.
        min: u32,
        /// The configured maximum.
        max: u32,
    },
    /// `max_ttl_seconds` exceeds [`MAX_CONFIGURABLE_TTL_SECONDS`].
    MaxTtlTooLarge {
        /// The configured maximum.
        max: u32,
    },
    /// `requests_per_10_min` is 0: the account could never create a request.
    NoRequestBudget,
    /// `max_failed_decisions` is 0: a device would be locked before any attempt.
    NoFailedDecisions,
}

impl core::fmt::Display for LimitsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::MinTtlZero => f.write_str("limits.min_ttl_seconds must be at least 1"),
            Self::MinTtlAboveMax { min, max } => write!(
                f,
                "limits.min_ttl_seconds ({min}) must not exceed limits.max_ttl_seconds ({max})"
            ),
            Self::MaxTtlTooLarge { max } => write!(
                f,
                "limits.max_ttl_seconds ({max}) must not exceed {MAX_CONFIGURABLE_TTL_SECONDS}"
            ),
            Self::NoRequestBudget => f.write_str("limits.requests_per_10_min must be at least 1"),
            Self::NoFailedDecisions => {
                f.write_str("limits.max_failed_decisions must be at least 1")
            }
        }
    }
}

impl std::error::Error for LimitsError {}
