use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use assent_proto::b64u;
use hkdf::Hkdf;
use sha2::Sha256;

use crate::{ChannelError, HKDF_INFO, Purpose, StaticSecret, aad, public_key_from_sec1};

/// AES-GCM nonce length.
pub const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;

/// The payload key of one device, bound to its id; seals and opens that device's messages.
pub struct Channel {
    cipher: Aes256Gcm,
    device_id: String,
}

impl Channel {
    /// Derives the payload key from our static secret, the peer's 65-byte public key and
    /// the device id (SPEC §3). The edge passes the device's key; a device the edge's.
    pub fn derive(
        own: &StaticSecret,
        peer_public: &[u8],
        device_id: &str,
    ) -> Result<Self, ChannelError> {
        let peer = public_key_from_sec1(peer_public)?;
        let ikm = own.shared_x(&peer);
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(device_id.as_bytes()), &ikm)
            .expand(HKDF_INFO, &mut key)
            .map_err(|_| ChannelError::InvalidSecretKey)?;
        Ok(Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(key)),
            device_id: device_id.to_owned(),
        })
    }

    /// The device id this channel is bound to.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Seals `plaintext` for `purpose` with a fresh random `nonce` from the caller.
    pub fn seal(&self, purpose: Purpose, nonce: [u8; NONCE_LEN], plaintext: &[u8]) -> String {
        let aad = aad(purpose, &self.device_id);
        // AES-GCM encryption only fails for plaintexts beyond 64 GiB.
        let ciphertext = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        b64u::encode(&out)
    }

    /// Opens a message sealed for `purpose` to this device.
    pub fn open(&self, purpose: Purpose, sealed: &str) -> Result<Vec<u8>, ChannelError> {
        let bytes = b64u::decode(sealed).map_err(|_| ChannelError::InvalidEncoding)?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(ChannelError::TooShort);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| ChannelError::TooShort)?;
        let aad = aad(purpose, &self.device_id);
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| ChannelError::NotAuthentic)
    }

    /// Seals a value as JSON.
    pub fn seal_json<T: serde::Serialize>(
        &self,
        purpose: Purpose,
        nonce: [u8; NONCE_LEN],
        value: &T,
    ) -> Result<String, ChannelError> {
        let json = serde_json::to_vec(value).map_err(|_| ChannelError::InvalidJson)?;
        Ok(self.seal(purpose, nonce, &json))
    }

    /// Opens a message and parses its JSON (unknown members are the type's business).
    pub fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        purpose: Purpose,
        sealed: &str,
    ) -> Result<T, ChannelError> {
        let plaintext = self.open(purpose, sealed)?;
        serde_json::from_slice(&plaintext).map_err(|_| ChannelError::InvalidJson)
    }
}

impl core::fmt::Debug for Channel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Channel")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}
