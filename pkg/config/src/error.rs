//! One error per configuration problem. Messages name the variable (and, inside
//! `ASSENT_RELYING_PARTIES`, the RP and the member) but never quote a secret value: only
//! public values — origins, RP ids, modes, numbers — are ever shown.

use core::fmt;

use assent_rules::LimitsError;
use assent_webpush::EndpointError;

use crate::vars;

/// Which entry of `ASSENT_RELYING_PARTIES` a problem is in: its index in the array, and its
/// id when it has a valid one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpRef {
    /// Position in the JSON array, from 0.
    pub index: usize,
    /// The entry's `id`, when present and valid.
    pub id: Option<String>,
}

impl fmt::Display for RpRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", vars::RELYING_PARTIES, self.index)?;
        if let Some(id) = &self.id {
            write!(f, " (\"{id}\")")?;
        }
        Ok(())
    }
}

/// Why an origin (the edge's, or one of an RP's `origins`) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginProblem {
    /// Not an absolute `https://` (or, on loopback, `http://`) URL with a well-formed host.
    Url(EndpointError),
    /// A valid URL but not written as a serialized origin (RFC 6454 §6.2: lower case, no
    /// default port, no path, no trailing slash) — browsers send exactly that form in
    /// `Origin` and `clientDataJSON.origin`, so any other spelling would never match.
    NotSerialized {
        /// The serialized origin of the URL given.
        serialized: String,
    },
    /// The edge's host is an IP address: WebAuthn refuses IP addresses as RP ID.
    IpAddress,
}

impl fmt::Display for OriginProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(problem) => f.write_str(url_problem(*problem)),
            Self::NotSerialized { serialized } => write!(
                f,
                "is not a serialized origin (scheme://host[:port] in lower case, no default \
                 port, no path); write \"{serialized}\""
            ),
            Self::IpAddress => f.write_str(
                "has an IP address as its host, which WebAuthn refuses as an RP ID; use a \
                 domain name (locally: localhost)",
            ),
        }
    }
}

/// The wording for a URL refused by the shared URL parser, for origins and webhook URLs.
fn url_problem(problem: EndpointError) -> &'static str {
    match problem {
        EndpointError::TooLong => "is too long",
        EndpointError::BadCharacter => "contains whitespace, control or non-ASCII characters",
        EndpointError::UnsupportedScheme => "does not start with https://",
        EndpointError::UserInfo => "carries user:password@ before the host",
        EndpointError::MissingHost => "has no host",
        EndpointError::BadHost => "has a malformed host",
        EndpointError::BadPort => "has a malformed port",
        EndpointError::NotHttps => {
            "is not https (plain http is accepted only for localhost and 127.0.0.1)"
        }
        EndpointError::LoopbackNotAllowed => {
            "is plain http on loopback, accepted only while ASSENT_ALLOW_LOOPBACK_PUSH=1"
        }
    }
}

/// One configuration problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// A required variable is absent.
    Missing {
        /// The variable.
        name: &'static str,
    },
    /// A private key is not canonical unpadded base64url.
    KeyEncoding {
        /// The variable.
        name: &'static str,
    },
    /// A private key does not decode to 32 bytes.
    KeyLength {
        /// The variable.
        name: &'static str,
        /// The decoded length.
        len: usize,
    },
    /// A private key is 0 or not below the P-256 group order.
    KeyScalar {
        /// The variable.
        name: &'static str,
    },
    /// Two private-key variables hold the same key: each key has one purpose, so that a
    /// signature or ciphertext made for one can never pass for another.
    KeysShared {
        /// The first variable.
        first: &'static str,
        /// The second variable.
        second: &'static str,
    },
    /// `VAPID_SUBJECT` is not a `mailto:` address or an `https:` URL (RFC 8292 §2.1).
    VapidSubject,
    /// `ASSENT_ALLOW_LOOPBACK_PUSH` is present but neither `"1"` nor `"0"`.
    AllowLoopbackValue,
    /// `ASSENT_EDGE_ORIGIN` is unusable.
    EdgeOrigin {
        /// The value given (an origin is public).
        value: String,
        /// What is wrong with it.
        problem: OriginProblem,
    },
    /// `ASSENT_RELYING_PARTIES` is not JSON.
    RelyingPartiesSyntax {
        /// Line of the syntax error, from 1.
        line: usize,
        /// Column of the syntax error, from 1 (0 at the end of input).
        column: usize,
    },
    /// `ASSENT_RELYING_PARTIES` is JSON but not an array.
    RelyingPartiesNotArray {
        /// The kind of value found.
        found: &'static str,
    },
    /// `ASSENT_RELYING_PARTIES` is an empty array.
    RelyingPartiesEmpty,
    /// An entry of `ASSENT_RELYING_PARTIES` is not an object.
    RpNotObject {
        /// The entry's index.
        index: usize,
        /// The kind of value found.
        found: &'static str,
    },
    /// An RP object has a member the configuration does not define (SPEC §13: "Unknown
    /// members are an error at start-up").
    RpUnknownMember {
        /// The RP.
        rp: RpRef,
        /// The member's name (`limits.<name>` inside `limits`).
        member: String,
    },
    /// An RP object names a member twice.
    RpDuplicateMember {
        /// The RP.
        rp: RpRef,
        /// The member's name (`limits.<name>` inside `limits`).
        member: String,
    },
    /// A required RP member is absent.
    RpMissingMember {
        /// The RP.
        rp: RpRef,
        /// The member's name.
        member: &'static str,
    },
    /// An RP member has the wrong JSON type.
    RpMemberType {
        /// The RP.
        rp: RpRef,
        /// The member (`origins[2]`, `limits.freeze_seconds`, …).
        member: String,
        /// What it must be.
        expected: &'static str,
        /// The kind of value found.
        found: &'static str,
    },
    /// An RP `id` does not match `[a-z0-9-]{1,32}`.
    RpIdInvalid {
        /// The entry's index.
        index: usize,
        /// The id given (ids are public).
        id: String,
    },
    /// Two RPs share an `id`.
    RpIdDuplicate {
        /// The later entry's index.
        index: usize,
        /// The shared id.
        id: String,
        /// The index of the entry that first used it.
        first_index: usize,
    },
    /// An RP `name` is empty, longer than [`crate::MAX_RP_NAME_CHARS`] characters or holds
    /// control characters.
    RpNameInvalid {
        /// The RP.
        rp: RpRef,
    },
    /// An RP `mode` is neither `gateway` nor `secure`.
    RpModeInvalid {
        /// The RP.
        rp: RpRef,
        /// The mode given.
        mode: String,
    },
    /// An RP lists no origin.
    RpOriginsEmpty {
        /// The RP.
        rp: RpRef,
    },
    /// One of an RP's `origins` is unusable.
    RpOriginInvalid {
        /// The RP.
        rp: RpRef,
        /// Its index in `origins`.
        index: usize,
        /// The origin given (origins are public).
        origin: String,
        /// What is wrong with it.
        problem: OriginProblem,
    },
    /// An RP lists the same origin twice.
    RpOriginDuplicate {
        /// The RP.
        rp: RpRef,
        /// The repeated origin.
        origin: String,
    },
    /// An RP `api_key_sha256` is not 64 lower-case hex digits.
    RpApiKeyHashInvalid {
        /// The RP.
        rp: RpRef,
    },
    /// Two RPs share an `api_key_sha256`, so one API key would act for both.
    RpApiKeyHashDuplicate {
        /// The later RP.
        rp: RpRef,
        /// The RP that first used the hash.
        first: RpRef,
    },
    /// An RP `webhook_url` is not an `https` URL (or, with loopback allowed, `http` on
    /// loopback). The URL itself is not shown: webhook URLs often embed tokens.
    RpWebhookUrlInvalid {
        /// The RP.
        rp: RpRef,
        /// What is wrong with it.
        problem: EndpointError,
    },
    /// An RP has a `webhook_url` and no `webhook_secret`: its webhooks could not be signed.
    RpWebhookUrlWithoutSecret {
        /// The RP.
        rp: RpRef,
    },
    /// An RP has a `webhook_secret` and no `webhook_url`.
    RpWebhookSecretWithoutUrl {
        /// The RP.
        rp: RpRef,
    },
    /// An RP `webhook_secret` is shorter than [`crate::MIN_WEBHOOK_SECRET_CHARS`] characters.
    RpWebhookSecretTooShort {
        /// The RP.
        rp: RpRef,
    },
    /// A `limits` member is not an integer from 0 to 4294967295.
    RpLimitsNotInteger {
        /// The RP.
        rp: RpRef,
        /// The member (`limits.<name>`).
        member: String,
    },
    /// An RP's `limits` are unusable together.
    RpLimits {
        /// The RP.
        rp: RpRef,
        /// What is wrong with them.
        error: LimitsError,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { name } => write!(f, "{name} is not set"),
            Self::KeyEncoding { name } => write!(
                f,
                "{name} is not unpadded base64url (check for padding, stray whitespace or a \
                 standard-base64 '+' or '/')"
            ),
            Self::KeyLength { name, len } => write!(
                f,
                "{name} decodes to {len} bytes; a P-256 private key is 32 bytes"
            ),
            Self::KeyScalar { name } => write!(
                f,
                "{name} is not a valid P-256 private key (zero, or not below the group order)"
            ),
            Self::KeysShared { first, second } => write!(
                f,
                "{first} and {second} hold the same key; generate a separate key for each"
            ),
            Self::VapidSubject => write!(
                f,
                "{} must be a mailto: address or an https: URL",
                vars::VAPID_SUBJECT
            ),
            Self::AllowLoopbackValue => write!(
                f,
                "{} must be \"1\", \"0\" or absent",
                vars::ALLOW_LOOPBACK_PUSH
            ),
            Self::EdgeOrigin { value, problem } => {
                write!(
                    f,
                    "{} \"{}\" {problem}",
                    vars::EDGE_ORIGIN,
                    value.escape_debug()
                )
            }
            Self::RelyingPartiesSyntax { line, column } => write!(
                f,
                "{} is not valid JSON (syntax error at line {line}, column {column})",
                vars::RELYING_PARTIES
            ),
            Self::RelyingPartiesNotArray { found } => write!(
                f,
                "{} must be a JSON array of RP objects, found {found}",
                vars::RELYING_PARTIES
            ),
            Self::RelyingPartiesEmpty => write!(
                f,
                "{} is empty; configure at least one relying party",
                vars::RELYING_PARTIES
            ),
            Self::RpNotObject { index, found } => write!(
                f,
                "{}[{index}] must be an object, found {found}",
                vars::RELYING_PARTIES
            ),
            Self::RpUnknownMember { rp, member } => {
                write!(f, "{rp}: unknown member \"{}\"", member.escape_debug())
            }
            Self::RpDuplicateMember { rp, member } => write!(
                f,
                "{rp}: member \"{}\" appears more than once",
                member.escape_debug()
            ),
            Self::RpMissingMember { rp, member } => {
                write!(f, "{rp}: required member \"{member}\" is missing")
            }
            Self::RpMemberType {
                rp,
                member,
                expected,
                found,
            } => write!(f, "{rp}: \"{member}\" must be {expected}, found {found}"),
            Self::RpIdInvalid { index, id } => write!(
                f,
                "{}[{index}]: id \"{}\" must match [a-z0-9-]{{1,32}}",
                vars::RELYING_PARTIES,
                id.escape_debug()
            ),
            Self::RpIdDuplicate {
                index,
                id,
                first_index,
            } => write!(
                f,
                "{rp}[{index}]: id \"{id}\" is already used by {rp}[{first_index}]",
                rp = vars::RELYING_PARTIES
            ),
            Self::RpNameInvalid { rp } => write!(
                f,
                "{rp}: \"name\" must be 1 to {} characters without control characters",
                crate::MAX_RP_NAME_CHARS
            ),
            Self::RpModeInvalid { rp, mode } => write!(
                f,
                "{rp}: \"mode\" \"{}\" must be \"gateway\" or \"secure\"",
                mode.escape_debug()
            ),
            Self::RpOriginsEmpty { rp } => {
                write!(f, "{rp}: \"origins\" must list at least one origin")
            }
            Self::RpOriginInvalid {
                rp,
                index,
                origin,
                problem,
            } => write!(
                f,
                "{rp}: origins[{index}] \"{}\" {problem}",
                origin.escape_debug()
            ),
            Self::RpOriginDuplicate { rp, origin } => {
                write!(f, "{rp}: origin \"{origin}\" is listed more than once")
            }
            Self::RpApiKeyHashInvalid { rp } => write!(
                f,
                "{rp}: \"api_key_sha256\" must be 64 lower-case hex digits (the SHA-256 of \
                 the API key)"
            ),
            Self::RpApiKeyHashDuplicate { rp, first } => write!(
                f,
                "{rp}: \"api_key_sha256\" is the same as {first}'s; each RP needs its own API key"
            ),
            Self::RpWebhookUrlInvalid { rp, problem } => {
                write!(f, "{rp}: \"webhook_url\" {}", url_problem(*problem))
            }
            Self::RpWebhookUrlWithoutSecret { rp } => write!(
                f,
                "{rp}: \"webhook_url\" is set without \"webhook_secret\"; webhooks must be signed"
            ),
            Self::RpWebhookSecretWithoutUrl { rp } => {
                write!(f, "{rp}: \"webhook_secret\" is set without \"webhook_url\"")
            }
            Self::RpWebhookSecretTooShort { rp } => write!(
                f,
                "{rp}: \"webhook_secret\" must be at least {} characters (at least 128 bits of \
                 entropy)",
                crate::MIN_WEBHOOK_SECRET_CHARS
            ),
            Self::RpLimitsNotInteger { rp, member } => write!(
                f,
                "{rp}: \"{member}\" must be an integer from 0 to {}",
                u32::MAX
            ),
            Self::RpLimits { rp, error } => write!(f, "{rp}: {error}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Every problem found in a configuration, in the order the variables are read. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(Vec<ConfigError>);

impl ConfigErrors {
    pub(crate) fn new(errors: Vec<ConfigError>) -> Self {
        Self(errors)
    }

    /// The problems, one per failed check.
    pub fn errors(&self) -> &[ConfigError] {
        &self.0
    }

    /// The problems, owned.
    pub fn into_vec(self) -> Vec<ConfigError> {
        self.0
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        let plural = if count == 1 { "" } else { "s" };
        write!(
            f,
            "invalid Assent edge configuration ({count} problem{plural}):"
        )?;
        for error in &self.0 {
            write!(f, "\n  - {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}
