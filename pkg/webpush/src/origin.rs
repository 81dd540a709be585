//! Push endpoint URLs and their origin, the VAPID `aud` (RFC 8292 §2: "the origin of the push
//! resource URL").
//!
//! A small strict parser rather than a general URL library: a push endpoint is an absolute
//! `https` URL the browser serialised, so anything unusual (user info, whitespace, non-ASCII, an
//! empty port) is refused instead of being normalised.

use core::fmt;

/// Longest endpoint accepted. Real endpoints (FCM, Mozilla autopush, Apple, WNS) are a few
/// hundred bytes; the bound keeps a hostile device from storing megabytes in its subscription.
pub const MAX_ENDPOINT_LEN: usize = 4096;

/// Why an endpoint URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointError {
    /// Longer than [`MAX_ENDPOINT_LEN`] bytes.
    TooLong,
    /// Contains whitespace, a control character or a non-ASCII character.
    BadCharacter,
    /// No `scheme://` prefix, or a scheme other than `https` / `http`.
    UnsupportedScheme,
    /// `user:password@` before the host.
    UserInfo,
    /// Nothing between `://` and the path.
    MissingHost,
    /// The host has characters outside letters, digits, `-`, `.` (or a malformed `[IPv6]`).
    BadHost,
    /// The port is empty, not decimal, 0 or above 65535.
    BadPort,
    /// Plain `http` to a host other than `127.0.0.1` / `localhost`.
    NotHttps,
    /// Plain `http` to `127.0.0.1` / `localhost` while loopback endpoints are not allowed
    /// (SPEC §13 `ASSENT_ALLOW_LOOPBACK_PUSH`).
    LoopbackNotAllowed,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TooLong => "endpoint URL is too long",
            Self::BadCharacter => "endpoint URL has whitespace, control or non-ASCII characters",
            Self::UnsupportedScheme => "endpoint URL scheme is not https",
            Self::UserInfo => "endpoint URL carries user info",
            Self::MissingHost => "endpoint URL has no host",
            Self::BadHost => "endpoint URL host is malformed",
            Self::BadPort => "endpoint URL port is malformed",
            Self::NotHttps => "endpoint URL is not https",
            Self::LoopbackNotAllowed => "loopback http endpoints are not allowed here",
        })
    }
}

impl std::error::Error for EndpointError {}

/// The origin of a push endpoint: `scheme://host[:port]`, host in lower case, a non-default
/// port kept and the default one (443 for https, 80 for http) dropped, no path. This is the
/// exact string a VAPID JWT carries as `aud`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(String);

impl Origin {
    /// Parses an endpoint URL and returns its origin. `http` is accepted only for
    /// `127.0.0.1` and `localhost` (any port), and only when `allow_loopback` is true.
    pub fn of_endpoint(endpoint: &str, allow_loopback: bool) -> Result<Self, EndpointError> {
        if endpoint.len() > MAX_ENDPOINT_LEN {
            return Err(EndpointError::TooLong);
        }
        if !endpoint.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(EndpointError::BadCharacter);
        }
        let (scheme, rest) = endpoint
            .split_once("://")
            .ok_or(EndpointError::UnsupportedScheme)?;
        let https = if scheme.eq_ignore_ascii_case("https") {
            true
        } else if scheme.eq_ignore_ascii_case("http") {
            false
        } else {
            return Err(EndpointError::UnsupportedScheme);
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = rest.get(..authority_end).unwrap_or(rest);
        if authority.contains('@') {
            return Err(EndpointError::UserInfo);
        }
        if authority.is_empty() {
            return Err(EndpointError::MissingHost);
        }
        let (host, port) = split_host_port(authority)?;
        let host = host.to_ascii_lowercase();

        if !https {
            if host != "127.0.0.1" && host != "localhost" {
                return Err(EndpointError::NotHttps);
            }
            if !allow_loopback {
                return Err(EndpointError::LoopbackNotAllowed);
            }
        }
        let (scheme, default_port) = if https { ("https", 443) } else { ("http", 80) };
        Ok(Self(match port {
            Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
            _ => format!("{scheme}://{host}"),
        }))
    }

    /// The origin as `scheme://host[:port]`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits `host[:port]` / `[v6]:port`, checking the host's characters and the port's range.
fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), EndpointError> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inside, after) = v6.split_once(']').ok_or(EndpointError::BadHost)?;
        let ok = !inside.is_empty()
            && inside.contains(':')
            && inside
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ok {
            return Err(EndpointError::BadHost);
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or(EndpointError::BadHost)?),
        };
        // Keep the brackets: the origin of an IPv6 URL spells them.
        let host = authority
            .get(..inside.len() + 2)
            .ok_or(EndpointError::BadHost)?;
        (host, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() {
            return Err(EndpointError::MissingHost);
        }
        let ok = host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !ok || host.starts_with('.') || host.contains("..") {
            return Err(EndpointError::BadHost);
        }
        (host, port)
    };
    let port = match port {
        None => None,
        Some(digits) => Some(parse_port(digits)?),
    };
    Ok((host, port))
}

fn parse_port(digits: &str) -> Result<u16, EndpointError> {
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EndpointError::BadPort);
    }
    match digits.parse::<u16>() {
        Ok(0) | Err(_) => Err(EndpointError::BadPort),
        Ok(port) => Ok(port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(url: &str) -> Result<String, EndpointError> {
        Origin::of_endpoint(url, false).map(|o| o.as_str().to_owned())
    }

    #[test]
    fn origin_keeps_non_default_port_and_drops_default() {
        assert_eq!(
            origin("https://push.example.net:8443/x").unwrap(),
            "https://push.example.net:8443"
        );
        assert_eq!(
            origin("https://fcm.googleapis.com:443/fcm/send/abc").unwrap(),
            "https://fcm.googleapis.com"
        );
        assert_eq!(
            origin("HTTPS://Updates.Push.Services.Mozilla.COM/wpush/v2/gAAA?x#y").unwrap(),
            "https://updates.push.services.mozilla.com"
        );
        assert_eq!(
            origin("https://web.push.apple.com").unwrap(),
            "https://web.push.apple.com"
        );
        assert_eq!(
            origin("https://[::1]:8443/p").unwrap(),
            "https://[::1]:8443"
        );
        assert_eq!(origin("https://[::1]:443/p").unwrap(), "https://[::1]");
    }

    #[test]
    fn loopback_http_only_when_allowed() {
        for url in [
            "http://127.0.0.1:9000/push/1",
            "http://localhost:8787/p",
            "http://localhost/p",
        ] {
            assert_eq!(origin(url), Err(EndpointError::LoopbackNotAllowed), "{url}");
            assert!(Origin::of_endpoint(url, true).is_ok(), "{url}");
        }
        assert_eq!(
            Origin::of_endpoint("http://127.0.0.1:9000/push/1", true)
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            Origin::of_endpoint("http://localhost:80/p", true)
                .unwrap()
                .as_str(),
            "http://localhost"
        );
        for url in [
            "http://push.example.net/p",
            "http://127.0.0.2:80/",
            "http://[::1]:80/",
        ] {
            assert_eq!(
                Origin::of_endpoint(url, true),
                Err(EndpointError::NotHttps),
                "{url}"
            );
        }
    }

    #[test]
    fn malformed_endpoints_are_refused() {
        let cases: &[(&str, EndpointError)] = &[
            ("ftp://push.example.net/", EndpointError::UnsupportedScheme),
            ("push.example.net/abc", EndpointError::UnsupportedScheme),
            ("https://", EndpointError::MissingHost),
            ("https:///abc", EndpointError::MissingHost),
            ("https://:443/abc", EndpointError::MissingHost),
            ("https://user:pw@push.example.net/", EndpointError::UserInfo),
            ("https://push.example.net:/", EndpointError::BadPort),
            ("https://push.example.net:0/", EndpointError::BadPort),
            ("https://push.example.net:65536/", EndpointError::BadPort),
            ("https://push.example.net:+443/", EndpointError::BadPort),
            ("https://push.example.net:1:2/", EndpointError::BadPort),
            ("https://push_example.net/", EndpointError::BadHost),
            ("https://push..example.net/", EndpointError::BadHost),
            ("https://[zz]/", EndpointError::BadHost),
            ("https://[::1/", EndpointError::BadHost),
            ("https://push.example.net/a b", EndpointError::BadCharacter),
            (
                "https://push.example.net/\u{e9}",
                EndpointError::BadCharacter,
            ),
            ("https://push.example.net/\n", EndpointError::BadCharacter),
        ];
        for (url, want) in cases {
            assert_eq!(origin(url), Err(*want), "{url:?}");
        }
        let long = format!("https://push.example.net/{}", "a".repeat(MAX_ENDPOINT_LEN));
        assert_eq!(origin(&long), Err(EndpointError::TooLong));
    }
}
