//! Why a run failed; each is reported on stderr and ends the run with status 1.

use core::fmt;

use assent_webauthn::soft::SoftError;

/// One failure of `assent-softauth`.
#[derive(Debug)]
pub enum CliError {
    /// stdin could not be read.
    ReadInput(std::io::Error),
    /// stdin is not one request object of the documented shape (unknown `op`, unknown or
    /// missing member, wrong type).
    InvalidInput(serde_json::Error),
    /// `private_key` is not unpadded base64url of exactly 32 bytes.
    PrivateKeyEncoding,
    /// A binary member (`credential_id`, `user_handle`) is not unpadded base64url.
    Base64 {
        /// The member's name.
        member: &'static str,
    },
    /// The software authenticator refused, as a browser would (invalid scalar, no ES256,
    /// credential excluded or not allowed, unusable options).
    Ceremony(SoftError),
    /// The answer could not be turned into JSON.
    Serialize(serde_json::Error),
    /// stdout could not be written.
    WriteOutput(std::io::Error),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadInput(e) => write!(f, "cannot read stdin: {e}"),
            Self::InvalidInput(e) => write!(f, "invalid request JSON: {e}"),
            Self::PrivateKeyEncoding => {
                f.write_str("private_key is not unpadded base64url of 32 bytes")
            }
            Self::Base64 { member } => write!(f, "{member} is not unpadded base64url"),
            Self::Ceremony(e) => write!(f, "the authenticator refused: {e}"),
            Self::Serialize(e) => write!(f, "cannot serialize the answer: {e}"),
            Self::WriteOutput(e) => write!(f, "cannot write stdout: {e}"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::ReadInput(e) | Self::WriteOutput(e) => Some(e),
            Self::InvalidInput(e) | Self::Serialize(e) => Some(e),
            Self::Ceremony(e) => Some(e),
            Self::PrivateKeyEncoding | Self::Base64 { .. } => None,
        }
    }
}
