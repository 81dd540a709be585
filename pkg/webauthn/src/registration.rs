//! Registering a new credential: WebAuthn Level 3 §7.1, with Assent's policy — user
//! verification required, ES256 only, attestation `none` requested. Accepted statements:
//! `none`, `packed` self attestation and `packed` with an attestation certificate (`x5c`, what
//! Chromium answers to attestation `direct`). A certificate is verified for integrity (§8.2
//! procedure and §8.2.1 requirements) but not for trust: no root store, no chain building.
//! Assent trusts the credential because the user activated it with a single-use code, not
//! because of who made the authenticator.

use crate::auth_data::{self, BE, BS, UP, UV};
use crate::cbor;
use crate::client_data::{ClientDataExpectations, check_client_data};
use crate::cose;
use crate::error::RegistrationError;
use crate::json::{ES256, PUBLIC_KEY_TYPE, RegistrationResponseJSON};
use crate::packed::{self, Packed};
use crate::signature::client_data_hash;
use assent_proto::b64u;
use ciborium::Value;
use p256::ecdsa::VerifyingKey;
use sha2::{Digest, Sha256};

/// The longest credential id a relying party should accept (§7.1 step 26).
pub const MAX_CREDENTIAL_ID_LEN: usize = 1023;

/// DER prefix of a P-256 `SubjectPublicKeyInfo` holding an uncompressed point (RFC 5480):
/// SEQUENCE { SEQUENCE { id-ecPublicKey, secp256r1 }, BIT STRING (0 unused bits) 0x04… }.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// What the relying party expects of a registration.
#[derive(Debug, Clone, Copy)]
pub struct RegistrationExpectations<'a> {
    /// The RP ID given in the creation options (the edge's host name).
    pub rp_id: &'a str,
    /// The one origin credentials may be created from (the edge's: `https://assent.example.com`,
    /// locally `http://localhost:8787`).
    pub origin: &'a str,
    /// The challenge bytes given in the creation options.
    pub challenge: &'a [u8],
}

/// The attestation statement format a registration came with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttestationFormat {
    /// `none` (§8.7).
    None,
    /// `packed` self-attestation (§8.2, no `x5c`): signed by the credential key itself.
    PackedSelf,
    /// `packed` with an attestation certificate (§8.2, `x5c`): signed by the certificate's
    /// P-256 key, the certificate meets §8.2.1 and its AAGUID extension, if any, matches.
    /// Basic or AttCA — not told apart, and the chain is not evaluated for trust: Assent
    /// requests attestation `none` and keeps no attestation roots. The certificate is in
    /// [`RegisteredCredential::attestation_certificate`].
    PackedCertificate,
}

/// A credential that passed §7.1: what the edge stores for the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredCredential {
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// The credential public key, 65-byte uncompressed SEC1 (`0x04 || x || y`).
    pub public_key: [u8; 65],
    /// The signature counter at registration (the baseline for §7.2 step 23).
    pub sign_count: u32,
    /// BE: the credential may be backed up (synced passkey). Fixed for the credential's life.
    pub backup_eligible: bool,
    /// BS: the credential is currently backed up.
    pub backup_state: bool,
    /// The authenticator's AAGUID (all zeros when the browser hides it).
    pub aaguid: [u8; 16],
    /// The attestation format.
    pub fmt: AttestationFormat,
    /// For [`AttestationFormat::PackedCertificate`]: the attestation certificate (`x5c[0]`,
    /// DER) whose key signed the registration, for the edge's records. Not trusted: no chain
    /// was built. `None` for the other formats.
    pub attestation_certificate: Option<Vec<u8>>,
    /// Transports reported by the browser, as given (hints for `allowCredentials`).
    pub transports: Vec<String>,
    verifying_key: VerifyingKey,
}

impl RegisteredCredential {
    /// The public key as a p256 ECDSA verifying key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.verifying_key
    }

    /// The record [`crate::verify_assertion`] needs, with the counter and backup eligibility
    /// as registered. `user_handle` is the `user.id` given in the creation options, if the
    /// caller wants assertions' `userHandle` checked against it.
    pub fn to_stored(&self, user_handle: Option<Vec<u8>>) -> crate::StoredCredential {
        crate::StoredCredential {
            id: self.credential_id.clone(),
            public_key: self.public_key,
            sign_count: self.sign_count,
            backup_eligible: self.backup_eligible,
            user_handle,
        }
    }
}

fn b64(field: &'static str, text: &str) -> Result<Vec<u8>, RegistrationError> {
    b64u::decode(text).map_err(|_| RegistrationError::Base64 { field })
}

/// Verifies a `RegistrationResponseJSON` per §7.1 and returns the credential to store.
///
/// Checks, in the spec's order: credential type, `id` = `rawId`; client data (UTF-8, JSON,
/// `type` `webauthn.create`, challenge, origin, no `crossOrigin: true`, no `topOrigin`);
/// attestation object (CBOR `fmt`/`attStmt`/`authData`); authenticator data (exact layout,
/// rpIdHash, UP, UV, BS ⇒ BE, AT); ES256 P-256 COSE key; `none`, or `packed` self
/// attestation, or `packed` with an ES256 attestation certificate meeting §8.2.1 (integrity,
/// not trust); credential id = `rawId`, ≤ 1023 bytes; the response's convenience members agree.
/// Not checked here (the caller's job): that the credential id is not already registered
/// (§7.1 step 27).
pub fn verify_registration(
    expected: &RegistrationExpectations<'_>,
    response: &RegistrationResponseJSON,
) -> Result<RegisteredCredential, RegistrationError> {
    // §7.1 step 3: "If response is not an instance of AuthenticatorAttestationResponse, abort
    // the ceremony" — in JSON form, the credential must be a public-key credential.
    if response.type_ != PUBLIC_KEY_TYPE {
        return Err(RegistrationError::CredentialType);
    }
    let raw_id = b64("rawId", &response.raw_id)?;
    if b64("id", &response.id)? != raw_id {
        return Err(RegistrationError::IdMismatch);
    }
    let client_data_json = b64(
        "response.clientDataJSON",
        &response.response.client_data_json,
    )?;
    let attestation_object = b64(
        "response.attestationObject",
        &response.response.attestation_object,
    )?;

    // §7.1 steps 5–11: client data.
    check_client_data(
        &client_data_json,
        &ClientDataExpectations {
            type_: "webauthn.create",
            challenge: expected.challenge,
            origin: expected.origin,
        },
    )?;

    // §7.1 step 12: "Let hash be the result of computing a hash over
    // response.clientDataJSON using SHA-256."
    let hash = client_data_hash(&client_data_json);

    // §7.1 step 13: "Perform CBOR decoding on the attestationObject field of the
    // AuthenticatorAttestationResponse structure to obtain the attestation statement format
    // fmt, the authenticator data authData, and the attestation statement attStmt."
    let AttestationObject {
        fmt,
        att_stmt,
        auth_data: auth_data_bytes,
    } = decode_attestation_object(&attestation_object)?;
    let mut auth_data = auth_data::parse(&auth_data_bytes)?;

    // §7.1 step 14: "Verify that the rpIdHash in authData is the SHA-256 hash of the RP ID
    // expected by the Relying Party."
    let rp_id_hash: [u8; 32] = Sha256::digest(expected.rp_id.as_bytes()).into();
    if auth_data.rp_id_hash != rp_id_hash {
        return Err(RegistrationError::RpIdHash);
    }

    // §7.1 step 15: "If options.mediation is not set to conditional, verify that the UP bit of
    // the flags in authData is set." (Assent never uses conditional create.)
    if !auth_data.flag(UP) {
        return Err(RegistrationError::UserNotPresent);
    }

    // §7.1 step 16: "If the Relying Party requires user verification for this registration,
    // verify that the UV bit of the flags in authData is set." Assent always requires it.
    if !auth_data.flag(UV) {
        return Err(RegistrationError::UserNotVerified);
    }

    // §7.1 step 17: "If the BE bit of the flags in authData is not set, verify that the BS bit
    // is not set."
    if !auth_data.flag(BE) && auth_data.flag(BS) {
        return Err(RegistrationError::BackupStateWithoutEligibility);
    }

    // §6.5.1: a registration's authenticator data carries the attested credential data, which
    // AT announces; without it there is no credential to register.
    let Some(attested) = auth_data.attested.take() else {
        return Err(RegistrationError::MissingAttestedCredentialData);
    };

    // §7.1 step 20: "Verify that the "alg" parameter in the credential public key in authData
    // matches the alg attribute of one of the items in pkOptions.pubKeyCredParams." Assent
    // offers ES256 only, so the key must also be EC2 on P-256 and a valid point.
    let key = cose::es256_key(&attested.public_key)?;

    // §7.1 steps 21–23: "Determine the attestation statement format by performing a USASCII
    // case-sensitive match on fmt against the set of supported WebAuthn Attestation Statement
    // Format Identifier values" and "Verify that attStmt is a correct attestation statement,
    // conveying a valid attestation signature, by using the attestation statement format
    // fmt's verification procedure given attStmt, authData and hash."
    let (fmt, attestation_certificate) = match fmt.as_str() {
        "none" => {
            verify_none(&att_stmt)?;
            (AttestationFormat::None, None)
        }
        "packed" => match packed::verify(
            &att_stmt,
            &auth_data_bytes,
            &hash,
            &key.key,
            &attested.aaguid,
        )? {
            Packed::SelfAttestation => (AttestationFormat::PackedSelf, None),
            Packed::Certificate(der) => (AttestationFormat::PackedCertificate, Some(der)),
        },
        _ => return Err(RegistrationError::UnsupportedAttestationFormat),
    };
    // §7.1 steps 24–25 (trust anchors, attestation trustworthiness): not assessed. Assent
    // requests attestation `none` and trusts the activation code, not the vendor, so a
    // certificate's chain is neither built nor checked against any root.

    // The credential the authenticator attested must be the one the browser reports.
    if attested.credential_id != raw_id {
        return Err(RegistrationError::CredentialIdMismatch);
    }

    // §7.1 step 26: "Verify that the credentialId is ≤ 1023 bytes. Credential IDs larger than
    // this many bytes SHOULD cause the RP to fail this registration ceremony."
    if attested.credential_id.len() > MAX_CREDENTIAL_ID_LEN {
        return Err(RegistrationError::CredentialIdTooLong);
    }

    check_convenience_members(response, &auth_data_bytes, &key.sec1)?;

    Ok(RegisteredCredential {
        credential_id: attested.credential_id,
        public_key: key.sec1,
        sign_count: auth_data.sign_count,
        backup_eligible: auth_data.flag(BE),
        backup_state: auth_data.flag(BS),
        aaguid: attested.aaguid,
        fmt,
        attestation_certificate,
        transports: response.response.transports.clone().unwrap_or_default(),
        verifying_key: key.key,
    })
}

struct AttestationObject {
    fmt: String,
    att_stmt: Vec<(Value, Value)>,
    auth_data: Vec<u8>,
}

/// `attObj = { authData: bytes, fmt: text, attStmt: map }` (§6.5.4), nothing else, no
/// repeated key, no bytes after it.
fn decode_attestation_object(bytes: &[u8]) -> Result<AttestationObject, RegistrationError> {
    let malformed = RegistrationError::MalformedAttestationObject;
    let entries = cbor::decode_exact(bytes)
        .and_then(cbor::unique_map)
        .map_err(|_| malformed.clone())?;
    let (mut fmt, mut att_stmt, mut auth_data) = (None, None, None);
    for (key, value) in entries {
        match (key, value) {
            (Value::Text(k), Value::Text(v)) if k == "fmt" => fmt = Some(v),
            (Value::Text(k), v @ Value::Map(_)) if k == "attStmt" => {
                att_stmt = Some(cbor::unique_map(v).map_err(|_| malformed.clone())?);
            }
            (Value::Text(k), Value::Bytes(v)) if k == "authData" => auth_data = Some(v),
            _ => return Err(malformed),
        }
    }
    match (fmt, att_stmt, auth_data) {
        (Some(fmt), Some(att_stmt), Some(auth_data)) => Ok(AttestationObject {
            fmt,
            att_stmt,
            auth_data,
        }),
        _ => Err(malformed),
    }
}

/// §8.7 None Attestation Statement Format: "attStmtType = ( fmt: "none", attStmt:
/// emptyMap )".
fn verify_none(att_stmt: &[(Value, Value)]) -> Result<(), RegistrationError> {
    if att_stmt.is_empty() {
        Ok(())
    } else {
        Err(RegistrationError::NoneAttestationStatementNotEmpty)
    }
}

/// L3 adds `authenticatorData`, `publicKey` and `publicKeyAlgorithm` to the JSON as
/// conveniences derived from the attestation object. Assent reads only the attestation object,
/// but refuses a response whose copies disagree with it: a browser never sends that.
fn check_convenience_members(
    response: &RegistrationResponseJSON,
    auth_data: &[u8],
    public_key: &[u8; 65],
) -> Result<(), RegistrationError> {
    let inner = &response.response;
    if let Some(text) = &inner.authenticator_data
        && b64("response.authenticatorData", text)? != auth_data
    {
        return Err(RegistrationError::InconsistentResponse {
            field: "response.authenticatorData",
        });
    }
    if let Some(text) = &inner.public_key {
        let spki = b64("response.publicKey", text)?;
        if spki.strip_prefix(&P256_SPKI_PREFIX) != Some(public_key.as_slice()) {
            return Err(RegistrationError::InconsistentResponse {
                field: "response.publicKey",
            });
        }
    }
    if let Some(alg) = inner.public_key_algorithm
        && alg != ES256
    {
        return Err(RegistrationError::InconsistentResponse {
            field: "response.publicKeyAlgorithm",
        });
    }
    Ok(())
}
