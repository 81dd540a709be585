//! `POST /v1/device/{device_id}/inbox/challenge` and `POST /v1/device/{device_id}/inbox`
//! (SPEC §4, §7): the secure-mode list of pending requests, after a user-verified assertion,
//! sealed to the device's channel key.

use assent_channel::{Channel, Purpose};
use assent_proto::api::{
    Bounds, DeviceRequest, InboxChallenge, InboxOpen, InboxPlaintext, InboxSealed,
};
use assent_proto::b64u;
use assent_webauthn::request_options;
use worker::{Env, Request};

use crate::account::{self, Command, Issued, Opened};
use crate::http::{Answer, Failure, ok, read_valid};
use crate::records;
use crate::routes_requests::{RequestEntry, request_key};
use crate::{clock, config};

/// How long the browser may take for the assertion.
const CEREMONY_TIMEOUT_MS: u32 = 120_000;

pub async fn challenge(env: &Env, device_id: &str) -> Answer {
    let config = config::load(env)?;
    let device = records::device(env, device_id).await?;
    let issued: Issued = account::call(
        env,
        &device.rp_id,
        &device.user_id,
        &Command::InboxChallenge {
            device_id: device_id.to_owned(),
        },
    )
    .await?;
    let challenge =
        b64u::decode(&issued.challenge).map_err(|e| Failure::internal("challenge", e))?;
    let credential_id =
        b64u::decode(&issued.credential_id).map_err(|e| Failure::internal("id", e))?;
    ok(&InboxChallenge {
        challenge_id: issued.challenge_id,
        request_options: request_options(
            config.rp_id(),
            &challenge,
            &[credential_id.as_slice()],
            CEREMONY_TIMEOUT_MS,
        ),
    })
}

pub async fn open(mut req: Request, env: &Env, device_id: &str) -> Answer {
    let body: InboxOpen = read_valid(&mut req, &Bounds::default()).await?;
    let config = config::load(env)?;
    let device = records::device(env, device_id).await?;
    let opened: Opened = account::call(
        env,
        &device.rp_id,
        &device.user_id,
        &Command::InboxOpen {
            device_id: device_id.to_owned(),
            challenge_id: body.challenge_id,
            assertion: body.assertion,
        },
    )
    .await?;
    let mut requests = Vec::with_capacity(opened.requests.len());
    for entry in opened.requests {
        // A request whose content is not (yet, or any more) in KV is left out, not failed.
        let Some(stored) =
            records::get::<RequestEntry>(env, &request_key(&entry.request_id)).await?
        else {
            continue;
        };
        requests.push(DeviceRequest {
            request_hash: stored
                .content
                .request_hash()
                .map_err(|e| Failure::internal("request hash", e))?,
            request: stored.content,
            number_matching: entry.number_matching,
            status: entry.status,
        });
    }
    let channel_key = b64u::decode(&opened.channel_public_key)
        .map_err(|e| Failure::internal("channel key", e))?;
    let channel = Channel::derive(config.channel_key(), &channel_key, device_id)
        .map_err(|e| Failure::internal("channel", e))?;
    let sealed = channel
        .seal_json(
            Purpose::Inbox,
            clock::random::<12>()?,
            &InboxPlaintext { requests },
        )
        .map_err(|e| Failure::internal("seal", e))?;
    ok(&InboxSealed { sealed })
}
