//! Verifying an authentication assertion: WebAuthn Level 3 §7.2, with Assent's policy — user
//! verification required, ES256, and (SPEC §7) "a non-zero signCount strictly increasing".

use crate::auth_data::{self, AT, BE, BS, UP, UV};
use crate::client_data::{ClientDataExpectations, check_client_data};
use crate::error::AssertionError;
use crate::json::{AuthenticationResponseJSON, PUBLIC_KEY_TYPE};
use crate::signature::{client_data_hash, verify_es256};
use assent_proto::b64u;
use p256::ecdsa::VerifyingKey;
use sha2::{Digest, Sha256};

/// The credential record the relying party keeps for a device (§7.1 step 28's
/// `credentialRecord`, the parts Assent uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    /// The credential id.
    pub id: Vec<u8>,
    /// The credential public key, 65-byte uncompressed SEC1.
    pub public_key: [u8; 65],
    /// The signature counter from the last successful ceremony.
    pub sign_count: u32,
    /// BE as registered: it never changes for a credential.
    pub backup_eligible: bool,
    /// The user handle given at registration (`user.id`). When `Some`, an assertion that
    /// returns a `userHandle` must return this one.
    pub user_handle: Option<Vec<u8>>,
}

/// What the relying party expects of an assertion by a stored credential.
#[derive(Debug, Clone, Copy)]
pub struct AssertionExpectations<'a> {
    /// The RP ID (the edge's host name).
    pub rp_id: &'a str,
    /// The edge's origin.
    pub origin: &'a str,
    /// The challenge bytes: random for inbox retrievals, SHA-256 of the statement for decisions.
    pub challenge: &'a [u8],
    /// The device's credential record.
    pub credential: &'a StoredCredential,
}

/// What a verified assertion tells the relying party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAssertion {
    /// The assertion's signature counter: store it as the credential's new `sign_count`
    /// (§7.2 step 25).
    pub new_sign_count: u32,
    /// BE in this assertion.
    pub backup_eligible: bool,
    /// BS in this assertion (it may change over a credential's life): store it.
    pub backup_state: bool,
    /// UP: always true for an accepted assertion.
    pub user_present: bool,
    /// UV: always true for an accepted assertion (Assent requires it).
    pub user_verified: bool,
    /// The decoded `userHandle`, if the authenticator returned one.
    pub user_handle: Option<Vec<u8>>,
}

fn b64(field: &'static str, text: &str) -> Result<Vec<u8>, AssertionError> {
    b64u::decode(text).map_err(|_| AssertionError::Base64 { field })
}

/// Verifies an `AuthenticationResponseJSON` per §7.2 against the device's stored credential.
///
/// Checks, in the spec's order: credential type; `id` = `rawId` = the stored credential id;
/// `userHandle` (when both sides have one); client data (UTF-8, JSON, `type` `webauthn.get`,
/// challenge, origin, no `crossOrigin: true`, no `topOrigin`); authenticator data (exact
/// layout, no attested credential data, rpIdHash, UP, UV, BS ⇒ BE, BE unchanged); the ES256
/// DER signature over `authenticatorData || SHA-256(clientDataJSON)`; signCount non-zero and
/// greater than the stored one. On success, store `new_sign_count` and `backup_state`.
pub fn verify_assertion(
    expected: &AssertionExpectations<'_>,
    response: &AuthenticationResponseJSON,
) -> Result<VerifiedAssertion, AssertionError> {
    let stored = expected.credential;

    // §7.2 step 3: "If response is not an instance of AuthenticatorAssertionResponse, abort
    // the ceremony" — in JSON form, the credential must be a public-key credential.
    if response.type_ != PUBLIC_KEY_TYPE {
        return Err(AssertionError::CredentialType);
    }
    let raw_id = b64("rawId", &response.raw_id)?;
    if b64("id", &response.id)? != raw_id {
        return Err(AssertionError::IdMismatch);
    }

    // §7.2 step 5: "If pkOptions.allowCredentials is not empty, verify that credential.id
    // identifies one of the public key credentials listed in pkOptions.allowCredentials."
    // §7.2 step 6: "verify that the identified user account contains a credential record whose
    // id equals credential.rawId." The device is identified before the ceremony (SPEC §7) and
    // has exactly one credential.
    if raw_id != stored.id {
        return Err(AssertionError::CredentialMismatch);
    }
    // §7.2 step 6, continued: "If response.userHandle is present, verify that it equals the
    // user handle of the user account."
    let user_handle = match &response.response.user_handle {
        Some(text) => Some(b64("response.userHandle", text)?),
        None => None,
    };
    if let (Some(given), Some(known)) = (&user_handle, &stored.user_handle)
        && given != known
    {
        return Err(AssertionError::UserHandleMismatch);
    }

    // §7.2 step 7: "Let cData, authData and sig denote the value of response's
    // clientDataJSON, authenticatorData, and signature respectively."
    let client_data_json = b64(
        "response.clientDataJSON",
        &response.response.client_data_json,
    )?;
    let authenticator_data = b64(
        "response.authenticatorData",
        &response.response.authenticator_data,
    )?;
    let signature = b64("response.signature", &response.response.signature)?;

    let verified = check_signed_assertion(
        &SignedAssertionExpectations {
            rp_id: expected.rp_id,
            origin: expected.origin,
            challenge: expected.challenge,
            public_key: &stored.public_key,
        },
        &client_data_json,
        &authenticator_data,
        &signature,
        Some(stored.backup_eligible),
    )?;

    // §7.2 step 23: "If authData.signCount is nonzero or credentialRecord.signCount is nonzero,
    // then run the following sub-step: If authData.signCount is greater than
    // credentialRecord.signCount: The signature counter is valid. If authData.signCount is
    // less than or equal to credentialRecord.signCount: This is a signal, but not proof, that
    // the authenticator may be cloned…" Assent's rule is stricter (SPEC §7): the counter must
    // be non-zero and strictly increasing, so authenticators without a counter are refused.
    if verified.new_sign_count == 0 {
        return Err(AssertionError::SignCountZero);
    }
    if verified.new_sign_count <= stored.sign_count {
        return Err(AssertionError::SignCountNotIncreasing {
            stored: stored.sign_count,
            received: verified.new_sign_count,
        });
    }

    Ok(VerifiedAssertion {
        user_handle,
        ..verified
    })
}

/// What a holder of a recorded assertion (a receipt, SPEC §8) expects of it, without the
/// relying party's mutable credential state.
#[derive(Debug, Clone, Copy)]
pub struct SignedAssertionExpectations<'a> {
    /// The RP ID (the edge's host name).
    pub rp_id: &'a str,
    /// The edge's origin.
    pub origin: &'a str,
    /// The challenge bytes (for a decision: SHA-256 of the statement).
    pub challenge: &'a [u8],
    /// The device's credential public key, 65-byte uncompressed SEC1.
    pub public_key: &'a [u8; 65],
}

/// Verifies the signed parts of an assertion — `clientDataJSON`, `authenticatorData`,
/// `signature`, as raw bytes — the way a receipt's holder can (SPEC §8, second way): client
/// data (`type` `webauthn.get`, challenge, origin, no cross-origin), rpIdHash, UP, UV,
/// BS ⇒ BE and the ES256 signature. It does not check what needs the edge's state: the
/// credential id, BE against registration, and the counter's progress.
pub fn verify_signed_assertion(
    expected: &SignedAssertionExpectations<'_>,
    client_data_json: &[u8],
    authenticator_data: &[u8],
    signature: &[u8],
) -> Result<VerifiedAssertion, AssertionError> {
    check_signed_assertion(
        expected,
        client_data_json,
        authenticator_data,
        signature,
        None,
    )
}

fn check_signed_assertion(
    expected: &SignedAssertionExpectations<'_>,
    client_data_json: &[u8],
    authenticator_data: &[u8],
    signature: &[u8],
    registered_backup_eligible: Option<bool>,
) -> Result<VerifiedAssertion, AssertionError> {
    let key = VerifyingKey::from_sec1_bytes(expected.public_key)
        .map_err(|_| AssertionError::InvalidStoredPublicKey)?;

    // §7.2 steps 8–14: client data.
    check_client_data(
        client_data_json,
        &ClientDataExpectations {
            type_: "webauthn.get",
            challenge: expected.challenge,
            origin: expected.origin,
        },
    )?;

    // §6.1: attested credential data appears only in registrations; an assertion announcing
    // it is not one a browser relays.
    if authenticator_data
        .get(32)
        .is_some_and(|flags| flags & AT != 0)
    {
        return Err(AssertionError::UnexpectedAttestedCredentialData);
    }
    let auth_data = auth_data::parse(authenticator_data)?;

    // §7.2 step 15: "Verify that the rpIdHash in authData is the SHA-256 hash of the RP ID
    // expected by the Relying Party."
    let rp_id_hash: [u8; 32] = Sha256::digest(expected.rp_id.as_bytes()).into();
    if auth_data.rp_id_hash != rp_id_hash {
        return Err(AssertionError::RpIdHash);
    }

    // §7.2 step 16: "Verify that the UP bit of the flags in authData is set."
    if !auth_data.flag(UP) {
        return Err(AssertionError::UserNotPresent);
    }

    // §7.2 step 17: "If pkOptions.userVerification is set to required, verify that the UV bit
    // of the flags in authData is set." Assent always sets it to required.
    if !auth_data.flag(UV) {
        return Err(AssertionError::UserNotVerified);
    }

    // §7.2 step 18: "If the BE bit of the flags in authData is not set, verify that the BS bit
    // is not set."
    if !auth_data.flag(BE) && auth_data.flag(BS) {
        return Err(AssertionError::BackupStateWithoutEligibility);
    }

    // §7.2 step 19: "If credentialRecord.backupEligible is set, verify that currentBe is set.
    // If credentialRecord.backupEligible is not set, verify that currentBe is not set."
    if let Some(registered) = registered_backup_eligible
        && auth_data.flag(BE) != registered
    {
        return Err(AssertionError::BackupEligibilityChanged);
    }

    // §7.2 step 21: "Let hash be the result of computing a hash over the cData using SHA-256."
    let hash = client_data_hash(client_data_json);

    // §7.2 step 22: "Using credentialRecord.publicKey, verify that sig is a valid signature
    // over the binary concatenation of authData and hash."
    verify_es256(&key, authenticator_data, &hash, signature)?;

    Ok(VerifiedAssertion {
        new_sign_count: auth_data.sign_count,
        backup_eligible: auth_data.flag(BE),
        backup_state: auth_data.flag(BS),
        user_present: true,
        user_verified: true,
        user_handle: None,
    })
}
