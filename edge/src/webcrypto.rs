//! The runtime's WebCrypto (`crypto.subtle`; BoringSSL in workerd) for the P-256 work of a
//! push: the per-message ECDH of RFC 8291 and the ES256 signature of a VAPID JWT. Native code
//! does in microseconds what P-256 compiled to wasm takes most of a millisecond for; the rest
//! of the push (HKDF, AES-GCM, the JWT, the request) stays in `pkg/webpush`.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CryptoKey, CryptoKeyPair, EcKeyGenParams, EcKeyImportParams, EcdhKeyDeriveParams, EcdsaParams,
    SubtleCrypto,
};
use worker::wasm_bindgen_futures::JsFuture;

use crate::http::Failure;

const P256: &str = "P-256";
/// Uncompressed P-256 point: `0x04 || x || y`.
const POINT_LEN: usize = 65;
/// An ECDH secret and each half of an ES256 signature: 32 bytes.
const SECRET_BITS: u32 = 256;

/// The application server's half of one message's ECDH (RFC 8291 §3.1).
pub struct Agreement {
    /// The fresh ephemeral public key, uncompressed: the message header's `keyid`.
    pub as_public: [u8; POINT_LEN],
    /// The shared x-coordinate with the user agent's key.
    pub ecdh_secret: [u8; 32],
}

/// A fresh ephemeral ECDH key pair (private key non-extractable, used once) agreed with the
/// user agent's `ua_public`: `generateKey` and `importKey("raw")`, then `exportKey("raw")` of
/// the public key and `deriveBits(…, 256)`; each pair of calls runs concurrently.
pub async fn ecdh(ua_public: &[u8; POINT_LEN]) -> Result<Agreement, Failure> {
    let subtle = subtle()?;
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let generate = subtle
        .generate_key_with_object(&EcKeyGenParams::new("ECDH", P256), false, &usages)
        .map_err(js_failure("ECDH generateKey"))?;
    let import_params = EcKeyImportParams::new("ECDH");
    import_params.set_named_curve(P256);
    let import = subtle
        .import_key_with_object(
            "raw",
            &Uint8Array::from(ua_public.as_slice()),
            &import_params,
            false,
            &Array::new(),
        )
        .map_err(js_failure("ECDH importKey"))?;
    let (pair, peer) =
        futures_util::future::try_join(JsFuture::from(generate), JsFuture::from(import))
            .await
            .map_err(js_failure("ECDH generateKey/importKey"))?;
    let pair: CryptoKeyPair = object(pair, "ECDH generateKey")?;
    let peer: CryptoKey = object(peer, "ECDH importKey")?;

    let export = subtle
        .export_key("raw", &pair.get_public_key())
        .map_err(js_failure("ECDH exportKey"))?;
    let derive = subtle
        .derive_bits_with_object(
            &EcdhKeyDeriveParams::new("ECDH", &peer),
            &pair.get_private_key(),
            SECRET_BITS,
        )
        .map_err(js_failure("ECDH deriveBits"))?;
    let (public, secret) =
        futures_util::future::try_join(JsFuture::from(export), JsFuture::from(derive))
            .await
            .map_err(js_failure("ECDH exportKey/deriveBits"))?;
    Ok(Agreement {
        as_public: bytes(&public, "ECDH exportKey")?,
        ecdh_secret: bytes(&secret, "ECDH deriveBits")?,
    })
}

/// Imports a P-256 private key given as a JWK (JSON text) for ES256 signing, non-extractable.
pub async fn import_es256_key(private_jwk: &str) -> Result<CryptoKey, Failure> {
    let jwk: Object = object(
        js_sys::JSON::parse(private_jwk).map_err(js_failure("ES256 key JWK"))?,
        "ES256 key JWK",
    )?;
    let params = EcKeyImportParams::new("ECDSA");
    params.set_named_curve(P256);
    let import = subtle()?
        .import_key_with_object(
            "jwk",
            &jwk,
            &params,
            false,
            &Array::of1(&JsValue::from_str("sign")),
        )
        .map_err(js_failure("ES256 importKey"))?;
    let key = JsFuture::from(import)
        .await
        .map_err(js_failure("ES256 importKey"))?;
    object(key, "ES256 importKey")
}

/// ECDSA P-256 with SHA-256 over `input`: WebCrypto returns the raw `r || s` (64 bytes) that
/// JWS ES256 uses (RFC 7518 §3.4), no DER to undo.
pub async fn sign_es256(key: &CryptoKey, input: &[u8]) -> Result<[u8; 64], Failure> {
    let sign = subtle()?
        .sign_with_object_and_u8_array(&EcdsaParams::new_with_str("ECDSA", "SHA-256"), key, input)
        .map_err(js_failure("ES256 sign"))?;
    let signature = JsFuture::from(sign)
        .await
        .map_err(js_failure("ES256 sign"))?;
    bytes(&signature, "ES256 sign")
}

/// `crypto.subtle` of the global scope (a Worker has no `window`).
fn subtle() -> Result<SubtleCrypto, Failure> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .map_err(js_failure("globalThis.crypto"))?;
    let subtle =
        Reflect::get(&crypto, &JsValue::from_str("subtle")).map_err(js_failure("crypto.subtle"))?;
    object(subtle, "crypto.subtle")
}

/// `value` as the WebCrypto type the call's contract promises (`CryptoKey`, `CryptoKeyPair`,
/// …). Those are not all constructible classes, so only "is an object" is checked.
fn object<T: JsCast>(value: JsValue, context: &str) -> Result<T, Failure> {
    if value.is_object() {
        Ok(value.unchecked_into())
    } else {
        Err(Failure::internal(context, "the result is not an object"))
    }
}

/// The bytes of an `ArrayBuffer` result that must be exactly `N` long.
fn bytes<const N: usize>(buffer: &JsValue, context: &str) -> Result<[u8; N], Failure> {
    if !buffer.is_instance_of::<js_sys::ArrayBuffer>() {
        return Err(Failure::internal(
            context,
            "the result is not an ArrayBuffer",
        ));
    }
    let view = Uint8Array::new(buffer);
    let mut out = [0u8; N];
    if usize::try_from(view.length()).ok() != Some(N) {
        return Err(Failure::internal(
            context,
            format_args!("{} bytes, expected {N}", view.length()),
        ));
    }
    view.copy_to(&mut out);
    Ok(out)
}

/// A rejected or thrown WebCrypto call as `500 internal`, its error logged.
fn js_failure(context: &'static str) -> impl Fn(JsValue) -> Failure {
    move |error| {
        let text = error
            .dyn_ref::<Object>()
            .map(|o| String::from(o.to_string()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| format!("{error:?}"));
        Failure::internal(context, text)
    }
}
