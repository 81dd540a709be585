//! Builders for the options the edge hands to the PWA (SPEC §7): ES256 only, user verification
//! required, attestation `none`. Challenges come from the caller: random bytes for
//! registrations and inbox retrievals, the 32-byte SHA-256 of the statement for decisions.

use crate::json::{
    AttestationConveyance, AuthenticatorSelection, CredentialDescriptorJSON, CredentialParameters,
    ES256, PUBLIC_KEY_TYPE, PublicKeyCredentialCreationOptionsJSON,
    PublicKeyCredentialRequestOptionsJSON, RelyingPartyEntity, Requirement, UserEntityJSON,
};
use assent_proto::b64u;

/// What a registration's options are made of.
#[derive(Debug, Clone, Copy)]
pub struct CreationOptionsInput<'a> {
    /// The RP ID: the edge's host name.
    pub rp_id: &'a str,
    /// The name shown for the relying party.
    pub rp_name: &'a str,
    /// The user handle (`user.id`): opaque bytes, at most 64.
    pub user_handle: &'a [u8],
    /// The account name shown by the authenticator.
    pub user_name: &'a str,
    /// The display name shown by the authenticator.
    pub user_display_name: &'a str,
    /// The challenge bytes (random, at least 16 bytes).
    pub challenge: &'a [u8],
    /// Timeout hint in milliseconds.
    pub timeout_ms: u32,
    /// Ids of credentials the account already has, so one authenticator does not register twice.
    pub exclude_credentials: &'a [Vec<u8>],
    /// Whether a discoverable credential is wanted (`Preferred` is the usual choice).
    pub resident_key: Requirement,
}

/// `PublicKeyCredentialCreationOptionsJSON` for an Assent device: `pubKeyCredParams` ES256
/// only, `userVerification: "required"`, `attestation: "none"`.
pub fn creation_options(
    input: &CreationOptionsInput<'_>,
) -> PublicKeyCredentialCreationOptionsJSON {
    PublicKeyCredentialCreationOptionsJSON {
        rp: RelyingPartyEntity {
            id: input.rp_id.to_owned(),
            name: input.rp_name.to_owned(),
        },
        user: UserEntityJSON {
            id: b64u::encode(input.user_handle),
            name: input.user_name.to_owned(),
            display_name: input.user_display_name.to_owned(),
        },
        challenge: b64u::encode(input.challenge),
        pub_key_cred_params: vec![CredentialParameters {
            type_: PUBLIC_KEY_TYPE.to_owned(),
            alg: ES256,
        }],
        timeout: Some(input.timeout_ms),
        exclude_credentials: input
            .exclude_credentials
            .iter()
            .map(|id| CredentialDescriptorJSON::new(id))
            .collect(),
        authenticator_selection: Some(AuthenticatorSelection {
            resident_key: Some(input.resident_key),
            user_verification: Some(Requirement::Required),
        }),
        attestation: Some(AttestationConveyance::None),
    }
}

/// `PublicKeyCredentialRequestOptionsJSON` for an assertion by one of `allow_credentials`,
/// `userVerification: "required"`.
pub fn request_options(
    rp_id: &str,
    challenge: &[u8],
    allow_credentials: &[&[u8]],
    timeout_ms: u32,
) -> PublicKeyCredentialRequestOptionsJSON {
    PublicKeyCredentialRequestOptionsJSON {
        challenge: b64u::encode(challenge),
        rp_id: rp_id.to_owned(),
        allow_credentials: allow_credentials
            .iter()
            .map(|id| CredentialDescriptorJSON::new(id))
            .collect(),
        user_verification: Some(Requirement::Required),
        timeout: Some(timeout_ms),
    }
}
