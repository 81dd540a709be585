//! Hash routes (SPEC §5–§7): the activation link and the push's `navigate` URL carry
//! everything in the fragment, so no code or id ever reaches a server log.

use assent_proto::ids;

/// One screen of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `#/`, `#/accounts`, or anything unknown: the list of accounts.
    Accounts,
    /// `#/activate`: paste or scan an activation code.
    ActivateEntry,
    /// `#/activate/<code>`: activation from the link.
    Activate(String),
    /// `#/requests/<device_id>/<request_id>`: one request, as its notification opens it.
    Request {
        /// The device the push was for.
        device_id: String,
        /// The request.
        request_id: String,
    },
    /// `#/inbox/<device_id>`: the secure-mode list of one account.
    Inbox(String),
}

impl Route {
    /// Reads a `location.hash` (with or without the leading `#`). Ids that cannot be ids
    /// lead home rather than to a request page that could only fail.
    pub fn parse(hash: &str) -> Self {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["activate"] => Route::ActivateEntry,
            ["activate", code] if is_code(code) => Route::Activate((*code).to_owned()),
            ["requests", device, request]
                if ids::is_valid_id(device) && ids::is_valid_id(request) =>
            {
                Route::Request {
                    device_id: (*device).to_owned(),
                    request_id: (*request).to_owned(),
                }
            }
            ["inbox", device] if ids::is_valid_id(device) => Route::Inbox((*device).to_owned()),
            _ => Route::Accounts,
        }
    }

    /// The fragment that leads to this route, `#/…`.
    pub fn href(&self) -> String {
        match self {
            Route::Accounts => "#/".to_owned(),
            Route::ActivateEntry => "#/activate".to_owned(),
            Route::Activate(code) => format!("#/activate/{code}"),
            Route::Request {
                device_id,
                request_id,
            } => format!("#/requests/{device_id}/{request_id}"),
            Route::Inbox(device_id) => format!("#/inbox/{device_id}"),
        }
    }
}

/// An activation code as the edge issues it: 1–64 base64url-alphabet characters.
pub fn is_code(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The activation code in what a user pasted or a QR code held: the code itself, or an
/// activation URL `…/#/activate/<code>` (any origin: the code is what matters, and the
/// activation still runs against this edge, which alone can redeem it).
pub fn code_from_input(input: &str) -> Option<String> {
    let text = input.trim();
    let candidate = match text.rfind("#/activate/") {
        Some(at) => text.get(at + "#/activate/".len()..)?.trim_end_matches('/'),
        None => text,
    };
    is_code(candidate).then(|| candidate.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID_A: &str = "AAAAAAAAAAAAAAAAAAAAAA";
    const ID_B: &str = "BBBBBBBBBBBBBBBBBBBBBA";

    #[test]
    fn parses_every_route_and_back() {
        let routes = [
            Route::Accounts,
            Route::ActivateEntry,
            Route::Activate("abc_DEF-123".into()),
            Route::Request {
                device_id: ID_A.into(),
                request_id: ID_B.into(),
            },
            Route::Inbox(ID_A.into()),
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
        }
    }

    #[test]
    fn unknown_or_malformed_hashes_lead_home() {
        for hash in [
            "",
            "#",
            "#/",
            "#/accounts",
            "#/nope",
            "#/requests/short/ids",
            "#/requests/AAAAAAAAAAAAAAAAAAAAAA",
            "#/inbox/not an id",
            "#/activate/has space",
            "#/activate/<script>",
        ] {
            assert_eq!(Route::parse(hash), Route::Accounts, "{hash}");
        }
    }

    #[test]
    fn codes_from_links_or_bare() {
        assert_eq!(code_from_input(" abc123 "), Some("abc123".into()));
        assert_eq!(
            code_from_input("http://localhost:8787/#/activate/Zx_9-a"),
            Some("Zx_9-a".into())
        );
        assert_eq!(code_from_input("https://x/#/activate/"), None);
        assert_eq!(code_from_input("not a code!"), None);
        assert_eq!(code_from_input(&"a".repeat(65)), None);
    }
}
