//! Rebuilds the authenticator from the request's credential state and runs one ceremony.

use assent_proto::b64u;
use assent_webauthn::soft::SoftAuthenticator;

use crate::error::CliError;
use crate::protocol::{Answer, CreateAnswer, GetAnswer, Request};

/// Runs the requested ceremony.
pub fn perform(request: Request) -> Result<Answer, CliError> {
    match request {
        Request::Create(r) => {
            let mut authenticator = authenticator(&r.private_key, &r.credential_id, r.sign_count)?;
            let response = authenticator
                .create_with(&r.options, &r.origin, &r.tweaks.into())
                .map_err(CliError::Ceremony)?;
            Ok(Answer::Create(CreateAnswer {
                response,
                public_key: b64u::encode(&authenticator.public_key()),
                sign_count: authenticator.sign_count(),
            }))
        }
        Request::Get(r) => {
            let mut authenticator = authenticator(&r.private_key, &r.credential_id, r.sign_count)?;
            if let Some(handle) = &r.user_handle {
                let handle = b64u::decode(handle).map_err(|_| CliError::Base64 {
                    member: "user_handle",
                })?;
                authenticator = authenticator.with_user_handle(&handle);
            }
            let response = authenticator
                .get_with(&r.options, &r.origin, &r.tweaks.into())
                .map_err(CliError::Ceremony)?;
            Ok(Answer::Get(GetAnswer {
                response,
                sign_count: authenticator.sign_count(),
            }))
        }
    }
}

fn authenticator(
    private_key: &str,
    credential_id: &str,
    sign_count: u32,
) -> Result<SoftAuthenticator, CliError> {
    let private_key =
        b64u::decode_array::<32>(private_key).map_err(|_| CliError::PrivateKeyEncoding)?;
    let credential_id = b64u::decode(credential_id).map_err(|_| CliError::Base64 {
        member: "credential_id",
    })?;
    let mut authenticator =
        SoftAuthenticator::new(&private_key, &credential_id).map_err(CliError::Ceremony)?;
    authenticator.set_sign_count(sign_count);
    Ok(authenticator)
}
