//! One error variant per failed check, so logs and tests can tell exactly which step refused.
//! (The edge answers every one of them with `invalid_attestation` / `invalid_assertion`,
//! SPEC §11: the detail is for the edge's logs, not for the caller.)

use crate::auth_data::AuthDataFault;
use crate::client_data::ClientDataFault;
use crate::cose::CoseFault;
use crate::signature::SignatureFault;
use core::fmt;

/// Why a registration (§7.1) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationError {
    /// A binary member of the response is not canonical unpadded base64url.
    Base64 {
        /// The JSON member (`rawId`, `response.clientDataJSON`…).
        field: &'static str,
    },
    /// The response's `type` is not `"public-key"`.
    CredentialType,
    /// `id` and `rawId` name different credentials.
    IdMismatch,
    /// `clientDataJSON` is not UTF-8.
    ClientDataNotUtf8,
    /// `clientDataJSON` is not JSON with string `type`, `challenge` and `origin`.
    MalformedClientData,
    /// `clientDataJSON.type` is not `webauthn.create`.
    ClientDataType,
    /// `clientDataJSON.challenge` is not the challenge the edge issued.
    Challenge,
    /// `clientDataJSON.origin` is not the edge's origin.
    Origin,
    /// `clientDataJSON.crossOrigin` is true (created in a cross-origin iframe).
    CrossOrigin,
    /// `clientDataJSON.topOrigin` is present (created in an iframe).
    TopOrigin,
    /// The attestation object is not a CBOR map of exactly `fmt` (text), `attStmt` (map) and
    /// `authData` (bytes).
    MalformedAttestationObject,
    /// The authenticator data is shorter than its fixed part or its announced lengths.
    MalformedAuthenticatorData,
    /// The credential public key is not one well-formed CBOR map with unique labels.
    MalformedCredentialPublicKey,
    /// The ED flag is set but no well-formed CBOR extensions map follows.
    MalformedExtensions,
    /// Bytes follow the last structure the authenticator data's flags announce.
    TrailingAuthenticatorData,
    /// The `rpIdHash` is not SHA-256 of the expected RP ID.
    RpIdHash,
    /// The UP (user present) flag is clear.
    UserNotPresent,
    /// The UV (user verified) flag is clear; Assent requires user verification.
    UserNotVerified,
    /// BS (backed up) is set while BE (backup eligible) is clear.
    BackupStateWithoutEligibility,
    /// The AT flag is clear: no attested credential data.
    MissingAttestedCredentialData,
    /// The attested credential id differs from the response's `rawId`.
    CredentialIdMismatch,
    /// The credential id is longer than 1023 bytes.
    CredentialIdTooLong,
    /// The credential public key is not an EC2 key (kty 2).
    UnsupportedKeyType,
    /// The credential public key's `alg` is not ES256 (−7), the only one requested.
    UnsupportedAlgorithm,
    /// The credential public key's curve is not P-256 (crv 1).
    UnsupportedCurve,
    /// The credential public key's x/y are not 32 bytes each or not a point on P-256.
    InvalidPublicKey,
    /// `fmt` is neither `none` nor `packed`.
    UnsupportedAttestationFormat,
    /// `fmt` is `none` but `attStmt` is not the empty map.
    NoneAttestationStatementNotEmpty,
    /// `packed` `attStmt` is not `{alg: int, sig: bytes}` (with optional `x5c`).
    MalformedPackedStatement,
    /// `packed` self attestation: `attStmt.alg` differs from the credential public key's
    /// algorithm.
    PackedAlgorithmMismatch,
    /// `packed` with `x5c`: the array is empty (it must start with the attestation
    /// certificate).
    X5cEmpty,
    /// `packed` with `x5c`: an entry is not a byte string.
    X5cEntryNotBytes,
    /// The attestation certificate (`x5c[0]`) is not one DER X.509 certificate, repeats an
    /// extension, or has a Basic Constraints value that does not decode.
    MalformedAttestationCertificate,
    /// `packed` with `x5c`: `attStmt.alg` is not ES256 (−7), the only attestation algorithm
    /// verified.
    PackedCertificateAlgorithm,
    /// The attestation certificate's key is not an EC key on P-256 with a valid point.
    AttestationCertificateKey,
    /// The attestation certificate is not version 3 (§8.2.1).
    AttestationCertificateVersion,
    /// The attestation certificate's subject lacks a non-empty C, O or CN (§8.2.1).
    AttestationCertificateSubject {
        /// The missing attribute: `C`, `O` or `CN`.
        attribute: &'static str,
    },
    /// The attestation certificate's subject OU is missing or is not the UTF8String
    /// "Authenticator Attestation" (§8.2.1).
    AttestationCertificateOu,
    /// The attestation certificate has no Basic Constraints extension (§8.2.1).
    AttestationCertificateBasicConstraintsMissing,
    /// The attestation certificate's Basic Constraints say CA = true (§8.2.1).
    AttestationCertificateCa,
    /// The attestation certificate's id-fido-gen-ce-aaguid extension is marked critical
    /// (§8.2.1: it "MUST NOT be marked as critical").
    AaguidExtensionCritical,
    /// The id-fido-gen-ce-aaguid extension's value is not an OCTET STRING of 16 bytes.
    MalformedAaguidExtension,
    /// The id-fido-gen-ce-aaguid extension names another AAGUID than the authenticator data.
    AaguidExtensionMismatch,
    /// The `packed` attestation signature is not strict DER.
    MalformedAttestationSignature,
    /// The `packed` attestation signature does not verify with the credential key (self
    /// attestation) or the attestation certificate's key (`x5c`).
    AttestationSignature,
    /// A convenience member of the response (`authenticatorData`, `publicKey`,
    /// `publicKeyAlgorithm`) disagrees with the attestation object.
    InconsistentResponse {
        /// The JSON member.
        field: &'static str,
    },
}

impl fmt::Display for RegistrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RegistrationError as E;
        match self {
            E::Base64 { field } => write!(f, "{field} is not canonical unpadded base64url"),
            E::CredentialType => f.write_str("credential type is not \"public-key\""),
            E::IdMismatch => f.write_str("id and rawId differ"),
            E::ClientDataNotUtf8 => f.write_str("clientDataJSON is not UTF-8"),
            E::MalformedClientData => f.write_str("clientDataJSON is malformed"),
            E::ClientDataType => f.write_str("clientDataJSON type is not webauthn.create"),
            E::Challenge => f.write_str("challenge does not match"),
            E::Origin => f.write_str("origin does not match"),
            E::CrossOrigin => f.write_str("credential created in a cross-origin frame"),
            E::TopOrigin => f.write_str("credential created in a frame (topOrigin present)"),
            E::MalformedAttestationObject => f.write_str("attestation object is malformed"),
            E::MalformedAuthenticatorData => f.write_str("authenticator data is truncated"),
            E::MalformedCredentialPublicKey => f.write_str("credential public key is malformed"),
            E::MalformedExtensions => f.write_str("authenticator extensions are malformed"),
            E::TrailingAuthenticatorData => f.write_str("trailing bytes in authenticator data"),
            E::RpIdHash => f.write_str("rpIdHash does not match the RP ID"),
            E::UserNotPresent => f.write_str("user not present (UP flag clear)"),
            E::UserNotVerified => f.write_str("user not verified (UV flag clear)"),
            E::BackupStateWithoutEligibility => f.write_str("BS flag set without BE"),
            E::MissingAttestedCredentialData => f.write_str("no attested credential data"),
            E::CredentialIdMismatch => f.write_str("attested credential id differs from rawId"),
            E::CredentialIdTooLong => f.write_str("credential id longer than 1023 bytes"),
            E::UnsupportedKeyType => f.write_str("credential key is not EC2"),
            E::UnsupportedAlgorithm => f.write_str("credential algorithm is not ES256"),
            E::UnsupportedCurve => f.write_str("credential key curve is not P-256"),
            E::InvalidPublicKey => f.write_str("credential key is not a valid P-256 point"),
            E::UnsupportedAttestationFormat => f.write_str("unsupported attestation format"),
            E::NoneAttestationStatementNotEmpty => f.write_str("none attestation with a statement"),
            E::MalformedPackedStatement => f.write_str("packed attestation statement malformed"),
            E::PackedAlgorithmMismatch => f.write_str("packed alg differs from the key's alg"),
            E::X5cEmpty => f.write_str("packed x5c is empty"),
            E::X5cEntryNotBytes => f.write_str("packed x5c entry is not a byte string"),
            E::MalformedAttestationCertificate => {
                f.write_str("attestation certificate is malformed")
            }
            E::PackedCertificateAlgorithm => f.write_str("packed x5c alg is not ES256"),
            E::AttestationCertificateKey => {
                f.write_str("attestation certificate key is not a P-256 key")
            }
            E::AttestationCertificateVersion => {
                f.write_str("attestation certificate is not version 3")
            }
            E::AttestationCertificateSubject { attribute } => {
                write!(f, "attestation certificate subject lacks {attribute}")
            }
            E::AttestationCertificateOu => f.write_str(
                "attestation certificate subject OU is not \"Authenticator Attestation\"",
            ),
            E::AttestationCertificateBasicConstraintsMissing => {
                f.write_str("attestation certificate has no Basic Constraints")
            }
            E::AttestationCertificateCa => f.write_str("attestation certificate is a CA"),
            E::AaguidExtensionCritical => f.write_str("AAGUID extension is marked critical"),
            E::MalformedAaguidExtension => f.write_str("AAGUID extension is malformed"),
            E::AaguidExtensionMismatch => {
                f.write_str("AAGUID extension differs from the authenticator data")
            }
            E::MalformedAttestationSignature => f.write_str("attestation signature is not DER"),
            E::AttestationSignature => f.write_str("attestation signature does not verify"),
            E::InconsistentResponse { field } => {
                write!(f, "{field} disagrees with the attestation object")
            }
        }
    }
}

impl std::error::Error for RegistrationError {}

/// Why an assertion (§7.2) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AssertionError {
    /// A binary member of the response is not canonical unpadded base64url.
    Base64 {
        /// The JSON member (`rawId`, `response.signature`…).
        field: &'static str,
    },
    /// The response's `type` is not `"public-key"`.
    CredentialType,
    /// `id` and `rawId` name different credentials.
    IdMismatch,
    /// The credential is not the one stored for this device.
    CredentialMismatch,
    /// `userHandle` differs from the user handle stored with the credential.
    UserHandleMismatch,
    /// The stored public key is not a 65-byte uncompressed P-256 point (caller's data).
    InvalidStoredPublicKey,
    /// `clientDataJSON` is not UTF-8.
    ClientDataNotUtf8,
    /// `clientDataJSON` is not JSON with string `type`, `challenge` and `origin`.
    MalformedClientData,
    /// `clientDataJSON.type` is not `webauthn.get`.
    ClientDataType,
    /// `clientDataJSON.challenge` is not the expected challenge.
    Challenge,
    /// `clientDataJSON.origin` is not the edge's origin.
    Origin,
    /// `clientDataJSON.crossOrigin` is true (used in a cross-origin iframe).
    CrossOrigin,
    /// `clientDataJSON.topOrigin` is present (used in an iframe).
    TopOrigin,
    /// The authenticator data is shorter than 37 bytes or its announced lengths.
    MalformedAuthenticatorData,
    /// The AT flag is set: an assertion carries no attested credential data.
    UnexpectedAttestedCredentialData,
    /// The ED flag is set but no well-formed CBOR extensions map follows.
    MalformedExtensions,
    /// Bytes follow the last structure the authenticator data's flags announce.
    TrailingAuthenticatorData,
    /// The `rpIdHash` is not SHA-256 of the expected RP ID.
    RpIdHash,
    /// The UP (user present) flag is clear.
    UserNotPresent,
    /// The UV (user verified) flag is clear; Assent requires user verification.
    UserNotVerified,
    /// BS (backed up) is set while BE (backup eligible) is clear.
    BackupStateWithoutEligibility,
    /// BE differs from the value recorded at registration (it can never change).
    BackupEligibilityChanged,
    /// The signature is not strict DER, or r/s are zero or out of range.
    MalformedSignature,
    /// The signature does not verify with the credential public key.
    Signature,
    /// The signature counter is zero; Assent requires a non-zero, strictly increasing counter.
    SignCountZero,
    /// The signature counter did not increase: a possibly cloned authenticator (§6.1.1).
    SignCountNotIncreasing {
        /// The counter stored from the previous ceremony.
        stored: u32,
        /// The counter in this assertion.
        received: u32,
    },
}

impl fmt::Display for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use AssertionError as E;
        match self {
            E::Base64 { field } => write!(f, "{field} is not canonical unpadded base64url"),
            E::CredentialType => f.write_str("credential type is not \"public-key\""),
            E::IdMismatch => f.write_str("id and rawId differ"),
            E::CredentialMismatch => f.write_str("not the device's credential"),
            E::UserHandleMismatch => f.write_str("userHandle does not match"),
            E::InvalidStoredPublicKey => f.write_str("stored public key is not a P-256 point"),
            E::ClientDataNotUtf8 => f.write_str("clientDataJSON is not UTF-8"),
            E::MalformedClientData => f.write_str("clientDataJSON is malformed"),
            E::ClientDataType => f.write_str("clientDataJSON type is not webauthn.get"),
            E::Challenge => f.write_str("challenge does not match"),
            E::Origin => f.write_str("origin does not match"),
            E::CrossOrigin => f.write_str("assertion made in a cross-origin frame"),
            E::TopOrigin => f.write_str("assertion made in a frame (topOrigin present)"),
            E::MalformedAuthenticatorData => f.write_str("authenticator data is truncated"),
            E::UnexpectedAttestedCredentialData => {
                f.write_str("attested credential data in an assertion")
            }
            E::MalformedExtensions => f.write_str("authenticator extensions are malformed"),
            E::TrailingAuthenticatorData => f.write_str("trailing bytes in authenticator data"),
            E::RpIdHash => f.write_str("rpIdHash does not match the RP ID"),
            E::UserNotPresent => f.write_str("user not present (UP flag clear)"),
            E::UserNotVerified => f.write_str("user not verified (UV flag clear)"),
            E::BackupStateWithoutEligibility => f.write_str("BS flag set without BE"),
            E::BackupEligibilityChanged => f.write_str("BE flag differs from registration"),
            E::MalformedSignature => f.write_str("signature is not strict DER"),
            E::Signature => f.write_str("signature does not verify"),
            E::SignCountZero => f.write_str("signCount is zero"),
            E::SignCountNotIncreasing { stored, received } => write!(
                f,
                "signCount {received} not greater than {stored} (possible cloned authenticator)"
            ),
        }
    }
}

impl std::error::Error for AssertionError {}

impl From<ClientDataFault> for RegistrationError {
    fn from(fault: ClientDataFault) -> Self {
        match fault {
            ClientDataFault::NotUtf8 => Self::ClientDataNotUtf8,
            ClientDataFault::Malformed => Self::MalformedClientData,
            ClientDataFault::Type => Self::ClientDataType,
            ClientDataFault::Challenge => Self::Challenge,
            ClientDataFault::Origin => Self::Origin,
            ClientDataFault::CrossOrigin => Self::CrossOrigin,
            ClientDataFault::TopOrigin => Self::TopOrigin,
        }
    }
}

impl From<ClientDataFault> for AssertionError {
    fn from(fault: ClientDataFault) -> Self {
        match fault {
            ClientDataFault::NotUtf8 => Self::ClientDataNotUtf8,
            ClientDataFault::Malformed => Self::MalformedClientData,
            ClientDataFault::Type => Self::ClientDataType,
            ClientDataFault::Challenge => Self::Challenge,
            ClientDataFault::Origin => Self::Origin,
            ClientDataFault::CrossOrigin => Self::CrossOrigin,
            ClientDataFault::TopOrigin => Self::TopOrigin,
        }
    }
}

impl From<AuthDataFault> for RegistrationError {
    fn from(fault: AuthDataFault) -> Self {
        match fault {
            AuthDataFault::Truncated => Self::MalformedAuthenticatorData,
            AuthDataFault::MalformedPublicKey => Self::MalformedCredentialPublicKey,
            AuthDataFault::MalformedExtensions => Self::MalformedExtensions,
            AuthDataFault::Trailing => Self::TrailingAuthenticatorData,
        }
    }
}

impl From<AuthDataFault> for AssertionError {
    fn from(fault: AuthDataFault) -> Self {
        match fault {
            AuthDataFault::Truncated => Self::MalformedAuthenticatorData,
            // Only reachable with AT set, which the assertion path refuses first.
            AuthDataFault::MalformedPublicKey => Self::UnexpectedAttestedCredentialData,
            AuthDataFault::MalformedExtensions => Self::MalformedExtensions,
            AuthDataFault::Trailing => Self::TrailingAuthenticatorData,
        }
    }
}

impl From<CoseFault> for RegistrationError {
    fn from(fault: CoseFault) -> Self {
        match fault {
            CoseFault::Malformed => Self::MalformedCredentialPublicKey,
            CoseFault::KeyType => Self::UnsupportedKeyType,
            CoseFault::Algorithm => Self::UnsupportedAlgorithm,
            CoseFault::Curve => Self::UnsupportedCurve,
            CoseFault::InvalidPoint => Self::InvalidPublicKey,
        }
    }
}

impl From<SignatureFault> for AssertionError {
    fn from(fault: SignatureFault) -> Self {
        match fault {
            SignatureFault::Malformed => Self::MalformedSignature,
            SignatureFault::Invalid => Self::Signature,
        }
    }
}
