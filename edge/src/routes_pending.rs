//! `GET /v1/device/{device_id}/pending` (an addition to SPEC §7): the PWA polls it on open
//! and focus, so a request whose push was lost still reaches the user. It lists no more
//! than a push carries (SPEC §6) — ids, kinds, expiries — in both modes.

use assent_proto::api::ErrorCode;
use assent_proto::ids;
use worker::Env;

use assent_proto::api::PendingList;

use crate::account::{self, Command};
use crate::http::{Answer, Failure, ok};
use crate::records::{self, DeviceRecord};

async fn device(env: &Env, device_id: &str) -> Result<DeviceRecord, Failure> {
    let not_found = || Failure::new(ErrorCode::NotFound, "no such device");
    if !ids::is_valid_id(device_id) {
        return Err(not_found());
    }
    records::get(env, &records::device_key(device_id))
        .await?
        .ok_or_else(not_found)
}

/// The account's pending, unexpired requests at the edge's clock, newest first; `404` for a
/// device that is not (or no longer) one of an account's, `403` for a locked one.
pub async fn list(env: &Env, device_id: &str) -> Answer {
    let device = device(env, device_id).await?;
    let list: PendingList = account::call(
        env,
        &device.rp_id,
        &device.user_id,
        &Command::Pending {
            device_id: device_id.to_owned(),
        },
    )
    .await?;
    ok(&list)
}
