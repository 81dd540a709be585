//! What the push service's answer means for the device (SPEC §6, RFC 8030 §5–§7).

/// The sender's next step after a push service answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushOutcome {
    /// 2xx (RFC 8030 §5: 201 Created, or 202 Accepted with receipts): the message is queued.
    Delivered,
    /// 404 or 410: the subscription has expired or was removed (RFC 8030 §7.3); the device
    /// becomes poll-only until it registers a new one.
    Gone,
    /// 429 or 5xx: try again later, within the message's lifetime, after `after_seconds` when
    /// the service said (`Retry-After`), otherwise after the caller's own backoff.
    Retry {
        /// `Retry-After` in seconds, when present and in delta-seconds form.
        after_seconds: Option<u64>,
    },
    /// Any other status (400 bad request, 401/403 VAPID refused, 413 payload too large, other
    /// 4xx, and unexpected 1xx/3xx): retrying the same request cannot help.
    Rejected {
        /// The HTTP status.
        status: u16,
    },
}

/// Classifies a push service's status code and its `Retry-After` header, if any.
pub fn classify_response(status: u16, retry_after: Option<&str>) -> PushOutcome {
    match status {
        200..=299 => PushOutcome::Delivered,
        404 | 410 => PushOutcome::Gone,
        429 | 500..=599 => PushOutcome::Retry {
            after_seconds: retry_after.and_then(parse_retry_after),
        },
        _ => PushOutcome::Rejected { status },
    }
}

/// Parses `Retry-After` in its delta-seconds form (RFC 9110 §10.2.3: `1*DIGIT`), the form push
/// services use. The HTTP-date form is deliberately not parsed (that would need the current
/// time and a date parser): it yields `None` and the caller falls back to its own backoff,
/// as it does for a value too large for `u64`.
pub fn parse_retry_after(value: &str) -> Option<u64> {
    let value = value.trim_matches([' ', '\t']);
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_delivered() {
        for status in [200, 201, 202, 204, 299] {
            assert_eq!(
                classify_response(status, None),
                PushOutcome::Delivered,
                "{status}"
            );
        }
    }

    #[test]
    fn not_found_and_gone_end_the_subscription() {
        assert_eq!(classify_response(404, None), PushOutcome::Gone);
        assert_eq!(classify_response(410, Some("30")), PushOutcome::Gone);
    }

    #[test]
    fn throttling_and_server_errors_are_retried() {
        assert_eq!(
            classify_response(429, Some("120")),
            PushOutcome::Retry {
                after_seconds: Some(120)
            }
        );
        for status in [500, 502, 503, 504, 599] {
            assert_eq!(
                classify_response(status, None),
                PushOutcome::Retry {
                    after_seconds: None
                },
                "{status}"
            );
        }
        assert_eq!(
            classify_response(503, Some(" 0 ")),
            PushOutcome::Retry {
                after_seconds: Some(0)
            }
        );
        assert_eq!(
            classify_response(503, Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            PushOutcome::Retry {
                after_seconds: None
            }
        );
    }

    #[test]
    fn client_errors_are_rejected() {
        for status in [400, 401, 403, 405, 408, 413, 418, 499] {
            assert_eq!(
                classify_response(status, Some("5")),
                PushOutcome::Rejected { status },
                "{status}"
            );
        }
        for status in [100, 301, 302, 600] {
            assert_eq!(
                classify_response(status, None),
                PushOutcome::Rejected { status },
                "{status}"
            );
        }
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(7));
        assert_eq!(parse_retry_after("\t86400 "), Some(86_400));
        assert_eq!(parse_retry_after(""), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("+1"), None);
        assert_eq!(parse_retry_after("1.5"), None);
        assert_eq!(parse_retry_after("99999999999999999999999"), None);
        assert_eq!(parse_retry_after("Fri, 31 Dec 1999 23:59:59 GMT"), None);
    }
}
