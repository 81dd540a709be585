//! The edge's origin (`EDGE`, SPEC §1) as the kit keeps it: the serialized origin
//! (RFC 6454 §6.2) — the exact string the edge puts in a receipt's `iss` and the browser in
//! `clientDataJSON.origin` — and its host, the WebAuthn RP ID.

/// Why an edge origin was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginError {
    /// Whitespace, a control character or a non-ASCII character (write an IDN in its
    /// `xn--` form).
    BadCharacter,
    /// No `scheme://`, or a scheme other than `https` (or `http` on loopback).
    UnsupportedScheme,
    /// `user:password@` before the host.
    UserInfo,
    /// Nothing between `://` and the end.
    MissingHost,
    /// The host has characters outside letters, digits, `-` and `.`, or an empty label.
    BadHost,
    /// The host is an IP address: WebAuthn refuses IP addresses as RP ID, so no edge can
    /// have one (use `localhost` locally).
    IpAddress,
    /// The port is empty, not decimal, 0 or above 65535.
    BadPort,
    /// A path, query or fragment follows the host: an origin has none.
    NotAnOrigin,
    /// Plain `http` to a host other than `localhost`: the API key would travel in clear.
    NotHttps,
}

impl core::fmt::Display for OriginError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::BadCharacter => {
                "edge origin has whitespace, control or non-ASCII characters (use the xn-- form)"
            }
            Self::UnsupportedScheme => "edge origin must start with https://",
            Self::UserInfo => "edge origin must not carry user info",
            Self::MissingHost => "edge origin has no host",
            Self::BadHost => "edge origin host is malformed",
            Self::IpAddress => "edge origin host is an IP address (WebAuthn needs a domain name)",
            Self::BadPort => "edge origin port is malformed",
            Self::NotAnOrigin => "edge origin must not have a path, query or fragment",
            Self::NotHttps => "edge origin must be https (http only for localhost)",
        })
    }
}

impl std::error::Error for OriginError {}

/// A serialized edge origin: `https://host[:port]` (or `http://localhost[:port]`), host in
/// lower case, the default port left out, no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EdgeOrigin {
    serialized: String,
    host: String,
}

impl EdgeOrigin {
    /// Parses `text` and serializes it. A trailing `/` is accepted (and dropped), so is an
    /// upper-case host or an explicit default port; a path, query or fragment is refused.
    pub fn parse(text: &str) -> Result<Self, OriginError> {
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(OriginError::BadCharacter);
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or(OriginError::UnsupportedScheme)?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(OriginError::UnsupportedScheme),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#']) {
            return Err(OriginError::NotAnOrigin);
        }
        if authority.contains('@') {
            return Err(OriginError::UserInfo);
        }
        if authority.is_empty() {
            return Err(OriginError::MissingHost);
        }
        if authority.starts_with('[') {
            return Err(OriginError::IpAddress);
        }
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(parse_port(port)?)),
            None => (authority, None),
        };
        let host = host.to_ascii_lowercase();
        check_host(&host)?;
        if !https && host != "localhost" {
            return Err(OriginError::NotHttps);
        }
        let default_port = if https { 443 } else { 80 };
        let scheme = if https { "https" } else { "http" };
        let serialized = match port {
            Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
            _ => format!("{scheme}://{host}"),
        };
        Ok(Self { serialized, host })
    }

    /// `scheme://host[:port]`: a receipt's `iss`, and the WebAuthn origin the PWA runs at.
    pub fn as_str(&self) -> &str {
        &self.serialized
    }

    /// The host without scheme or port: the WebAuthn RP ID of every device credential.
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl core::fmt::Display for EdgeOrigin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.serialized)
    }
}

fn parse_port(port: &str) -> Result<u16, OriginError> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OriginError::BadPort);
    }
    match port.parse::<u16>() {
        Ok(0) | Err(_) => Err(OriginError::BadPort),
        Ok(n) => Ok(n),
    }
}

/// Letters, digits, `-` in non-empty labels; a numeric last label is what the URL standard
/// reads as an IPv4 address.
fn check_host(host: &str) -> Result<(), OriginError> {
    let well_formed = host.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if !well_formed {
        return Err(OriginError::BadHost);
    }
    let last = host.rsplit('.').next().unwrap_or(host);
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OriginError::IpAddress);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_like_a_browser() {
        for (given, serialized, host) in [
            (
                "https://assent.example.com",
                "https://assent.example.com",
                "assent.example.com",
            ),
            (
                "https://Assent.Example.COM/",
                "https://assent.example.com",
                "assent.example.com",
            ),
            (
                "HTTPS://assent.example.com:443",
                "https://assent.example.com",
                "assent.example.com",
            ),
            (
                "https://assent.example.com:8443",
                "https://assent.example.com:8443",
                "assent.example.com",
            ),
            (
                "http://localhost:8787",
                "http://localhost:8787",
                "localhost",
            ),
            ("http://localhost:80/", "http://localhost", "localhost"),
        ] {
            let origin = EdgeOrigin::parse(given).unwrap();
            assert_eq!(origin.as_str(), serialized, "{given}");
            assert_eq!(origin.host(), host, "{given}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_edge_origin() {
        for (given, why) in [
            ("assent.example.com", OriginError::UnsupportedScheme),
            ("ftp://assent.example.com", OriginError::UnsupportedScheme),
            ("https://assent.example.com/v1", OriginError::NotAnOrigin),
            ("https://assent.example.com?x", OriginError::NotAnOrigin),
            ("https://assent.example.com#x", OriginError::NotAnOrigin),
            ("https://a@assent.example.com", OriginError::UserInfo),
            ("https://", OriginError::MissingHost),
            ("https://assent..example.com", OriginError::BadHost),
            ("https://assent_example.com", OriginError::BadHost),
            ("https://127.0.0.1", OriginError::IpAddress),
            ("https://[::1]:8443", OriginError::IpAddress),
            ("https://assent.example.com:", OriginError::BadPort),
            ("https://assent.example.com:0", OriginError::BadPort),
            ("https://assent.example.com:65536", OriginError::BadPort),
            ("https://assent.example.com:+1", OriginError::BadPort),
            ("http://assent.example.com", OriginError::NotHttps),
            ("http://127.0.0.1:8787", OriginError::IpAddress),
            ("https://assent.example.com ", OriginError::BadCharacter),
            ("https://assént.example.com", OriginError::BadCharacter),
        ] {
            assert_eq!(EdgeOrigin::parse(given), Err(why), "{given}");
        }
    }
}
