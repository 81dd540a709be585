//! Opaque 128-bit ids in base64url (22 characters) with no meaning inside (SPEC §1).

use crate::b64u;

/// Length of an encoded id.
pub const ID_LEN: usize = 22;

/// Encodes 16 random bytes (from the caller's CSPRNG) as an id.
pub fn id_from_random(random: [u8; 16]) -> String {
    b64u::encode(&random)
}

/// True when `text` is a well-formed id: 22 canonical base64url characters.
pub fn is_valid_id(text: &str) -> bool {
    text.len() == ID_LEN && b64u::decode(text).is_ok_and(|bytes| bytes.len() == 16)
}

/// True when `text` is a valid RP id: `[a-z0-9-]{1,32}`.
pub fn is_valid_rp_id(text: &str) -> bool {
    (1..=32).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// True when `text` is a valid user id: 1–128 bytes of UTF-8 (a `&str` is always UTF-8).
pub fn is_valid_user_id(text: &str) -> bool {
    (1..=128).contains(&text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        let id = id_from_random([0xab; 16]);
        assert_eq!(id.len(), ID_LEN);
        assert!(is_valid_id(&id));
        assert!(!is_valid_id("short"));
        assert!(!is_valid_id(&format!("{id}A")));
        assert!(!is_valid_id("+++++++++++++++++++++A"));
        assert!(is_valid_rp_id("demo-secure"));
        assert!(!is_valid_rp_id("Demo"));
        assert!(!is_valid_rp_id(""));
        assert!(!is_valid_rp_id(&"a".repeat(33)));
        assert!(is_valid_user_id("alice"));
        assert!(!is_valid_user_id(""));
        assert!(is_valid_user_id(&"é".repeat(64)));
        assert!(!is_valid_user_id(&"é".repeat(65)));
    }
}
