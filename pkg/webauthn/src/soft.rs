//! A software authenticator plus browser that answers like Chromium with its virtual CTAP2
//! authenticator (as recorded in `tests/vectors/webauthn/`), for tests: the "browser" of the
//! edge's integration tests. Feature `soft-authenticator`; never enable it in production.
//!
//! It produces the same shapes byte for byte where bytes are fixed: `clientDataJSON` as
//! `{"type":…,"challenge":…,"origin":…,"crossOrigin":false}` (Chromium's random extra
//! member on request: [`Tweaks::other_keys_member`]); authenticator data
//! `rpIdHash | flags (UP|UV, AT at registration) | signCount | aaguid | credIdLen | credId |
//! COSE key {1:2, 3:-7, -1:1, -2:x, -3:y}`; attestation objects `{fmt, attStmt, authData}`
//! in that key order; DER signatures (RFC 6979, deterministic). Its counter starts at 0 and
//! goes up by one per ceremony, so the registration carries 1 and the first assertion 2, as
//! Chromium's does.
//!
//! [`Tweaks`] make validly signed but wrong responses for negative tests.
//!
//! ```
//! use assent_webauthn::{soft::SoftAuthenticator, *};
//! let mut authenticator = SoftAuthenticator::new(&[7; 32], b"credential-1").unwrap();
//! let options = creation_options(&CreationOptionsInput {
//!     rp_id: "localhost",
//!     rp_name: "Assent",
//!     user_handle: b"user-1",
//!     user_name: "alice",
//!     user_display_name: "Alice",
//!     challenge: &[1; 32],
//!     timeout_ms: 60_000,
//!     exclude_credentials: &[],
//!     resident_key: json::Requirement::Preferred,
//! });
//! let response = authenticator.create(&options, "http://localhost:8787").unwrap();
//! let expected = RegistrationExpectations {
//!     rp_id: "localhost",
//!     origin: "http://localhost:8787",
//!     challenge: &[1; 32],
//! };
//! let credential = verify_registration(&expected, &response).unwrap();
//! assert_eq!(credential.public_key, authenticator.public_key());
//! ```

use crate::auth_data::{AT, BE, BS, ED, UP, UV};
use crate::cose::{CRV_P256, KTY_EC2};
use crate::json::{
    AttestationConveyance, AuthenticationResponseJSON, AuthenticatorAssertionResponseJSON,
    AuthenticatorAttestationResponseJSON, ES256, PUBLIC_KEY_TYPE,
    PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON,
    RegistrationResponseJSON,
};
use crate::signature::client_data_hash;
use assent_proto::b64u;
use ciborium::Value;
use core::fmt;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

/// The AAGUID of Chromium's virtual authenticator (`01020304050607080102030405060708`), which
/// it reports even for attestation `none`. The soft authenticator's default.
pub const CHROMIUM_VIRTUAL_AAGUID: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8];

/// What Chromium appends to about one `clientDataJSON` in five, so that relying parties do not
/// compare client data against a template (WebAuthn §5.8.1.2).
const CHROMIUM_OTHER_KEYS_MEMBER: &str = ",\"other_keys_can_be_added_here\":\"do not compare clientDataJSON against a template. See https://goo.gl/yabPex\"";

/// DER prefix of a P-256 `SubjectPublicKeyInfo` with an uncompressed point (RFC 5480).
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// Why the soft authenticator refused, as a browser would.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SoftError {
    /// The private key is not a valid P-256 scalar (zero or ≥ the group order).
    InvalidPrivateKey,
    /// An options member is unusable (`challenge` or `user.id` not b64u…).
    InvalidOptions(&'static str),
    /// `pubKeyCredParams` offers no ES256.
    NoSupportedAlgorithm,
    /// The credential is in `excludeCredentials` (`InvalidStateError` in a browser).
    CredentialExcluded,
    /// `allowCredentials` does not list the credential (`NotAllowedError` in a browser).
    CredentialNotAllowed,
}

impl fmt::Display for SoftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPrivateKey => f.write_str("invalid P-256 private key"),
            Self::InvalidOptions(member) => write!(f, "options member {member} is invalid"),
            Self::NoSupportedAlgorithm => f.write_str("no ES256 in pubKeyCredParams"),
            Self::CredentialExcluded => f.write_str("credential is excluded"),
            Self::CredentialNotAllowed => f.write_str("credential is not allowed"),
        }
    }
}

impl std::error::Error for SoftError {}

/// The attestation the soft authenticator returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoftAttestation {
    /// `none` with an empty `attStmt`.
    None,
    /// `packed` self-attestation `{alg, sig}` signed by the credential key.
    PackedSelf,
    /// `packed` with `x5c` holding these certificates, still signed by the credential key (so
    /// it verifies when `x5c[0]` certifies that key).
    PackedWithX5c(Vec<Vec<u8>>),
    /// `none` with a non-empty `attStmt`.
    NoneWithStatement,
    /// Another format name, with an empty `attStmt`.
    Other(String),
}

/// Deviations from Chromium's behaviour, for negative tests. `Tweaks::default()` is Chromium.
#[derive(Debug, Clone, Default)]
pub struct Tweaks {
    /// Clear UP.
    pub omit_user_presence: bool,
    /// Clear UV.
    pub omit_user_verification: bool,
    /// Set BE.
    pub backup_eligible: bool,
    /// Set BS.
    pub backup_state: bool,
    /// Put `"crossOrigin":true` in the client data.
    pub cross_origin: bool,
    /// Add `"topOrigin":…` after `crossOrigin`.
    pub top_origin: Option<String>,
    /// Use this client data `type` instead of `webauthn.create` / `webauthn.get`.
    pub client_data_type: Option<String>,
    /// Append the member Chromium adds at random to about one `clientDataJSON` in five:
    /// `"other_keys_can_be_added_here":"do not compare clientDataJSON against a template…"`.
    pub other_keys_member: bool,
    /// Use these bytes as `clientDataJSON`, verbatim (still hashed and signed).
    pub client_data_json: Option<Vec<u8>>,
    /// Hash this RP ID into `rpIdHash` instead of the options' one.
    pub rp_id: Option<String>,
    /// Use exactly this signature counter (and continue from it) instead of counting up.
    pub sign_count: Option<u32>,
    /// Return this attestation instead of the one the options' conveyance implies.
    pub attestation: Option<SoftAttestation>,
    /// `alg` in a `packed` statement, instead of −7.
    pub packed_alg: Option<i64>,
    /// COSE `kty` of the credential key, instead of 2 (EC2).
    pub cose_kty: Option<i64>,
    /// COSE `alg` of the credential key, instead of −7 (ES256).
    pub cose_alg: Option<i64>,
    /// COSE `crv` of the credential key, instead of 1 (P-256).
    pub cose_crv: Option<i64>,
    /// Raw CBOR to put in place of the credential key.
    pub cose_key: Option<Vec<u8>>,
    /// Credential id to put in the attested credential data, instead of the real one.
    pub attested_credential_id: Option<Vec<u8>>,
    /// Raw CBOR extensions appended to the authenticator data, with ED set.
    pub extensions: Option<Vec<u8>>,
    /// Bytes appended to the authenticator data with no flag announcing them.
    pub trailing_bytes: Vec<u8>,
    /// Include attested credential data (and AT) in an assertion.
    pub attested_data_in_assertion: bool,
    /// Make the ECDSA signature's `s` high (n − s) rather than whatever RFC 6979 gives.
    pub high_s: bool,
}

/// One credential on a software authenticator, with the browser around it.
#[derive(Debug, Clone)]
pub struct SoftAuthenticator {
    signing_key: SigningKey,
    credential_id: Vec<u8>,
    sign_count: u32,
    aaguid: [u8; 16],
    user_handle: Option<Vec<u8>>,
}

impl SoftAuthenticator {
    /// An authenticator holding one credential: this P-256 private scalar (big-endian) under
    /// this credential id. Its counter starts at 0.
    pub fn new(private_key: &[u8; 32], credential_id: &[u8]) -> Result<Self, SoftError> {
        let signing_key =
            SigningKey::from_slice(private_key).map_err(|_| SoftError::InvalidPrivateKey)?;
        Ok(Self {
            signing_key,
            credential_id: credential_id.to_vec(),
            sign_count: 0,
            aaguid: CHROMIUM_VIRTUAL_AAGUID,
            user_handle: None,
        })
    }

    /// Reports this AAGUID instead of Chromium's virtual one.
    #[must_use]
    pub fn with_aaguid(mut self, aaguid: [u8; 16]) -> Self {
        self.aaguid = aaguid;
        self
    }

    /// Returns this `userHandle` in assertions (otherwise: `user.id` of the last `create`).
    #[must_use]
    pub fn with_user_handle(mut self, user_handle: &[u8]) -> Self {
        self.user_handle = Some(user_handle.to_vec());
        self
    }

    /// The credential id.
    pub fn credential_id(&self) -> &[u8] {
        &self.credential_id
    }

    /// The credential public key, 65-byte uncompressed SEC1.
    pub fn public_key(&self) -> [u8; 65] {
        let point = self.signing_key.verifying_key().to_sec1_point(false);
        let mut out = [0u8; 65];
        for (dst, src) in out.iter_mut().zip(point.as_bytes()) {
            *dst = *src;
        }
        out
    }

    /// The counter value of the last ceremony.
    pub fn sign_count(&self) -> u32 {
        self.sign_count
    }

    /// Sets the counter; the next ceremony carries `sign_count + 1`.
    pub fn set_sign_count(&mut self, sign_count: u32) {
        self.sign_count = sign_count;
    }

    /// `navigator.credentials.create()` from a page at `origin`, as Chromium answers it.
    pub fn create(
        &mut self,
        options: &PublicKeyCredentialCreationOptionsJSON,
        origin: &str,
    ) -> Result<RegistrationResponseJSON, SoftError> {
        self.create_with(options, origin, &Tweaks::default())
    }

    /// `navigator.credentials.create()` with deviations.
    pub fn create_with(
        &mut self,
        options: &PublicKeyCredentialCreationOptionsJSON,
        origin: &str,
        tweaks: &Tweaks,
    ) -> Result<RegistrationResponseJSON, SoftError> {
        let challenge =
            b64u::decode(&options.challenge).map_err(|_| SoftError::InvalidOptions("challenge"))?;
        let user_handle =
            b64u::decode(&options.user.id).map_err(|_| SoftError::InvalidOptions("user.id"))?;
        if !options
            .pub_key_cred_params
            .iter()
            .any(|p| p.type_ == PUBLIC_KEY_TYPE && p.alg == ES256)
        {
            return Err(SoftError::NoSupportedAlgorithm);
        }
        if self.listed(&options.exclude_credentials) {
            return Err(SoftError::CredentialExcluded);
        }
        self.user_handle = Some(user_handle);

        let client_data_json = client_data_json("webauthn.create", &challenge, origin, tweaks);
        let mut cose_key = match &tweaks.cose_key {
            Some(raw) => raw.clone(),
            None => self.cose_key(tweaks),
        };
        let attested_id = tweaks
            .attested_credential_id
            .as_deref()
            .unwrap_or(&self.credential_id);
        let mut attested = Vec::with_capacity(18 + attested_id.len() + cose_key.len());
        attested.extend_from_slice(&self.aaguid);
        attested.extend_from_slice(&len_u16(attested_id.len()).to_be_bytes());
        attested.extend_from_slice(attested_id);
        attested.append(&mut cose_key);
        let auth_data = self.authenticator_data(&options.rp.id, Some(&attested), tweaks);

        let attestation = tweaks.attestation.clone().unwrap_or(
            match options.attestation.unwrap_or(AttestationConveyance::None) {
                AttestationConveyance::None => SoftAttestation::None,
                _ => SoftAttestation::PackedSelf,
            },
        );
        let hash = client_data_hash(&client_data_json);
        let (fmt, att_stmt) = match attestation {
            SoftAttestation::None => ("none".to_owned(), vec![]),
            SoftAttestation::NoneWithStatement => {
                ("none".to_owned(), vec![(text("alg"), Value::from(ES256))])
            }
            SoftAttestation::Other(name) => (name, vec![]),
            SoftAttestation::PackedSelf | SoftAttestation::PackedWithX5c(_) => {
                let sig = self.sign(&auth_data, &hash, tweaks);
                let mut stmt = vec![
                    (text("alg"), Value::from(tweaks.packed_alg.unwrap_or(ES256))),
                    (text("sig"), Value::Bytes(sig)),
                ];
                if let SoftAttestation::PackedWithX5c(certs) = attestation {
                    let certs = certs.into_iter().map(Value::Bytes).collect();
                    stmt.push((text("x5c"), Value::Array(certs)));
                }
                ("packed".to_owned(), stmt)
            }
        };
        let attestation_object = cbor_bytes(&Value::Map(vec![
            (text("fmt"), Value::Text(fmt)),
            (text("attStmt"), Value::Map(att_stmt)),
            (text("authData"), Value::Bytes(auth_data.clone())),
        ]));

        let mut spki = P256_SPKI_PREFIX.to_vec();
        spki.extend_from_slice(&self.public_key());
        let id = b64u::encode(&self.credential_id);
        Ok(RegistrationResponseJSON {
            authenticator_attachment: Some("platform".to_owned()),
            client_extension_results: serde_json::Map::new(),
            id: id.clone(),
            raw_id: id,
            response: AuthenticatorAttestationResponseJSON {
                attestation_object: b64u::encode(&attestation_object),
                authenticator_data: Some(b64u::encode(&auth_data)),
                client_data_json: b64u::encode(&client_data_json),
                public_key: Some(b64u::encode(&spki)),
                public_key_algorithm: Some(tweaks.cose_alg.unwrap_or(ES256)),
                transports: Some(vec!["internal".to_owned()]),
            },
            type_: PUBLIC_KEY_TYPE.to_owned(),
        })
    }

    /// `navigator.credentials.get()` from a page at `origin`, as Chromium answers it.
    pub fn get(
        &mut self,
        options: &PublicKeyCredentialRequestOptionsJSON,
        origin: &str,
    ) -> Result<AuthenticationResponseJSON, SoftError> {
        self.get_with(options, origin, &Tweaks::default())
    }

    /// `navigator.credentials.get()` with deviations.
    pub fn get_with(
        &mut self,
        options: &PublicKeyCredentialRequestOptionsJSON,
        origin: &str,
        tweaks: &Tweaks,
    ) -> Result<AuthenticationResponseJSON, SoftError> {
        let challenge =
            b64u::decode(&options.challenge).map_err(|_| SoftError::InvalidOptions("challenge"))?;
        if !options.allow_credentials.is_empty() && !self.listed(&options.allow_credentials) {
            return Err(SoftError::CredentialNotAllowed);
        }
        let client_data_json = client_data_json("webauthn.get", &challenge, origin, tweaks);
        let attested = tweaks.attested_data_in_assertion.then(|| {
            let mut attested = self.aaguid.to_vec();
            attested.extend_from_slice(&len_u16(self.credential_id.len()).to_be_bytes());
            attested.extend_from_slice(&self.credential_id);
            attested.extend_from_slice(&self.cose_key(tweaks));
            attested
        });
        let auth_data = self.authenticator_data(&options.rp_id, attested.as_deref(), tweaks);
        let signature = self.sign(&auth_data, &client_data_hash(&client_data_json), tweaks);
        let id = b64u::encode(&self.credential_id);
        Ok(AuthenticationResponseJSON {
            authenticator_attachment: Some("platform".to_owned()),
            client_extension_results: serde_json::Map::new(),
            id: id.clone(),
            raw_id: id,
            response: AuthenticatorAssertionResponseJSON {
                authenticator_data: b64u::encode(&auth_data),
                client_data_json: b64u::encode(&client_data_json),
                signature: b64u::encode(&signature),
                user_handle: self.user_handle.as_deref().map(b64u::encode),
            },
            type_: PUBLIC_KEY_TYPE.to_owned(),
        })
    }

    fn listed(&self, descriptors: &[crate::json::CredentialDescriptorJSON]) -> bool {
        descriptors
            .iter()
            .any(|d| b64u::decode(&d.id).is_ok_and(|id| id == self.credential_id))
    }

    /// `{1: kty, 3: alg, -1: crv, -2: x, -3: y}` in CTAP2 canonical order, as Chromium encodes.
    fn cose_key(&self, tweaks: &Tweaks) -> Vec<u8> {
        let point = self.public_key();
        let (x, y) = point.get(1..).unwrap_or_default().split_at(32);
        cbor_bytes(&Value::Map(vec![
            (
                Value::from(1),
                Value::from(tweaks.cose_kty.unwrap_or(KTY_EC2)),
            ),
            (
                Value::from(3),
                Value::from(tweaks.cose_alg.unwrap_or(ES256)),
            ),
            (
                Value::from(-1),
                Value::from(tweaks.cose_crv.unwrap_or(CRV_P256)),
            ),
            (Value::from(-2), Value::Bytes(x.to_vec())),
            (Value::from(-3), Value::Bytes(y.to_vec())),
        ]))
    }

    fn authenticator_data(
        &mut self,
        rp_id: &str,
        attested: Option<&[u8]>,
        tweaks: &Tweaks,
    ) -> Vec<u8> {
        self.sign_count = tweaks
            .sign_count
            .unwrap_or_else(|| self.sign_count.wrapping_add(1));
        let rp_id = tweaks.rp_id.as_deref().unwrap_or(rp_id);
        let mut flags = 0u8;
        let bits = [
            (!tweaks.omit_user_presence, UP),
            (!tweaks.omit_user_verification, UV),
            (tweaks.backup_eligible, BE),
            (tweaks.backup_state, BS),
            (attested.is_some(), AT),
            (tweaks.extensions.is_some(), ED),
        ];
        for (on, bit) in bits {
            if on {
                flags |= bit;
            }
        }
        let mut out = Sha256::digest(rp_id.as_bytes()).to_vec();
        out.push(flags);
        out.extend_from_slice(&self.sign_count.to_be_bytes());
        if let Some(attested) = attested {
            out.extend_from_slice(attested);
        }
        if let Some(extensions) = &tweaks.extensions {
            out.extend_from_slice(extensions);
        }
        out.extend_from_slice(&tweaks.trailing_bytes);
        out
    }

    /// DER ECDSA over `authenticatorData || clientDataHash`.
    fn sign(&self, auth_data: &[u8], client_data_hash: &[u8; 32], tweaks: &Tweaks) -> Vec<u8> {
        let mut message = auth_data.to_vec();
        message.extend_from_slice(client_data_hash);
        let signature: Signature = self.signing_key.sign(&message);
        let signature = if tweaks.high_s {
            high_s(&signature)
        } else {
            signature
        };
        signature.to_der().as_bytes().to_vec()
    }
}

/// The same signature with `s` replaced by `n − s` when `s` is low (both verify).
fn high_s(signature: &Signature) -> Signature {
    if signature.normalize_s() != *signature {
        return *signature; // already high
    }
    let (r, s) = signature.split_scalars();
    let negated = -*s;
    Signature::from_scalars(r.to_bytes(), negated.to_bytes()).unwrap_or(*signature)
}

/// Chromium's client data serialization: members in this order, strings JSON-escaped.
fn client_data_json(
    default_type: &str,
    challenge: &[u8],
    origin: &str,
    tweaks: &Tweaks,
) -> Vec<u8> {
    if let Some(raw) = &tweaks.client_data_json {
        return raw.clone();
    }
    let quote = |s: &str| serde_json::Value::from(s).to_string();
    let type_ = tweaks.client_data_type.as_deref().unwrap_or(default_type);
    let mut out = format!(
        "{{\"type\":{},\"challenge\":{},\"origin\":{},\"crossOrigin\":{}",
        quote(type_),
        quote(&b64u::encode(challenge)),
        quote(origin),
        tweaks.cross_origin
    );
    if let Some(top) = &tweaks.top_origin {
        out.push_str(&format!(",\"topOrigin\":{}", quote(top)));
    }
    if tweaks.other_keys_member {
        out.push_str(CHROMIUM_OTHER_KEYS_MEMBER);
    }
    out.push('}');
    out.into_bytes()
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn cbor_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail; an error here would be a ciborium bug.
    if ciborium::ser::into_writer(value, &mut out).is_err() {
        out.clear();
    }
    out
}

/// Credential ids in tests are short; a longer one is cut to the field's width on purpose
/// (callers wanting a bad length use `Tweaks::attested_credential_id`).
fn len_u16(len: usize) -> u16 {
    u16::try_from(len).unwrap_or(u16::MAX)
}
