//! JWS compact serialization with ES256 only (RFC 7515 §7.1, RFC 7518 §3.4), strict.
//!
//! The verifier follows RFC 8725 (JWT best current practice): the algorithm is pinned rather
//! than taken from the header (§3.1), `typ` is checked so one kind of token cannot pass for
//! another (§3.11), and the key is chosen by `kid` from keys the caller trusts — never from
//! a `jwk`/`jku`/`x5u` header, which are ignored. Base64url must be canonical and unpadded,
//! so one token has exactly one spelling.

use assent_proto::b64u;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::Value;

use crate::jwk::ALG_ES256;
use crate::jwk_set::JwkSet;
use crate::member::Object;

/// Length of a raw ES256 signature, `r || s` (RFC 7518 §3.4).
pub const SIGNATURE_LEN: usize = 64;

/// Why a JWS was refused. Each failed check has its own variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwsError {
    /// Not exactly three `.`-separated parts (RFC 7515 §7.1); carries the count found.
    PartCount(usize),
    /// The protected header is not canonical unpadded base64url.
    HeaderEncoding,
    /// The protected header is not a JSON object (or repeats a member).
    HeaderJson(String),
    /// The header has no `alg`.
    MissingAlg,
    /// `alg` is `"none"`: an unsecured JWS (RFC 7518 §3.6) is never accepted.
    AlgNone,
    /// `alg` is not `"ES256"` (or not a string); carries what was found.
    AlgNotAllowed(String),
    /// The header has no `typ`.
    MissingTyp,
    /// `typ` is not the expected type (or not a string).
    WrongTyp {
        /// The type the caller requires.
        expected: String,
        /// What the header says.
        found: String,
    },
    /// The header has `crit`: no extension is understood here, so RFC 7515 §4.1.11 requires
    /// rejecting it.
    Crit,
    /// The header has no `kid` (or it is not a string).
    MissingKid,
    /// No key in the set has the header's `kid`.
    UnknownKid(String),
    /// The payload is not canonical unpadded base64url.
    PayloadEncoding,
    /// The signature is not canonical unpadded base64url.
    SignatureEncoding,
    /// The signature is not 64 bytes `r || s` (e.g. an ASN.1 DER signature); carries the length.
    SignatureLength(usize),
    /// `r` or `s` is zero or not below the group order.
    SignatureScalars,
    /// The signature does not verify with the selected key.
    BadSignature,
    /// The payload is not a JSON object (JWT claims sets must be, RFC 7519 §7.2 step 10).
    PayloadNotObject,
}

impl core::fmt::Display for JwsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::PartCount(n) => write!(f, "JWS has {n} parts, not 3"),
            Self::HeaderEncoding => f.write_str("JWS header is not canonical base64url"),
            Self::HeaderJson(detail) => write!(f, "JWS header is not a JSON object: {detail}"),
            Self::MissingAlg => f.write_str("JWS header has no alg"),
            Self::AlgNone => f.write_str("JWS alg \"none\" is refused"),
            Self::AlgNotAllowed(alg) => write!(f, "JWS alg {alg} is not ES256"),
            Self::MissingTyp => f.write_str("JWS header has no typ"),
            Self::WrongTyp { expected, found } => {
                write!(f, "JWS typ is {found:?}, expected {expected:?}")
            }
            Self::Crit => f.write_str("JWS header has crit, and no extension is supported"),
            Self::MissingKid => f.write_str("JWS header has no kid"),
            Self::UnknownKid(kid) => write!(f, "no key with kid {kid:?}"),
            Self::PayloadEncoding => f.write_str("JWS payload is not canonical base64url"),
            Self::SignatureEncoding => f.write_str("JWS signature is not canonical base64url"),
            Self::SignatureLength(n) => write!(f, "JWS signature is {n} bytes, not 64 (r || s)"),
            Self::SignatureScalars => f.write_str("JWS signature r or s is out of range"),
            Self::BadSignature => f.write_str("JWS signature does not verify"),
            Self::PayloadNotObject => f.write_str("JWS payload is not a JSON object"),
        }
    }
}

impl std::error::Error for JwsError {}

/// Signs `payload` (the claims' JSON bytes) as a compact JWS with the protected header
/// `{"alg":"ES256","typ":typ,"kid":kid}`.
///
/// ECDSA here is deterministic (RFC 6979), so no randomness is needed and the same input
/// gives the same token.
pub fn sign(typ: &str, kid: &str, payload: &[u8], key: &SigningKey) -> String {
    // Value's Display writes a JSON string literal with the escaping JSON requires, and
    // cannot fail.
    let header = format!(
        r#"{{"alg":"{ALG_ES256}","typ":{},"kid":{}}}"#,
        Value::from(typ),
        Value::from(kid)
    );
    let signing_input = format!(
        "{}.{}",
        b64u::encode(header.as_bytes()),
        b64u::encode(payload)
    );
    let signature: Signature = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", b64u::encode(&signature.to_bytes()))
}

/// The parts of a JWS whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The header's `kid`.
    pub kid: String,
    /// The payload bytes: a JSON object, not yet interpreted.
    pub payload: Vec<u8>,
}

/// Verifies a compact JWS against the key with its `kid` in `keys`, requiring `alg` ES256 and
/// `typ` = `expected_typ`, and returns the payload (a JSON object).
pub fn verify(jws: &str, keys: &JwkSet, expected_typ: &str) -> Result<Verified, JwsError> {
    let parsed = Parsed::new(jws, expected_typ)?;
    let key = keys
        .get(&parsed.kid)
        .ok_or_else(|| JwsError::UnknownKid(parsed.kid.clone()))?;
    parsed.finish(key.verifying_key())
}

/// Verifies a compact JWS with one key the caller has already chosen. The header must still
/// carry a `kid` (every Assent JWS does), but its value is not matched.
pub fn verify_with_key(
    jws: &str,
    key: &VerifyingKey,
    expected_typ: &str,
) -> Result<Verified, JwsError> {
    Parsed::new(jws, expected_typ)?.finish(key)
}

/// A JWS whose structure and header passed every check; its signature is not yet verified.
struct Parsed<'a> {
    signing_input: &'a str,
    kid: String,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl<'a> Parsed<'a> {
    fn new(jws: &'a str, expected_typ: &str) -> Result<Self, JwsError> {
        let parts: Vec<&str> = jws.split('.').collect();
        let [header_b64, payload_b64, signature_b64] = parts[..] else {
            return Err(JwsError::PartCount(parts.len()));
        };
        // The signing input is the first two parts as sent (RFC 7515 §5.2 step 8).
        let signing_input = jws
            .get(..header_b64.len() + 1 + payload_b64.len())
            .ok_or(JwsError::PartCount(parts.len()))?;

        let header_bytes = b64u::decode(header_b64).map_err(|_| JwsError::HeaderEncoding)?;
        let header = parse_header(&header_bytes)?;
        let kid = check_header(&header, expected_typ)?;

        let payload = b64u::decode(payload_b64).map_err(|_| JwsError::PayloadEncoding)?;
        let signature = b64u::decode(signature_b64).map_err(|_| JwsError::SignatureEncoding)?;
        Ok(Self {
            signing_input,
            kid,
            payload,
            signature,
        })
    }

    fn finish(self, key: &VerifyingKey) -> Result<Verified, JwsError> {
        // RFC 7518 §3.4: the signature is the 64-octet sequence R || S; a DER signature is
        // the wrong format and is refused, not converted.
        if self.signature.len() != SIGNATURE_LEN {
            return Err(JwsError::SignatureLength(self.signature.len()));
        }
        let signature =
            Signature::from_slice(&self.signature).map_err(|_| JwsError::SignatureScalars)?;
        key.verify(self.signing_input.as_bytes(), &signature)
            .map_err(|_| JwsError::BadSignature)?;
        // Only now, authenticated, is the payload interpreted.
        match serde_json::from_slice::<Value>(&self.payload) {
            Ok(Value::Object(_)) => Ok(Verified {
                kid: self.kid,
                payload: self.payload,
            }),
            _ => Err(JwsError::PayloadNotObject),
        }
    }
}

/// The protected header: a JSON object, each member at most once. Only `alg`, `typ`, `kid`
/// and `crit` are read; any other member (`jwk`, `jku`, `x5c`, `cty`, …) is ignored, because
/// keys come from the caller.
fn parse_header(bytes: &[u8]) -> Result<Object, JwsError> {
    serde_json::from_slice(bytes).map_err(|e| JwsError::HeaderJson(e.to_string()))
}

/// Returns the `kid` when `alg`, `typ` and `crit` pass.
fn check_header(header: &Object, expected_typ: &str) -> Result<String, JwsError> {
    match header.member("alg").0 {
        None => return Err(JwsError::MissingAlg),
        Some(Value::String(alg)) if alg == ALG_ES256 => {}
        Some(Value::String(alg)) if alg == "none" => return Err(JwsError::AlgNone),
        Some(other) => return Err(JwsError::AlgNotAllowed(display(other))),
    }
    match header.member("typ").0 {
        None => return Err(JwsError::MissingTyp),
        Some(Value::String(typ)) if typ == expected_typ => {}
        Some(other) => {
            return Err(JwsError::WrongTyp {
                expected: expected_typ.to_owned(),
                found: display(other),
            });
        }
    }
    if header.member("crit").is_present() {
        return Err(JwsError::Crit);
    }
    match header.member("kid").as_opt_str() {
        Ok(Some(kid)) => Ok(kid.to_owned()),
        _ => Err(JwsError::MissingKid),
    }
}

/// A header value for an error message: strings bare, anything else as JSON.
fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
