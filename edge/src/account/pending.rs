//! What a device polls for on open and focus (an addition to SPEC §7): the account's
//! requests it may decide, newest first, with no more than a push carries (SPEC §6) — so a
//! lost push loses no request. Secure mode still takes the inbox for the details.

use assent_proto::api::{PendingEntry, PendingList};

use super::record::AccountRecord;
use crate::http::Failure;
use crate::rules_map;

/// The requests `device_id` may decide at `now`; an unknown device is `404`, a locked one
/// `403` (as the inbox and decisions answer it).
pub fn list(record: &AccountRecord, device_id: &str, now: u64) -> Result<PendingList, Failure> {
    let pending = record
        .rules
        .pending_for_device(now, device_id)
        .map_err(|e| rules_map::refusal(&e))?
        .into_iter()
        .map(|v| PendingEntry {
            kind: v.kind,
            expires_at: v.expires_at,
            request_id: v.request_id,
        })
        .collect();
    Ok(PendingList { pending })
}
