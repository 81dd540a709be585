//! `GET /v1/device/{device_id}/pending` (an addition to SPEC §7): the PWA polls it on open
//! and focus, so a request whose push was lost still reaches the user. It lists no more
//! than a push carries (SPEC §6) — ids, kinds, expiries — in both modes.

use assent_proto::api::PendingList;
use worker::Env;

use crate::account::{self, Command};
use crate::http::{Answer, ok};
use crate::records;

/// The account's pending, unexpired requests at the edge's clock, newest first; `404` for a
/// device that is not (or no longer) one of an account's, `403` for a locked one.
pub async fn list(env: &Env, device_id: &str) -> Answer {
    let device = records::device(env, device_id).await?;
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
