//! Authenticator data (§6.1): `rpIdHash (32) | flags (1) | signCount (4, big-endian) |
//! [attestedCredentialData] | [extensions]`, with attested credential data (§6.5.1)
//! `aaguid (16) | credentialIdLength (2, big-endian) | credentialId | credentialPublicKey (COSE)`.

use crate::cbor;
use ciborium::Value;

/// Bit 0: User Present.
pub(crate) const UP: u8 = 0x01;
/// Bit 2: User Verified.
pub(crate) const UV: u8 = 0x04;
/// Bit 3: Backup Eligibility.
pub(crate) const BE: u8 = 0x08;
/// Bit 4: Backup State.
pub(crate) const BS: u8 = 0x10;
/// Bit 6: Attested credential data included.
pub(crate) const AT: u8 = 0x40;
/// Bit 7: Extension data included.
pub(crate) const ED: u8 = 0x80;

/// Parsed authenticator data. The credential public key is kept as the decoded CBOR value;
/// whether it is an acceptable key is a later check (§7.1 step 20), not a parse error.
#[derive(Debug)]
pub(crate) struct AuthData {
    pub(crate) rp_id_hash: [u8; 32],
    pub(crate) flags: u8,
    pub(crate) sign_count: u32,
    pub(crate) attested: Option<AttestedCredentialData>,
}

/// Attested credential data (§6.5.1).
#[derive(Debug)]
pub(crate) struct AttestedCredentialData {
    pub(crate) aaguid: [u8; 16],
    pub(crate) credential_id: Vec<u8>,
    pub(crate) public_key: Value,
}

/// Why authenticator data could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthDataFault {
    /// Shorter than its fixed part or than the lengths it announces.
    Truncated,
    /// The credential public key is not one well-formed CBOR item.
    MalformedPublicKey,
    /// ED is set but no well-formed CBOR map of extensions follows.
    MalformedExtensions,
    /// Bytes remain after the last structure the flags announce.
    Trailing,
}

impl AuthData {
    pub(crate) fn flag(&self, bit: u8) -> bool {
        self.flags & bit != 0
    }
}

/// Parses authenticator data exactly: every byte must belong to a structure the flags announce.
pub(crate) fn parse(bytes: &[u8]) -> Result<AuthData, AuthDataFault> {
    let (rp_id_hash, rest) = bytes
        .split_first_chunk::<32>()
        .ok_or(AuthDataFault::Truncated)?;
    let (&flags, rest) = rest.split_first().ok_or(AuthDataFault::Truncated)?;
    let (count, mut rest) = rest
        .split_first_chunk::<4>()
        .ok_or(AuthDataFault::Truncated)?;

    let attested = if flags & AT != 0 {
        let (aaguid, after) = rest
            .split_first_chunk::<16>()
            .ok_or(AuthDataFault::Truncated)?;
        let (len, after) = after
            .split_first_chunk::<2>()
            .ok_or(AuthDataFault::Truncated)?;
        let len = usize::from(u16::from_be_bytes(*len));
        let (credential_id, after) = after
            .split_at_checked(len)
            .ok_or(AuthDataFault::Truncated)?;
        let (public_key, after) =
            cbor::decode_prefix(after).map_err(|_| AuthDataFault::MalformedPublicKey)?;
        rest = after;
        Some(AttestedCredentialData {
            aaguid: *aaguid,
            credential_id: credential_id.to_vec(),
            public_key,
        })
    } else {
        None
    };

    if flags & ED != 0 {
        // Extensions are a CBOR map from identifier to output (§9). Assent requests none, but an
        // authenticator may add its own (e.g. credProtect); they are checked for shape only.
        let (extensions, after) =
            cbor::decode_prefix(rest).map_err(|_| AuthDataFault::MalformedExtensions)?;
        if !matches!(extensions, Value::Map(_)) {
            return Err(AuthDataFault::MalformedExtensions);
        }
        rest = after;
    }

    if !rest.is_empty() {
        return Err(AuthDataFault::Trailing);
    }

    Ok(AuthData {
        rp_id_hash: *rp_id_hash,
        flags,
        sign_count: u32::from_be_bytes(*count),
        attested,
    })
}
