//! Dynamic path segments: ids as they are, user ids percent-encoded.
//!
//! The edge splits the raw (still encoded) path on `/`, then percent-decodes the `user_id`
//! segment byte by byte (`%XX`, either case) and requires UTF-8 (edge/src/routes_devices.rs).
//! So every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`) is encoded here —
//! `/`, `%`, `?`, `#`, space, `+` and every non-ASCII byte included — and the edge reads back
//! exactly the bytes the RP passed.

use assent_proto::api::{FieldError, USER_ID_MAX_BYTES};
use assent_proto::ids;

/// `user_id` as one path segment: every byte but the unreserved ones as `%XX` (upper-case
/// hex, RFC 3986 §2.1).
pub fn encode_segment(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0x0f] {
                if let Some(&h) = HEX.get(usize::from(nibble)) {
                    out.push(char::from(h));
                }
            }
        }
    }
    out
}

/// A `user_id` for a path: 1–128 bytes of UTF-8 (the same rule and message as in a body),
/// and not `.` or `..`. URL parsers (WHATWG, RFC 3986 §5.2.4) remove those two segments —
/// also when written `%2E` — before the edge ever sees the path, so no HTTP client can
/// address such an account's devices; the call fails here instead of reaching another
/// endpoint.
pub fn check_user_id(user_id: &str) -> Result<(), FieldError> {
    if !ids::is_valid_user_id(user_id) {
        return Err(FieldError::new(
            "user_id",
            format!(
                "must be 1 to {USER_ID_MAX_BYTES} bytes of UTF-8 (got {})",
                user_id.len()
            ),
        ));
    }
    if user_id == "." || user_id == ".." {
        return Err(FieldError::new(
            "user_id",
            "\".\" and \"..\" cannot be sent as a URL path segment (URL parsers remove dot segments)",
        ));
    }
    Ok(())
}

/// An id path parameter (`activation_id`, `request_id`, `device_id`): 22 base64url
/// characters (SPEC §1). Checked locally so that nothing else can reach the path; the edge
/// answers `404 not_found` for a malformed id, as for an unknown one.
pub fn check_id(field: &str, value: &str) -> Result<(), FieldError> {
    if ids::is_valid_id(value) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!("must be an id: {} base64url characters", ids::ID_LEN),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The edge's decoder (edge/src/routes_devices.rs `user_id`), restated: `%XX` to a byte,
    /// everything else as is, then UTF-8.
    fn edge_decode(segment: &str) -> Option<String> {
        let mut bytes = Vec::new();
        let mut rest = segment.as_bytes();
        while let Some((&b, tail)) = rest.split_first() {
            if b == b'%' {
                let hex = core::str::from_utf8(tail.get(..2)?).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = tail.get(2..)?;
            } else {
                bytes.push(b);
                rest = tail;
            }
        }
        String::from_utf8(bytes).ok()
    }

    #[test]
    fn encodes_every_reserved_and_non_ascii_byte() {
        assert_eq!(encode_segment("alice"), "alice");
        assert_eq!(encode_segment("a.b-c_d~e"), "a.b-c_d~e");
        assert_eq!(encode_segment("a/b"), "a%2Fb");
        assert_eq!(encode_segment("100%"), "100%25");
        assert_eq!(encode_segment("a b+c"), "a%20b%2Bc");
        assert_eq!(encode_segment("?#&=;:@"), "%3F%23%26%3D%3B%3A%40");
        assert_eq!(encode_segment("é"), "%C3%A9");
        assert_eq!(encode_segment("👍"), "%F0%9F%91%8D");
        assert_eq!(encode_segment("\u{0}\n"), "%00%0A");
    }

    #[test]
    fn the_edge_decodes_what_is_encoded() {
        let every_byte_value: String = (1u32..0x80).filter_map(char::from_u32).collect();
        for id in [
            "alice",
            "alice@example.com",
            "a/b/../c",
            "%41",
            "%",
            "Zoë + Zoé",
            "用户/42",
            every_byte_value.as_str(),
        ] {
            let encoded = encode_segment(id);
            assert!(!encoded.contains('/'), "{encoded}: one segment");
            assert_eq!(edge_decode(&encoded).as_deref(), Some(id), "{id:?}");
        }
    }

    #[test]
    fn user_ids_and_ids_are_checked() {
        assert!(check_user_id("alice").is_ok());
        assert!(check_user_id(&"é".repeat(64)).is_ok());
        let long = check_user_id(&"é".repeat(65)).unwrap_err();
        assert_eq!(
            long.to_string(),
            "`user_id`: must be 1 to 128 bytes of UTF-8 (got 130)"
        );
        assert!(check_user_id("").is_err());
        assert!(check_user_id(".").is_err());
        assert!(check_user_id("..").is_err());
        assert!(check_user_id("...").is_ok());
        assert!(check_id("request_id", "AAAAAAAAAAAAAAAAAAAAAA").is_ok());
        let bad = check_id("request_id", "../../healthz").unwrap_err();
        assert_eq!(bad.field, "request_id");
        assert!(check_id("request_id", "AAAAAAAAAAAAAAAAAAAAA/").is_err());
    }
}
