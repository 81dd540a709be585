//! The HTTP messages the kit builds and reads. Plain data: whichever HTTP client the backend
//! uses turns an [`HttpRequest`] into a call and the answer into an [`HttpResponse`].

/// The methods the RP API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method's name as it goes on the request line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

impl core::fmt::Display for Method {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One call to the edge, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL: the edge origin, then the path with every dynamic segment
    /// percent-encoded.
    pub url: String,
    /// Header names and values, in order. Always `Accept: application/json`; `Authorization:
    /// Bearer <API key>` on RP API calls; `Content-Type: application/json` with a body.
    pub headers: Vec<(String, String)>,
    /// The JSON body, when the call has one.
    pub body: Option<Vec<u8>>,
}

impl HttpRequest {
    /// The value of header `name` (ASCII case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The URL's path (and query), without the origin.
    pub fn path(&self) -> &str {
        // `scheme://host[:port]` then the path: skip past "://" and up to the next '/'.
        let after_scheme = self.url.find("://").map_or(0, |i| i + 3);
        self.url
            .get(after_scheme..)
            .and_then(|rest| rest.find('/').map(|i| i + after_scheme))
            .and_then(|start| self.url.get(start..))
            .unwrap_or("/")
    }
}

/// The edge's answer, as the backend's HTTP client received it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values (names in any case).
    pub headers: Vec<(String, String)>,
    /// The raw body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The value of header `name` (ASCII case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// `Retry-After` in seconds, when present as delay-seconds (the edge sends it with
    /// `429 rate_limited` and `429 account_frozen`, SPEC §10). An HTTP-date is not used by
    /// the edge and reads as `None`.
    pub fn retry_after(&self) -> Option<u64> {
        let value = self.header("Retry-After")?.trim();
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        value.parse().ok()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_case_insensitive_and_retry_after_is_seconds_only() {
        let mut r = HttpResponse {
            status: 429,
            headers: vec![("retry-after".into(), "1200".into())],
            body: Vec::new(),
        };
        assert_eq!(r.header("Retry-After"), Some("1200"));
        assert_eq!(r.retry_after(), Some(1200));
        r.headers = vec![("Retry-After".into(), "Wed, 21 Oct 2015 07:28:00 GMT".into())];
        assert_eq!(r.retry_after(), None);
        r.headers = vec![("Retry-After".into(), "-5".into())];
        assert_eq!(r.retry_after(), None);
        r.headers.clear();
        assert_eq!(r.retry_after(), None);
    }

    #[test]
    fn path_is_what_follows_the_origin() {
        let req = HttpRequest {
            method: Method::Get,
            url: "https://assent.example.com:8443/v1/requests/abc".into(),
            headers: Vec::new(),
            body: None,
        };
        assert_eq!(req.path(), "/v1/requests/abc");
        assert_eq!(Method::Delete.to_string(), "DELETE");
    }
}
