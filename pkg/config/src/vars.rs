//! The names of the edge's configuration variables (SPEC §3, §13).

/// The edge's own origin, `EDGE` (e.g. `https://assent.example.com`): the WebAuthn origin,
/// the RP ID (its host) and the receipts' `iss`.
pub const EDGE_ORIGIN: &str = "ASSENT_EDGE_ORIGIN";
/// The VAPID signing key: a P-256 scalar, base64url of 32 bytes.
pub const VAPID_PRIVATE_KEY: &str = "VAPID_PRIVATE_KEY";
/// The VAPID `sub` claim: a `mailto:` address or an `https:` URL.
pub const VAPID_SUBJECT: &str = "VAPID_SUBJECT";
/// The receipt signing key: a P-256 scalar, base64url of 32 bytes.
pub const RECEIPT_PRIVATE_KEY: &str = "RECEIPT_PRIVATE_KEY";
/// The edge's static secure-channel ECDH key: a P-256 scalar, base64url of 32 bytes.
pub const CHANNEL_PRIVATE_KEY: &str = "CHANNEL_PRIVATE_KEY";
/// The relying parties: a JSON array, one object per RP.
pub const RELYING_PARTIES: &str = "ASSENT_RELYING_PARTIES";
/// `"1"` accepts plain-http loopback push endpoints, webhook URLs and origins; absent or
/// `"0"` refuses them.
pub const ALLOW_LOOPBACK_PUSH: &str = "ASSENT_ALLOW_LOOPBACK_PUSH";

/// Every variable the edge reads, in the order [`crate::generate`] emits them. All are
/// required except [`ALLOW_LOOPBACK_PUSH`].
pub const ALL: [&str; 7] = [
    EDGE_ORIGIN,
    VAPID_PRIVATE_KEY,
    VAPID_SUBJECT,
    RECEIPT_PRIVATE_KEY,
    CHANNEL_PRIVATE_KEY,
    ALLOW_LOOPBACK_PUSH,
    RELYING_PARTIES,
];

/// The variables whose values are secrets: they appear in no error message and no `Debug`
/// output. (`ASSENT_RELYING_PARTIES` carries webhook secrets; its ids, names, modes and
/// origins are public and may be quoted in errors.)
pub const SECRETS: [&str; 4] = [
    VAPID_PRIVATE_KEY,
    RECEIPT_PRIVATE_KEY,
    CHANNEL_PRIVATE_KEY,
    RELYING_PARTIES,
];
