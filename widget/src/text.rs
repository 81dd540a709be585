//! What the widget knows and says, without the browser: the status object of SPEC §9, the
//! sentences shown and announced, the countdown and the reconnection backoff. Pure, so it is
//! tested natively.

pub use assent_proto::api::{Reason, Status};

/// One status object (`GET /v1/status/{id}` or a `/live` message, SPEC §9).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The request's status.
    pub status: Status,
    /// For `denied` and `cancelled`; an unknown reason word is dropped, not fatal.
    pub reason: Option<Reason>,
    /// Unix seconds.
    pub expires_at: f64,
    /// The code the website shows; `None` without number matching.
    pub code: Option<String>,
}

impl Snapshot {
    /// The snapshot of an object's members, or `None` when `status` or `expires_at` is
    /// missing or not what SPEC §9 says (the answer is then ignored, never half-shown).
    pub fn from_members(
        status: Option<&str>,
        reason: Option<&str>,
        expires_at: Option<f64>,
        code: Option<String>,
    ) -> Option<Self> {
        let expires_at = expires_at.filter(|t| t.is_finite() && *t >= 0.0)?;
        Some(Self {
            status: Status::from_name(status?)?,
            reason: reason.and_then(Reason::from_name),
            expires_at,
            code: code.filter(|c| !c.is_empty()),
        })
    }

    /// True when `other` says something the user should hear about: a new status or reason.
    pub fn is_news_after(&self, other: Option<&Self>) -> bool {
        other.is_none_or(|o| o.status != self.status || o.reason != self.reason)
    }
}

/// Why the status cannot be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// `401`: the edge refused the status token.
    Unauthorized,
    /// `404`: no such request.
    NotFound,
    /// The edge answered but the browser withheld the answer (CORS): this page's origin is
    /// not one of the RP's, or the edge refused the request or token without CORS headers.
    Refused,
    /// Nothing answered (offline, edge down, blocked): retried.
    Unreachable,
    /// Another status (`429`, `5xx`) or a body that is not a status object: retried.
    Unexpected,
    /// The `edge` attribute is not an `http:` or `https:` origin.
    BadEdge,
}

impl Problem {
    /// A final problem stops the widget; the others are retried with backoff. Only decided
    /// before the first status was read: afterwards the origin and token are known good, so
    /// every failure is a passing one (an edge restarting, a network change).
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Unreachable | Self::Unexpected)
    }

    /// The `assent-error` event's `detail.error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::Refused => "refused",
            Self::Unreachable => "network",
            Self::Unexpected => "unexpected",
            Self::BadEdge => "bad_edge",
        }
    }

    /// The sentence shown (and announced) for this problem.
    pub fn message(self) -> &'static str {
        match self {
            Self::Unauthorized => "This status link is not valid: Assent refused its token.",
            Self::NotFound => "Assent does not know this request.",
            Self::Refused => {
                "Assent refused to tell this page the status: the page's address is not allowed for this site, or the request or token is wrong."
            }
            Self::Unreachable => "Cannot reach Assent. Trying again…",
            Self::Unexpected => "Assent did not answer as expected. Trying again…",
            Self::BadEdge => "The Assent address given to this page is not a web address.",
        }
    }
}

impl core::fmt::Display for Problem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Problem {}

/// The short title of a status (`part="status"`).
pub fn headline(status: Status) -> &'static str {
    match status {
        Status::Pending => "Waiting for approval",
        Status::Approved => "Approved",
        Status::Denied => "Denied",
        Status::Expired => "Expired",
        Status::Cancelled => "Cancelled",
    }
}

/// The title shown while there is no status to show.
pub const PROBLEM_HEADLINE: &str = "Status unavailable";
/// The title shown during the first read.
pub const LOADING_HEADLINE: &str = "Checking the status…";

/// The sentence under the title (`part="message"`).
pub fn message(status: Status, reason: Option<Reason>) -> &'static str {
    match (status, reason) {
        (Status::Pending, _) => "Open Assent on your phone",
        (Status::Approved, _) => "Approved on your phone.",
        (Status::Denied, Some(Reason::Rejected)) => "Denied on the phone",
        (Status::Denied, Some(Reason::Fraud)) => "Reported as not you",
        (Status::Denied, Some(Reason::BindingMismatch)) => "The code did not match",
        (Status::Denied, _) => "Denied on the phone",
        (Status::Expired, _) => "The request expired before it was answered.",
        (Status::Cancelled, Some(Reason::Superseded)) => "Replaced by a newer request.",
        (Status::Cancelled, _) => "Cancelled by the website.",
    }
}

/// The one sentence a screen reader hears when the status becomes `snapshot`'s.
pub fn announcement(snapshot: &Snapshot) -> String {
    let fixed = match (snapshot.status, snapshot.reason) {
        (Status::Pending, _) => {
            return match &snapshot.code {
                Some(code) => {
                    ["Open Assent on your phone and choose the code ", code, "."].concat()
                }
                None => "Open Assent on your phone to answer.".to_owned(),
            };
        }
        (Status::Approved, _) => "Approved on your phone.",
        (Status::Denied, Some(Reason::Fraud)) => "Denied: reported as not you.",
        (Status::Denied, Some(Reason::BindingMismatch)) => "Denied: the code did not match.",
        (Status::Denied, _) => "Denied on the phone.",
        (Status::Expired, _) => "The request expired.",
        (Status::Cancelled, Some(Reason::Superseded)) => "Cancelled: replaced by a newer request.",
        (Status::Cancelled, _) => "Cancelled by the website.",
    };
    fixed.to_owned()
}

/// `"Expires in m:ss"` for `remaining_ms` milliseconds (rounded up, never below 0:00).
pub fn countdown(remaining_ms: f64) -> String {
    let seconds = whole_seconds_up(remaining_ms);
    let mut s = String::from("Expires in ");
    push_number(&mut s, seconds / 60);
    s.push(':');
    let rest = seconds % 60;
    if rest < 10 {
        s.push('0');
    }
    push_number(&mut s, rest);
    s
}

/// The whole seconds left, rounded up so that "0:00" means expired; an absurd value (NaN,
/// negative, beyond a day) is clamped.
// Clamped to [0, 86 400] and integral: the cast is exact.
#[allow(clippy::cast_possible_truncation)]
fn whole_seconds_up(remaining_ms: f64) -> u32 {
    const DAY: f64 = 86_400.0;
    if remaining_ms.is_nan() {
        return 0;
    }
    let seconds = (remaining_ms / 1000.0).ceil().clamp(0.0, DAY);
    seconds as u32
}

/// Appends `n` in decimal (no `format!`: the formatting machinery would double the wasm).
fn push_number(s: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut rest = n;
    loop {
        if let Some(slot) = digits.get_mut(len) {
            *slot = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        }
        len += 1;
        rest /= 10;
        if rest == 0 || len == digits.len() {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        s.push(char::from(*d));
    }
}

/// Milliseconds until the next reconnection attempt number `attempt` (0-based): 0.5 s
/// doubling to 10 s, with "equal jitter" (half fixed, half random from `jitter` ∈ [0, 1)) so
/// that pages reconnecting after an edge restart spread out instead of arriving together.
pub fn backoff_ms(attempt: u32, jitter: f64) -> f64 {
    const FIRST_MS: f64 = 500.0;
    const MAX_MS: f64 = 10_000.0;
    let mut delay = FIRST_MS;
    for _ in 0..attempt.min(16) {
        delay = (delay * 2.0).min(MAX_MS);
    }
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    delay / 2.0 + delay / 2.0 * jitter
}

/// The WebSocket origin (`ws:`/`wss:`) of an `http:`/`https:` edge origin, which is returned
/// without trailing slashes; `None` for any other scheme.
pub fn edge_origins(edge: &str) -> Option<(String, String)> {
    let edge = edge.trim().trim_end_matches('/');
    let ws = if let Some(rest) = edge.strip_prefix("https://") {
        ["wss://", rest]
    } else if let Some(rest) = edge.strip_prefix("http://") {
        ["ws://", rest]
    } else {
        return None;
    };
    if ws[1].is_empty() {
        return None;
    }
    Some((edge.to_owned(), ws.concat()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUSES: [&str; 5] = ["pending", "approved", "denied", "expired", "cancelled"];
    const REASONS: [&str; 5] = ["rejected", "fraud", "binding_mismatch", "rp", "superseded"];

    #[test]
    fn every_spec_word_round_trips() {
        for word in STATUSES {
            assert_eq!(Status::from_name(word).map(Status::as_str), Some(word));
        }
        for word in REASONS {
            assert_eq!(Reason::from_name(word).map(Reason::as_str), Some(word));
        }
        for word in ["", "Pending", "approve", "deny", "cancel"] {
            assert_eq!(Status::from_name(word), None, "{word}");
            assert_eq!(Reason::from_name(word), None, "{word}");
        }
        assert!(!Status::Pending.is_final());
        for word in &STATUSES[1..] {
            assert!(
                Status::from_name(word).is_some_and(Status::is_final),
                "{word}"
            );
        }
    }

    #[test]
    fn a_status_object_needs_status_and_expiry() {
        let ok = Snapshot::from_members(Some("pending"), None, Some(1.0e9), Some("42".into()));
        assert_eq!(
            ok,
            Some(Snapshot {
                status: Status::Pending,
                reason: None,
                expires_at: 1.0e9,
                code: Some("42".into())
            })
        );
        assert_eq!(Snapshot::from_members(None, None, Some(1.0), None), None);
        assert_eq!(
            Snapshot::from_members(Some("pending"), None, None, None),
            None
        );
        assert_eq!(
            Snapshot::from_members(Some("nope"), None, Some(1.0), None),
            None
        );
        assert_eq!(
            Snapshot::from_members(Some("pending"), None, Some(f64::NAN), None),
            None
        );
        assert_eq!(
            Snapshot::from_members(Some("pending"), None, Some(-1.0), None),
            None
        );
        let denied = Snapshot::from_members(
            Some("denied"),
            Some("fraud"),
            Some(5.0),
            Some(String::new()),
        );
        assert_eq!(denied.as_ref().and_then(|s| s.reason), Some(Reason::Fraud));
        assert_eq!(
            denied.and_then(|s| s.code),
            None,
            "an empty code is no code"
        );
    }

    #[test]
    fn news_is_a_new_status_or_reason_only() {
        let pending =
            Snapshot::from_members(Some("pending"), None, Some(10.0), Some("07".into())).unwrap();
        let mut later = pending.clone();
        later.expires_at = 11.0;
        assert!(pending.is_news_after(None));
        assert!(!later.is_news_after(Some(&pending)));
        let denied =
            Snapshot::from_members(Some("denied"), Some("rejected"), Some(10.0), None).unwrap();
        let fraud =
            Snapshot::from_members(Some("denied"), Some("fraud"), Some(10.0), None).unwrap();
        assert!(denied.is_news_after(Some(&pending)));
        assert!(fraud.is_news_after(Some(&denied)));
    }

    #[test]
    fn the_sentences_the_issue_asks_for() {
        assert_eq!(message(Status::Pending, None), "Open Assent on your phone");
        assert_eq!(
            message(Status::Denied, Some(Reason::Rejected)),
            "Denied on the phone"
        );
        assert_eq!(
            message(Status::Denied, Some(Reason::Fraud)),
            "Reported as not you"
        );
        assert_eq!(
            message(Status::Denied, Some(Reason::BindingMismatch)),
            "The code did not match"
        );
        assert_ne!(
            message(Status::Cancelled, Some(Reason::Rp)),
            message(Status::Cancelled, Some(Reason::Superseded))
        );
    }

    #[test]
    fn one_announcement_per_state_that_names_the_code() {
        let snap = |status, reason: Option<&str>, code: Option<&str>| {
            Snapshot::from_members(Some(status), reason, Some(1.0), code.map(str::to_owned))
                .unwrap()
        };
        assert_eq!(
            announcement(&snap("pending", None, Some("42"))),
            "Open Assent on your phone and choose the code 42."
        );
        assert_eq!(
            announcement(&snap("pending", None, None)),
            "Open Assent on your phone to answer."
        );
        let cases = [
            ("approved", None, "Approved on your phone."),
            ("denied", Some("rejected"), "Denied on the phone."),
            ("denied", Some("fraud"), "Denied: reported as not you."),
            (
                "denied",
                Some("binding_mismatch"),
                "Denied: the code did not match.",
            ),
            ("expired", None, "The request expired."),
            ("cancelled", Some("rp"), "Cancelled by the website."),
            (
                "cancelled",
                Some("superseded"),
                "Cancelled: replaced by a newer request.",
            ),
        ];
        for (status, reason, sentence) in cases {
            assert_eq!(announcement(&snap(status, reason, Some("42"))), sentence);
        }
        // Every state says something different.
        let mut all: Vec<String> = STATUSES
            .iter()
            .map(|s| announcement(&snap(s, None, Some("1"))))
            .collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), STATUSES.len());
    }

    #[test]
    fn countdown_rounds_up_and_pads() {
        let cases = [
            (120_000.0, "Expires in 2:00"),
            (119_001.0, "Expires in 2:00"),
            (119_000.0, "Expires in 1:59"),
            (65_000.0, "Expires in 1:05"),
            (9_000.0, "Expires in 0:09"),
            (1.0, "Expires in 0:01"),
            (0.0, "Expires in 0:00"),
            (-5_000.0, "Expires in 0:00"),
            (f64::NAN, "Expires in 0:00"),
            (600_000.0, "Expires in 10:00"),
            (6_000_000.0, "Expires in 100:00"),
            (f64::INFINITY, "Expires in 1440:00"),
        ];
        for (ms, text) in cases {
            assert_eq!(countdown(ms), text, "{ms}");
        }
    }

    #[test]
    fn numbers_in_decimal() {
        for n in [0, 7, 10, 99, 100, 4_294_967_295] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_ten_with_jitter() {
        let max: Vec<f64> = (0..8).map(|a| backoff_ms(a, 1.0)).collect();
        assert_eq!(
            max,
            [
                500.0, 1000.0, 2000.0, 4000.0, 8000.0, 10_000.0, 10_000.0, 10_000.0
            ]
        );
        assert_eq!(backoff_ms(0, 0.0), 250.0);
        assert_eq!(backoff_ms(40, 0.0), 5000.0);
        assert_eq!(backoff_ms(u32::MAX, 1.0), 10_000.0);
        assert_eq!(backoff_ms(1, f64::NAN), 750.0);
        assert_eq!(backoff_ms(1, 7.0), 1000.0);
    }

    #[test]
    fn edge_origins_map_to_websocket_origins() {
        assert_eq!(
            edge_origins("https://assent.example.com/"),
            Some((
                "https://assent.example.com".into(),
                "wss://assent.example.com".into()
            ))
        );
        assert_eq!(
            edge_origins("http://localhost:8787"),
            Some(("http://localhost:8787".into(), "ws://localhost:8787".into()))
        );
        for bad in [
            "",
            "ftp://x",
            "javascript:alert(1)",
            "https://",
            "localhost:8787",
        ] {
            assert_eq!(edge_origins(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_passing_problems_are_retried() {
        for p in [Problem::Unreachable, Problem::Unexpected] {
            assert!(!p.is_final());
        }
        for p in [
            Problem::Unauthorized,
            Problem::NotFound,
            Problem::Refused,
            Problem::BadEdge,
        ] {
            assert!(p.is_final());
            assert!(p.message().ends_with('.'));
        }
    }
}
