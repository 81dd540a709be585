//! `POST /v1/device/activate/begin` and `/finish` (SPEC §7): the PWA turns an activation
//! code into a device — a passkey (user verification required), a channel key and, when
//! allowed, a push subscription.

use assent_proto::api::{
    ActivateBegin, ActivateBeginResponse, ActivateFinish, ActivateFinishResponse, Bounds,
    ErrorCode, RpInfo, UserInfo,
};
use assent_proto::b64u;
use assent_webauthn::json::Requirement;
use assent_webauthn::{CreationOptionsInput, creation_options};
use worker::{Env, Request};

use crate::account::{self, Begun, Command, Finish, Finished};
use crate::http::{Answer, Failure, ok, read_valid};
use crate::records::{self, CodeRecord, DeviceRecord};
use crate::{clock, config};

/// How long the browser may take for the passkey ceremony.
const CEREMONY_TIMEOUT_MS: u32 = 120_000;

/// The activation a code names, if it exists and has not expired.
async fn code_record(env: &Env, code: &str) -> Result<CodeRecord, Failure> {
    let record: CodeRecord = records::get(env, &records::code_key(code))
        .await?
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "unknown activation code"))?;
    if clock::now() >= record.expires_at {
        return Err(Failure::new(
            ErrorCode::Expired,
            "this activation code has expired; ask for a new one",
        ));
    }
    Ok(record)
}

pub async fn begin(mut req: Request, env: &Env) -> Answer {
    let body: ActivateBegin = read_valid(&mut req, &Bounds::default()).await?;
    let config = config::load(env)?;
    let code = code_record(env, &body.code).await?;
    let rp = config
        .rp_by_id(&code.rp_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "unknown activation code"))?;
    let begun: Begun = account::call(
        env,
        &code.rp_id,
        &code.user_id,
        &Command::BeginActivation {
            activation_id: code.activation_id.clone(),
        },
    )
    .await?;
    records::put(
        env,
        &records::device_key(&begun.device_id),
        &DeviceRecord {
            rp_id: code.rp_id.clone(),
            user_id: code.user_id.clone(),
        },
        None,
    )
    .await?;

    let challenge =
        b64u::decode(&begun.challenge).map_err(|e| Failure::internal("challenge", e))?;
    // The device id is the WebAuthn user handle: one passkey per account and device, so a
    // second account on the same phone never overwrites the first one's passkey.
    let user_handle = b64u::decode(&begun.device_id).map_err(|e| Failure::internal("id", e))?;
    let options = creation_options(&CreationOptionsInput {
        rp_id: config.rp_id(),
        rp_name: rp.name(),
        user_handle: &user_handle,
        user_name: &begun.user_name,
        user_display_name: &begun.display_name,
        challenge: &challenge,
        timeout_ms: CEREMONY_TIMEOUT_MS,
        exclude_credentials: &[],
        resident_key: Requirement::Preferred,
    });
    ok(&ActivateBeginResponse {
        device_id: begun.device_id,
        rp: RpInfo {
            id: rp.id().to_owned(),
            name: rp.name().to_owned(),
        },
        user: UserInfo {
            name: begun.user_name,
            display_name: begun.display_name,
        },
        creation_options: options,
        vapid_public_key: config.vapid().public_key_b64u().to_owned(),
        channel_public_key: b64u::encode(&config.channel_key().public_key()),
    })
}

pub async fn finish(mut req: Request, env: &Env) -> Answer {
    let body: ActivateFinish = read_valid(&mut req, &Bounds::default()).await?;
    let config = config::load(env)?;
    let code = code_record(env, &body.code).await?;
    let rp = config
        .rp_by_id(&code.rp_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "unknown activation code"))?;
    let device_id = body.device_id.clone();
    let finished: Finished = account::call(
        env,
        &code.rp_id,
        &code.user_id,
        &Command::FinishActivation(Finish {
            activation_id: code.activation_id,
            device_id: body.device_id,
            credential: body.credential,
            channel_public_key: body.channel_public_key,
            push: body.push,
        }),
    )
    .await?;
    ok(&ActivateFinishResponse {
        device_id,
        account: assent_proto::api::Account {
            rp_id: rp.id().to_owned(),
            rp_name: rp.name().to_owned(),
            user_name: finished.user_name,
            display_name: finished.display_name,
            mode: rp.mode(),
        },
    })
}
