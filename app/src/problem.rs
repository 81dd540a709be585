//! What went wrong, in words a user can act on. Every error the edge can answer (SPEC §11)
//! and every way the browser can fail a step maps to one message here.

/// A failed step of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The edge could not be reached.
    Offline,
    /// The edge answered with an error (SPEC §11 `code`, and its message).
    Edge {
        /// HTTP status.
        status: u16,
        /// SPEC §11 code, e.g. `expired`.
        code: String,
        /// The edge's message.
        message: String,
    },
    /// The user cancelled the passkey prompt, or it timed out.
    PasskeyCancelled,
    /// The browser refused the passkey step for another reason (named).
    Passkey(String),
    /// This browser lacks something the app needs (named).
    Unsupported(String),
    /// The request the edge sent does not hash to what the edge says: the app refuses to
    /// let the user sign it.
    Tampered,
    /// The user's input needs fixing: the sentence says how.
    Input(String),
    /// Anything else, described.
    Other(String),
}

impl Problem {
    /// The sentence shown in the page's alert.
    pub fn message(&self) -> String {
        match self {
            Problem::Offline => {
                "You are offline. Connect to the internet and try again.".to_owned()
            }
            Problem::Edge { code, message, .. } => match code.as_str() {
                "expired" => "This request has expired.".to_owned(),
                "already_decided" if message.contains("cancelled") => cancelled(),
                "already_decided" => "This request was already decided.".to_owned(),
                // Not a SPEC code: the app's own word for a request it found cancelled.
                "cancelled" => cancelled(),
                "not_found" => {
                    "This request or account is no longer known. It may have been removed or have expired long ago.".to_owned()
                }
                "forbidden" if message.contains("locked") => locked(),
                "forbidden" => format!("Not allowed: {message}"),
                "rate_limited" => "Too many attempts. Wait a little and try again.".to_owned(),
                "account_frozen" => {
                    "This account is frozen for a while after a fraud report.".to_owned()
                }
                "invalid_assertion" if message.contains("locked") => locked(),
                "invalid_assertion" => {
                    format!("The passkey check failed ({message}). Try again.")
                }
                "invalid_attestation" => {
                    format!("The passkey could not be registered ({message}).")
                }
                "unauthorized" => "The activation code is not valid or was already used.".to_owned(),
                _ => format!("Something went wrong ({code}): {message}"),
            },
            Problem::PasskeyCancelled => {
                "The passkey step was cancelled or timed out. Nothing was sent.".to_owned()
            }
            Problem::Passkey(what) => format!("Your passkey could not be used: {what}"),
            Problem::Unsupported(what) => format!("This browser cannot run Assent: {what}"),
            Problem::Tampered => {
                "This request does not match its own fingerprint, so it cannot be signed. Deny it or contact the website.".to_owned()
            }
            Problem::Input(how) => how.clone(),
            Problem::Other(what) => format!("Something went wrong: {what}"),
        }
    }

    /// The same answer worded for an activation code, whose `not_found` and `expired` are
    /// about the code, not a request.
    #[must_use]
    pub fn for_activation(self) -> Problem {
        match &self {
            Problem::Edge { code, message, .. } if code == "not_found" => {
                Problem::Input(if message.contains("already used") {
                    "This activation code was already used. If this device is not the one that used it, ask the website for a new code.".to_owned()
                } else {
                    "This activation code is not known. Check it, or ask the website for a new one."
                        .to_owned()
                })
            }
            Problem::Edge { code, .. } if code == "expired" => Problem::Input(
                "This activation code has expired. Ask the website for a new one.".to_owned(),
            ),
            _ => self,
        }
    }

    /// True when the request can no longer be decided, whatever the user does.
    pub fn is_final(&self) -> bool {
        matches!(self, Problem::Edge { code, .. } if code == "expired" || code == "already_decided" || code == "cancelled" || code == "not_found")
            || self.is_locked()
    }

    /// True when the device is locked (SPEC §10) and only the website can unlock it.
    pub fn is_locked(&self) -> bool {
        matches!(self, Problem::Edge { message, .. } if message.contains("locked"))
    }

    /// The SPEC §11 code, when the edge answered one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Problem::Edge { code, .. } => Some(code),
            _ => None,
        }
    }
}

fn cancelled() -> String {
    "The website withdrew this request, or replaced it with a newer one. Nothing to do here."
        .to_owned()
}

fn locked() -> String {
    "This device is locked after too many failed attempts. Ask the website to remove it, then activate again.".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(code: &str, message: &str) -> Problem {
        Problem::Edge {
            status: 400,
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn the_messages_the_tests_and_users_rely_on() {
        assert_eq!(edge("expired", "x").message(), "This request has expired.");
        assert_eq!(
            edge("already_decided", "x").message(),
            "This request was already decided."
        );
        assert!(
            edge("forbidden", "device is locked")
                .message()
                .starts_with("This device is locked")
        );
        assert!(Problem::Offline.message().starts_with("You are offline"));
        assert!(
            edge("already_decided", "the request is already cancelled")
                .message()
                .starts_with("The website withdrew this request")
        );
        assert_eq!(edge("cancelled", "").message(), cancelled());
    }

    #[test]
    fn activation_codes_are_named_as_codes() {
        let used = edge(
            "not_found",
            "this activation code was already used; ask for a new one",
        );
        assert!(used.for_activation().message().contains("already used"));
        let unknown = edge("not_found", "unknown activation code");
        assert!(unknown.for_activation().message().contains("not known"));
        let expired = edge("expired", "this activation code has expired");
        assert!(
            expired
                .for_activation()
                .message()
                .contains("activation code has expired")
        );
        assert_eq!(
            edge("invalid_attestation", "x").for_activation(),
            edge("invalid_attestation", "x")
        );
    }

    #[test]
    fn finality() {
        assert!(edge("expired", "").is_final());
        assert!(edge("already_decided", "").is_final());
        assert!(edge("cancelled", "").is_final());
        assert!(edge("forbidden", "device locked").is_final());
        assert!(!edge("invalid_assertion", "bad signature").is_final());
        assert!(!Problem::Offline.is_final());
        assert!(!Problem::PasskeyCancelled.is_final());
    }

    #[test]
    fn every_spec_code_has_a_sentence_naming_no_internal_detail() {
        for code in [
            "invalid_json",
            "invalid_request",
            "unauthorized",
            "forbidden",
            "not_found",
            "method_not_allowed",
            "already_decided",
            "expired",
            "payload_too_large",
            "unsupported_media_type",
            "no_devices",
            "invalid_attestation",
            "invalid_assertion",
            "rate_limited",
            "account_frozen",
            "internal",
        ] {
            let text = edge(code, "detail").message();
            assert!(
                text.len() > 10 && text.ends_with(['.', ')', 'l']),
                "{code}: {text}"
            );
        }
    }
}
