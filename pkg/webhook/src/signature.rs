//! The `Assent-Signature` header: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
//! (SPEC §9).
//!
//! The timestamp is inside the MAC, so a captured delivery cannot be replayed later than the
//! receiver's tolerance. Several `v1` entries may appear: while a secret is being rotated the
//! sender signs with the old and the new secret, and the receiver accepts either.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The HTTP header that carries the signature.
pub const HEADER_NAME: &str = "Assent-Signature";

/// How far a timestamp may be from the receiver's clock, either way: 5 minutes.
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;

/// Length of a `v1` value: 32 bytes of HMAC-SHA256 in lowercase hex.
pub const V1_HEX_LEN: usize = 64;

type HmacSha256 = Hmac<Sha256>;

/// Why a signature header was refused. Each failed check has its own variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// An element of the header is empty or is not `scheme=value`.
    MalformedHeader,
    /// The header has no `t`.
    MissingTimestamp,
    /// The header has `t` more than once, so which time was signed is ambiguous.
    DuplicateTimestamp,
    /// `t` is not a canonical decimal Unix time (digits only, no sign, no leading zero, fits
    /// in 64 bits).
    BadTimestamp,
    /// The header has no `v1`.
    MissingSignature,
    /// A `v1` value is not 64 lowercase hex digits.
    BadSignatureHex,
    /// No `v1` value is the HMAC of this body and timestamp under this secret.
    NoMatchingSignature,
    /// The signed timestamp is more than the tolerance before `now`: a possible replay.
    TimestampTooOld {
        /// The header's `t`.
        t: u64,
        /// The receiver's clock.
        now: u64,
    },
    /// The signed timestamp is more than the tolerance after `now`.
    TimestampInFuture {
        /// The header's `t`.
        t: u64,
        /// The receiver's clock.
        now: u64,
    },
}

impl core::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::MalformedHeader => f.write_str("signature header is not scheme=value,..."),
            Self::MissingTimestamp => f.write_str("signature header has no t"),
            Self::DuplicateTimestamp => f.write_str("signature header has more than one t"),
            Self::BadTimestamp => f.write_str("signature header t is not a Unix time"),
            Self::MissingSignature => f.write_str("signature header has no v1"),
            Self::BadSignatureHex => f.write_str("signature header v1 is not 64 lowercase hex"),
            Self::NoMatchingSignature => f.write_str("no v1 signature matches the body"),
            Self::TimestampTooOld { t, now } => {
                write!(f, "signature timestamp {t} is too old (now {now})")
            }
            Self::TimestampInFuture { t, now } => {
                write!(f, "signature timestamp {t} is in the future (now {now})")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// `HMAC-SHA256(secret, "<t>.<raw body>")`.
fn mac(secret: &[u8], t: u64, raw_body: &[u8]) -> [u8; 32] {
    #[allow(
        clippy::expect_used,
        reason = "HMAC takes keys of any length (RFC 2104 §2: longer keys are hashed, shorter \
                  ones padded); hmac 0.13's Hmac::new_from_slice never fails, and its own \
                  KeyInit::new makes the same expect"
    )]
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(raw_body);
    mac.finalize().into_bytes().into()
}

/// The `Assent-Signature` header value for `raw_body` sent at Unix time `t`:
/// `t=<t>,v1=<lowercase hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
pub fn sign(secret: &[u8], t: u64, raw_body: &[u8]) -> String {
    format!("t={t},v1={}", hex::encode(mac(secret, t, raw_body)))
}

/// Verifies an `Assent-Signature` header for `raw_body` (the exact bytes received, before
/// any JSON parsing) and returns the signed timestamp.
///
/// The header is `scheme=value` elements separated by `,` with no spaces: exactly one `t`,
/// one or more `v1` (any may match, for secret rotation); other schemes are ignored. The MAC
/// is checked first, in constant time, then the timestamp must lie within
/// `tolerance_seconds` of `now` in either direction ([`DEFAULT_TOLERANCE_SECONDS`] is the
/// usual choice).
pub fn verify(
    secret: &[u8],
    header: &str,
    raw_body: &[u8],
    now: u64,
    tolerance_seconds: u64,
) -> Result<u64, WebhookError> {
    let parsed = parse_header(header)?;
    let expected = mac(secret, parsed.t, raw_body);
    // Compare against every candidate, without stopping early, in constant time.
    let matched = parsed
        .v1
        .iter()
        .fold(subtle::Choice::from(0), |acc, candidate| {
            acc | candidate.ct_eq(&expected)
        });
    if !bool::from(matched) {
        return Err(WebhookError::NoMatchingSignature);
    }
    if now.saturating_sub(parsed.t) > tolerance_seconds {
        return Err(WebhookError::TimestampTooOld { t: parsed.t, now });
    }
    if parsed.t.saturating_sub(now) > tolerance_seconds {
        return Err(WebhookError::TimestampInFuture { t: parsed.t, now });
    }
    Ok(parsed.t)
}

struct ParsedHeader {
    t: u64,
    v1: Vec<[u8; 32]>,
}

fn parse_header(header: &str) -> Result<ParsedHeader, WebhookError> {
    let mut t = None;
    let mut v1 = Vec::new();
    for element in header.split(',') {
        let (scheme, value) = element
            .split_once('=')
            .ok_or(WebhookError::MalformedHeader)?;
        if scheme.is_empty() || value.is_empty() {
            return Err(WebhookError::MalformedHeader);
        }
        match scheme {
            "t" => {
                if t.is_some() {
                    return Err(WebhookError::DuplicateTimestamp);
                }
                t = Some(parse_timestamp(value)?);
            }
            "v1" => v1.push(parse_v1(value)?),
            // Other schemes (a future v2, a test-mode v0) are not ours to judge.
            _ => {}
        }
    }
    let t = t.ok_or(WebhookError::MissingTimestamp)?;
    if v1.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    Ok(ParsedHeader { t, v1 })
}

fn parse_timestamp(value: &str) -> Result<u64, WebhookError> {
    // u64::from_str would also take a leading '+' or zeros; the MAC covers the decimal
    // spelling, so only the one canonical spelling is accepted.
    if !value.bytes().all(|b| b.is_ascii_digit()) || (value.len() > 1 && value.starts_with('0')) {
        return Err(WebhookError::BadTimestamp);
    }
    value.parse().map_err(|_| WebhookError::BadTimestamp)
}

fn parse_v1(value: &str) -> Result<[u8; 32], WebhookError> {
    // Lowercase only, as sent, so one MAC has one spelling.
    if value.len() != V1_HEX_LEN
        || !value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(WebhookError::BadSignatureHex);
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(value, &mut out).map_err(|_| WebhookError::BadSignatureHex)?;
    Ok(out)
}
