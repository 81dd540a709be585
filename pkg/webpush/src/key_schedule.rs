//! RFC 8291 §3.3–§3.4 key schedule, shared by the sender (`encrypt`) and the receiving side
//! (`decrypt`), so both derive the content key the same way.

use hkdf::Hkdf;
use sha2::Sha256;

use crate::subscription::{AUTH_LEN, P256DH_LEN};

/// `aes128gcm` content-encryption key length (RFC 8188 §2.2).
pub(crate) const CEK_LEN: usize = 16;
/// `aes128gcm` nonce length (RFC 8188 §2.3).
pub(crate) const NONCE_LEN: usize = 12;

const KEY_INFO_PREFIX: &[u8] = b"WebPush: info\0";
const CEK_INFO: &[u8] = b"Content-Encoding: aes128gcm\0";
const NONCE_INFO: &[u8] = b"Content-Encoding: nonce\0";

/// The content key and nonce of the (only) record.
pub(crate) struct ContentKeys {
    pub(crate) cek: [u8; CEK_LEN],
    pub(crate) nonce: [u8; NONCE_LEN],
}

/// The derivation failed; with these fixed output lengths HKDF cannot fail, but the API says it
/// may, and this crate does not panic.
#[derive(Debug)]
pub(crate) struct KdfError;

/// RFC 8291 §3.3: `IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 ||
/// ua_public || as_public, 32)`, then RFC 8188 §2.2–§2.3: `PRK = HKDF-Extract(salt, IKM)`,
/// `CEK = HKDF-Expand(PRK, "Content-Encoding: aes128gcm" || 0x00, 16)`,
/// `NONCE = HKDF-Expand(PRK, "Content-Encoding: nonce" || 0x00, 12)` (record 0: no XOR).
pub(crate) fn derive(
    ecdh_secret: &[u8],
    auth: &[u8; AUTH_LEN],
    ua_public: &[u8; P256DH_LEN],
    as_public: &[u8; P256DH_LEN],
    salt: &[u8; 16],
) -> Result<ContentKeys, KdfError> {
    let ikm = ikm(ecdh_secret, auth, ua_public, as_public)?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut keys = ContentKeys {
        cek: [0; CEK_LEN],
        nonce: [0; NONCE_LEN],
    };
    prk.expand(CEK_INFO, &mut keys.cek).map_err(|_| KdfError)?;
    prk.expand(NONCE_INFO, &mut keys.nonce)
        .map_err(|_| KdfError)?;
    Ok(keys)
}

fn ikm(
    ecdh_secret: &[u8],
    auth: &[u8; AUTH_LEN],
    ua_public: &[u8; P256DH_LEN],
    as_public: &[u8; P256DH_LEN],
) -> Result<[u8; 32], KdfError> {
    let prk_key = Hkdf::<Sha256>::new(Some(auth), ecdh_secret);
    let mut ikm = [0; 32];
    prk_key
        .expand_multi_info(&[KEY_INFO_PREFIX, ua_public, as_public], &mut ikm)
        .map_err(|_| KdfError)?;
    Ok(ikm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use assent_proto::b64u;

    // RFC 8291 Appendix A intermediate values, so a mismatch names the broken step.
    const UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AS_PUBLIC: &str =
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const ECDH_SECRET: &str = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs";
    const IKM: &str = "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg";
    const CEK: &str = "oIhVW04MRdy2XN9CiKLxTg";
    const NONCE: &str = "4h_95klXJ5E_qnoN";

    #[test]
    fn rfc8291_intermediate_values() {
        let ecdh = b64u::decode(ECDH_SECRET).unwrap();
        let auth = b64u::decode_array(AUTH).unwrap();
        let ua = b64u::decode_array(UA_PUBLIC).unwrap();
        let asp = b64u::decode_array(AS_PUBLIC).unwrap();
        let salt = b64u::decode_array(SALT).unwrap();
        assert_eq!(b64u::encode(&ikm(&ecdh, &auth, &ua, &asp).unwrap()), IKM);
        let keys = derive(&ecdh, &auth, &ua, &asp, &salt).unwrap();
        assert_eq!(b64u::encode(&keys.cek), CEK);
        assert_eq!(b64u::encode(&keys.nonce), NONCE);
    }
}
