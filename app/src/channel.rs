//! The secure channel (SPEC §3) with WebCrypto: the device's ECDH key is created
//! non-extractable and kept in IndexedDB, so script can use it but never read it.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CryptoKey, SubtleCrypto};

use assent_proto::b64u;

use crate::js::{self, obj, wait};
use crate::problem::Problem;

const NONCE_LEN: usize = 12;

/// What a seal is for (SPEC §3): part of the additional data, so one cannot stand for another.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    /// The push subscription.
    Push,
    /// The secure-mode inbox.
    Inbox,
    /// Removing the device.
    Deactivate,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Push => "push",
            Purpose::Inbox => "inbox",
            Purpose::Deactivate => "deactivate",
        }
    }
}

fn subtle() -> Result<SubtleCrypto, Problem> {
    let crypto = js::window()?.crypto().map_err(|_| {
        Problem::Unsupported(
            "no WebCrypto (the app must be served over https or on localhost)".into(),
        )
    })?;
    Ok(crypto.subtle())
}

fn usages(list: &[&str]) -> JsValue {
    list.iter()
        .map(|u| JsValue::from_str(u))
        .collect::<Array>()
        .into()
}

fn ecdh_algorithm() -> js_sys::Object {
    obj(&[("name", "ECDH".into()), ("namedCurve", "P-256".into())])
}

/// A fresh device channel key: the non-extractable private key and the 65-byte public point.
pub async fn generate() -> Result<(CryptoKey, Vec<u8>), Problem> {
    let subtle = subtle()?;
    let pair =
        wait(subtle.generate_key_with_object(&ecdh_algorithm(), false, &usages(&["deriveBits"])))
            .await?;
    let private: CryptoKey = js::get(&pair, "privateKey")
        .dyn_into()
        .map_err(crate::api::js_problem)?;
    let public: CryptoKey = js::get(&pair, "publicKey")
        .dyn_into()
        .map_err(crate::api::js_problem)?;
    let raw = wait(subtle.export_key("raw", &public)).await?;
    Ok((private, js::bytes(&raw)))
}

/// `payload_key = HKDF-SHA256(x(ECDH(device, edge)), salt = device_id, info = "assent/v1 payload key")`
/// as a non-extractable AES-256-GCM key.
pub async fn payload_key(
    private: &CryptoKey,
    edge_public_b64u: &str,
    device_id: &str,
) -> Result<CryptoKey, Problem> {
    let subtle = subtle()?;
    let edge_point = b64u::decode(edge_public_b64u).map_err(|e| Problem::Other(e.to_string()))?;
    let edge_key: CryptoKey = wait(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(edge_point.as_slice()),
        &ecdh_algorithm(),
        true,
        &usages(&[]),
    ))
    .await?
    .dyn_into()
    .map_err(crate::api::js_problem)?;
    let shared = wait(subtle.derive_bits_with_object(
        &obj(&[("name", "ECDH".into()), ("public", edge_key.into())]),
        private,
        256,
    ))
    .await?;
    let ikm: CryptoKey = wait(subtle.import_key_with_object(
        "raw",
        &Uint8Array::new(&shared),
        &obj(&[("name", "HKDF".into())]),
        false,
        &usages(&["deriveBits"]),
    ))
    .await?
    .dyn_into()
    .map_err(crate::api::js_problem)?;
    let hkdf = obj(&[
        ("name", "HKDF".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(device_id.as_bytes()).into()),
        (
            "info",
            Uint8Array::from(b"assent/v1 payload key".as_slice()).into(),
        ),
    ]);
    let key_bytes = wait(subtle.derive_bits_with_object(&hkdf, &ikm, 256)).await?;
    wait(subtle.import_key_with_object(
        "raw",
        &Uint8Array::new(&key_bytes),
        &obj(&[("name", "AES-GCM".into())]),
        false,
        &usages(&["encrypt", "decrypt"]),
    ))
    .await?
    .dyn_into()
    .map_err(crate::api::js_problem)
}

fn aad(purpose: Purpose, device_id: &str) -> Uint8Array {
    Uint8Array::from(format!("assent/v1/{}|{device_id}", purpose.name()).as_bytes())
}

/// `seal(purpose, plaintext)` = b64u(nonce || AES-256-GCM(payload_key, nonce, plaintext, aad)).
pub async fn seal(
    key: &CryptoKey,
    purpose: Purpose,
    device_id: &str,
    plaintext: &[u8],
) -> Result<String, Problem> {
    let subtle = subtle()?;
    let mut nonce = [0u8; NONCE_LEN];
    js::window()?
        .crypto()
        .map_err(crate::api::js_problem)?
        .get_random_values_with_u8_array(&mut nonce)
        .map_err(crate::api::js_problem)?;
    let params = obj(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(nonce.as_slice()).into()),
        ("additionalData", aad(purpose, device_id).into()),
    ]);
    let sealed = wait(subtle.encrypt_with_object_and_u8_array(&params, key, plaintext)).await?;
    let mut out = nonce.to_vec();
    out.extend(js::bytes(&sealed));
    Ok(b64u::encode(&out))
}

/// Opens what the edge sealed for this device; a wrong key, purpose or device fails.
pub async fn open(
    key: &CryptoKey,
    purpose: Purpose,
    device_id: &str,
    sealed: &str,
) -> Result<Vec<u8>, Problem> {
    let subtle = subtle()?;
    let bytes = b64u::decode(sealed).map_err(|e| Problem::Other(e.to_string()))?;
    let (nonce, body) = bytes
        .split_at_checked(NONCE_LEN)
        .ok_or_else(|| Problem::Other("sealed answer too short".into()))?;
    let params = obj(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(nonce).into()),
        ("additionalData", aad(purpose, device_id).into()),
    ]);
    let opened = wait(subtle.decrypt_with_object_and_u8_array(&params, key, body))
        .await
        .map_err(|_| {
            Problem::Other("the edge's sealed answer did not open with this device's key".into())
        })?;
    Ok(js::bytes(&opened))
}
