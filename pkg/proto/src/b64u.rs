//! Base64url without padding (RFC 4648 §5), strict: non-canonical encodings, padding and
//! characters outside the alphabet are rejected, so one value has exactly one spelling.

use base64ct::{Base64UrlUnpadded, Encoding};

/// A string that is not canonical unpadded base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct B64Error;

impl core::fmt::Display for B64Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("not canonical unpadded base64url")
    }
}

impl std::error::Error for B64Error {}

/// Encodes bytes as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Decodes canonical unpadded base64url.
pub fn decode(text: &str) -> Result<Vec<u8>, B64Error> {
    Base64UrlUnpadded::decode_vec(text).map_err(|_| B64Error)
}

/// Decodes canonical unpadded base64url that must hold exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], B64Error> {
    decode(text)?.try_into().map_err(|_| B64Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_non_canonical() {
        assert_eq!(encode(b"\xfb\xff"), "-_8");
        assert_eq!(decode("-_8").unwrap(), b"\xfb\xff");
        assert_eq!(decode("-_8="), Err(B64Error), "padding");
        assert_eq!(decode("+/8"), Err(B64Error), "standard alphabet");
        assert_eq!(decode("-_9"), Err(B64Error), "non-zero trailing bits");
        assert_eq!(decode("A"), Err(B64Error), "impossible length");
        assert_eq!(decode_array::<2>("-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode_array::<3>("-_8"), Err(B64Error));
    }
}
