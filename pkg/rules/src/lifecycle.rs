//! The ends of a request other than a decision: RP cancel, expiry by the alarm, and pruning of
//! finished requests.

use crate::AccountState;
use crate::effects::Effect;
use crate::errors::CancelError;
use crate::model::{Reason, Status};

impl AccountState {
    /// `POST /v1/requests/{id}/cancel`: a live request becomes `cancelled` / `rp`. A final one
    /// — `expired` included, whether recorded or only past `expires_at` — is refused with
    /// [`CancelError::AlreadyFinal`] (409, SPEC §5), changing nothing; the expiry itself is
    /// recorded by `expire_due`.
    pub fn cancel(&mut self, now: u64, request_id: &str) -> Result<Vec<Effect>, CancelError> {
        let record = self.requests.get(request_id).ok_or(CancelError::NotFound)?;
        let status = record.effective_status(now);
        if status.is_final() {
            return Err(CancelError::AlreadyFinal { status });
        }
        let before = self.next_alarm();
        let mut effects = Vec::new();
        self.finalize(
            request_id,
            Status::Cancelled,
            Some(Reason::Rp),
            None,
            &mut effects,
        );
        self.rearm_if_moved(before, &mut effects);
        Ok(effects)
    }

    /// Records `expired` for every pending request with `expires_at <= now` (SPEC §9: expiry is
    /// detected by the edge). Returns a `RequestFinal` per request, then `ArmAlarm` if the
    /// earliest pending expiry moved. Empty when nothing was due; safe to call at any time.
    #[must_use = "expired requests must be announced and the alarm re-armed"]
    pub fn expire_due(&mut self, now: u64) -> Vec<Effect> {
        let before = self.next_alarm();
        let due: Vec<String> = self
            .requests
            .iter()
            .filter(|(_, r)| r.status == Status::Pending && r.expires_at <= now)
            .map(|(id, _)| id.clone())
            .collect();
        let mut effects = Vec::new();
        for id in due {
            self.finalize(&id, Status::Expired, None, None, &mut effects);
        }
        self.rearm_if_moved(before, &mut effects);
        effects
    }

    /// The alarm handler: [`AccountState::expire_due`], then always `ArmAlarm` for the next
    /// pending expiry if there is one — a fired alarm is spent, even one that found nothing due
    /// (it fires early after the request it was set for ended otherwise).
    #[must_use = "expired requests must be announced and the alarm re-armed"]
    pub fn on_alarm(&mut self, now: u64) -> Vec<Effect> {
        let mut effects = self.expire_due(now);
        if let Some(at) = self.next_alarm()
            && !effects.contains(&Effect::ArmAlarm { at })
        {
            effects.push(Effect::ArmAlarm { at });
        }
        effects
    }

    /// Forgets requests whose status is recorded as final and whose `expires_at` lies
    /// `retention_seconds` or more in the past (after that `GET` answers `not_found`), and
    /// creation times that no longer count toward the budget. Pending requests are never
    /// dropped, even overdue ones: `expire_due` must announce them first. Returns how many
    /// requests were removed.
    pub fn prune(&mut self, now: u64, retention_seconds: u64) -> usize {
        let before = self.requests.len();
        self.requests.retain(|_, r| {
            r.status == Status::Pending || r.expires_at.saturating_add(retention_seconds) > now
        });
        self.recent_creations
            .retain(|t| t.saturating_add(crate::limits::BUDGET_WINDOW_SECONDS) > now);
        before - self.requests.len()
    }
}
