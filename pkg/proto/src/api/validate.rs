//! Checks shared by the request bodies: the RP's lifetime bounds, the error that names the
//! failing field, and the rules for text the PWA displays.

use core::fmt;

use crate::{b64u, ids};

/// Most Unicode scalar values in a request `title` (SPEC §5).
pub const TITLE_MAX_CHARS: usize = 80;
/// Most Unicode scalar values in each `context` value (SPEC §5).
pub const CONTEXT_VALUE_MAX_CHARS: usize = 128;
/// Fewest `fields` of a `sign` request (SPEC §5).
pub const FIELDS_MIN: usize = 1;
/// Most `fields` of a `sign` request (SPEC §5).
pub const FIELDS_MAX: usize = 20;
/// Most Unicode scalar values in a field `label` (SPEC §5).
pub const FIELD_LABEL_MAX_CHARS: usize = 64;
/// Most Unicode scalar values in a field `value` (SPEC §5).
pub const FIELD_VALUE_MAX_CHARS: usize = 256;
/// Most Unicode scalar values in `user_name` and `display_name`. The SPEC is silent; 64 is
/// the length WebAuthn requires every authenticator to store for `user.name` and
/// `user.displayName` (WebAuthn L3 §5.4.1), so a name is never cut short on the device.
pub const NAME_MAX_CHARS: usize = 64;
/// Most UTF-8 bytes in a `user_id` (SPEC §1).
pub const USER_ID_MAX_BYTES: usize = 128;
/// Most characters in an activation `code` (the edge issues shorter ones).
pub const ACTIVATION_CODE_MAX_LEN: usize = 64;
/// Length of an uncompressed P-256 point: `0x04 || x || y` (SPEC §7 `channel_public_key`).
pub const CHANNEL_PUBLIC_KEY_LEN: usize = 65;
/// Fewest bytes of a sealed value: a 12-byte nonce and a 16-byte AES-GCM tag (SPEC §3).
pub const SEALED_MIN_BYTES: usize = 12 + 16;
/// SPEC §5 default smallest `ttl_seconds`.
pub const DEFAULT_MIN_TTL_SECONDS: u32 = 30;
/// SPEC §5 default largest `ttl_seconds`.
pub const DEFAULT_MAX_TTL_SECONDS: u32 = 600;
/// SPEC §5 lifetime of a request created without `ttl_seconds`.
pub const DEFAULT_TTL_SECONDS: u32 = 120;

/// The `ttl_seconds` bounds in force for one RP: the SPEC defaults, or the RP's configured
/// `limits` (SPEC §13), which the edge passes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Smallest accepted `ttl_seconds`.
    pub min_ttl_seconds: u32,
    /// Largest accepted `ttl_seconds`.
    pub max_ttl_seconds: u32,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            min_ttl_seconds: DEFAULT_MIN_TTL_SECONDS,
            max_ttl_seconds: DEFAULT_MAX_TTL_SECONDS,
        }
    }
}

impl Bounds {
    /// The lifetime of a request created without `ttl_seconds`: 120 s, moved into the bounds
    /// when an RP's limits exclude it (the same rule as `assent-rules`' `Limits`).
    pub fn default_ttl_seconds(&self) -> u32 {
        DEFAULT_TTL_SECONDS
            .min(self.max_ttl_seconds)
            .max(self.min_ttl_seconds)
    }

    /// True when `ttl_seconds` lies within `min_ttl_seconds..=max_ttl_seconds`.
    pub fn admits(&self, ttl_seconds: u64) -> bool {
        (u64::from(self.min_ttl_seconds)..=u64::from(self.max_ttl_seconds)).contains(&ttl_seconds)
    }
}

/// A request body member that breaks a rule; the edge answers `400 invalid_request` with the
/// `Display` as the message (SPEC §11: "the message names the field").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the member, e.g. `fields[3].label` or `context.ip`.
    pub field: String,
    /// What is wrong with it, e.g. `at most 64 characters (got 65)`.
    pub message: String,
}

impl FieldError {
    /// An error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// A request body the edge checks after parsing, before acting on it.
pub trait Validate {
    /// The first member that breaks a rule, in member order. Bodies with no lifetime ignore
    /// `bounds`; it is there so every body is checked the same way.
    fn validate(&self, bounds: &Bounds) -> Result<(), FieldError>;
}

/// Characters refused in anything the PWA displays: C0/C1 controls (tab and newline
/// included: every displayed string is one line), the line and paragraph separators, and the
/// bidirectional embedding, override and isolate controls, which reorder what the user reads
/// (an amount or payee shown reversed: CVE-2021-42574, "Trojan Source").
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Refuses the characters of [`is_forbidden`], naming the first one.
pub(crate) fn check_no_forbidden(field: &str, value: &str) -> Result<(), FieldError> {
    match value.chars().find(|c| is_forbidden(*c)) {
        Some(c) => Err(FieldError::new(
            field,
            format!(
                "must not contain control or bidirectional formatting characters (found U+{:04X})",
                u32::from(c)
            ),
        )),
        None => Ok(()),
    }
}

/// Displayed text: not empty, not only whitespace, at most `max_chars` Unicode scalar values
/// (what `str::chars` counts, so "é" is one character however it is encoded), and none of
/// the refused characters.
pub(crate) fn check_text(field: &str, value: &str, max_chars: usize) -> Result<(), FieldError> {
    if value.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().all(char::is_whitespace) {
        return Err(FieldError::new(field, "must not be only whitespace"));
    }
    let count = value.chars().count();
    if count > max_chars {
        return Err(FieldError::new(
            field,
            format!("at most {max_chars} characters (got {count})"),
        ));
    }
    check_no_forbidden(field, value)
}

/// `user_id`: 1–128 bytes of UTF-8 (SPEC §1), and none of the refused characters, because
/// the PWA shows it as the account's name when the RP gives no `user_name`.
pub(crate) fn check_user_id(field: &str, value: &str) -> Result<(), FieldError> {
    if !ids::is_valid_user_id(value) {
        return Err(FieldError::new(
            field,
            format!(
                "must be 1 to {USER_ID_MAX_BYTES} bytes of UTF-8 (got {})",
                value.len()
            ),
        ));
    }
    // SPEC §1: the user id is the RP's opaque id, any UTF-8; it is not narrowed here. Where
    // it is displayed (as the account name when `user_name` is absent), the PWA isolates it.
    Ok(())
}

/// A 128-bit id: 22 base64url characters (SPEC §1).
pub(crate) fn check_id(field: &str, value: &str) -> Result<(), FieldError> {
    if ids::is_valid_id(value) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!("must be an id: {} base64url characters", ids::ID_LEN),
        ))
    }
}

/// An activation code: 1–64 characters of the base64url alphabet. It travels in a URL
/// fragment and is typed by nobody, so anything else is a corrupted link.
pub(crate) fn check_activation_code(field: &str, value: &str) -> Result<(), FieldError> {
    let well_formed = (1..=ACTIVATION_CODE_MAX_LEN).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if well_formed {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!(
                "must be 1 to {ACTIVATION_CODE_MAX_LEN} characters of A-Z, a-z, 0-9, '-' and '_'"
            ),
        ))
    }
}

/// `seal(...)` output: unpadded base64url of at least a nonce and a tag (SPEC §3). Whether
/// it opens is the edge's check, with the device's key.
pub(crate) fn check_sealed(field: &str, value: &str) -> Result<(), FieldError> {
    match b64u::decode(value) {
        Err(_) => Err(FieldError::new(field, "must be unpadded base64url")),
        Ok(bytes) if bytes.len() < SEALED_MIN_BYTES => Err(FieldError::new(
            field,
            format!(
                "too short to be sealed: at least {SEALED_MIN_BYTES} bytes (got {})",
                bytes.len()
            ),
        )),
        Ok(_) => Ok(()),
    }
}

/// An uncompressed P-256 point in base64url. Whether it lies on the curve is the channel
/// crate's check.
pub(crate) fn check_channel_public_key(field: &str, value: &str) -> Result<(), FieldError> {
    match b64u::decode_array::<CHANNEL_PUBLIC_KEY_LEN>(value) {
        Ok(bytes) if bytes.first() == Some(&0x04) => Ok(()),
        _ => Err(FieldError::new(
            field,
            format!(
                "must be an uncompressed P-256 point: {CHANNEL_PUBLIC_KEY_LEN} bytes starting with 0x04, unpadded base64url"
            ),
        )),
    }
}

/// A binding code: exactly two ASCII digits (SPEC §5).
pub(crate) fn check_binding_code(field: &str, value: &str) -> Result<(), FieldError> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(FieldError::new(field, "must be two ASCII digits"))
    }
}
