//! Serialized origins (RFC 6454 §6.2): the edge's own (`EDGE`) and the RPs' `origins`.
//!
//! Browsers put exactly this form in the `Origin` header and in `clientDataJSON.origin`, and
//! both are compared as strings, so the configuration must use it too: a trailing slash or an
//! explicit `:443` would make every comparison fail at run time instead of at start-up.

use assent_webpush::Origin;

use crate::error::OriginProblem;

/// Checks that `value` is a serialized `https` origin (or, when `allow_loopback`, an `http`
/// origin on `localhost` / `127.0.0.1`) and returns it.
pub(crate) fn parse_serialized(value: &str, allow_loopback: bool) -> Result<String, OriginProblem> {
    let origin = Origin::of_endpoint(value, allow_loopback).map_err(OriginProblem::Url)?;
    if origin.as_str() != value {
        return Err(OriginProblem::NotSerialized {
            serialized: origin.as_str().to_owned(),
        });
    }
    Ok(origin.as_str().to_owned())
}

/// The host of a serialized origin, without scheme or port: the WebAuthn RP ID when the
/// origin is the edge's.
pub(crate) fn host(origin: &str) -> &str {
    let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    if authority.starts_with('[') {
        // An IPv6 literal keeps its brackets; its port follows "]:".
        return authority
            .find(']')
            .and_then(|end| authority.get(..=end))
            .unwrap_or(authority);
    }
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _port)| host)
}

/// The edge's origin: a serialized origin whose host is a domain name, because WebAuthn
/// (the RP ID is this host) refuses IP addresses.
pub(crate) fn parse_edge(value: &str, allow_loopback: bool) -> Result<String, OriginProblem> {
    let origin = parse_serialized(value, allow_loopback)?;
    if is_ip_address(host(&origin)) {
        return Err(OriginProblem::IpAddress);
    }
    Ok(origin)
}

/// An IPv6 literal, or a host whose last label is numeric — which the URL standard's host
/// parser reads as IPv4 (so `10.1` is an address, not a name).
fn is_ip_address(host: &str) -> bool {
    if host.starts_with('[') {
        return true;
    }
    let last = host.rsplit('.').next().unwrap_or(host);
    !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host("https://assent.example.com"), "assent.example.com");
        assert_eq!(host("http://localhost:8787"), "localhost");
        assert_eq!(host("https://[::1]:8443"), "[::1]");
        assert_eq!(host("https://[::1]"), "[::1]");
    }

    #[test]
    fn ip_addresses() {
        for ip in ["127.0.0.1", "10.1", "[::1]", "8"] {
            assert!(is_ip_address(ip), "{ip}");
        }
        for name in ["localhost", "assent.example.com", "1.example", "a1"] {
            assert!(!is_ip_address(name), "{name}");
        }
    }
}
