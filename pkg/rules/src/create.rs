//! `POST /v1/requests` as far as the account's state goes: freeze, lifetime, budget, devices,
//! and the one-pending-login rule (SPEC §5, §10).

use crate::AccountState;
use crate::binding::is_binding_code;
use crate::effects::Effect;
use crate::errors::CreateError;
use crate::limits::{BUDGET_WINDOW_SECONDS, Limits};
use crate::model::{Kind, PushState, Reason, RequestRecord, RequestView, Status};

/// A request to create, as the edge prepared it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// A fresh 128-bit random id (b64u).
    pub request_id: String,
    /// `login` or `sign`.
    pub kind: Kind,
    /// The RP's `ttl_seconds`, or `None` for the default.
    pub ttl_seconds: Option<u32>,
    /// With number matching, a code from [`crate::binding_code_from_random`]; else `None`.
    pub binding_code: Option<String>,
}

/// A created request and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The new request (status `pending`).
    pub request: RequestView,
    /// How many devices may decide it (the response's `devices`).
    pub devices: usize,
    /// In order: `RequestFinal` for each superseded login, `ArmAlarm` if the earliest expiry
    /// moved, and one `SendPush` per unlocked device with an active subscription.
    pub effects: Vec<Effect>,
}

impl AccountState {
    /// Creates a request, refusing with the first failed check in this order: account frozen,
    /// `ttl_seconds` outside `[min_ttl_seconds, max_ttl_seconds]`, creation budget spent,
    /// no unlocked device (then the caller's preconditions: fresh id, well-formed code).
    ///
    /// Only successful creations count toward the budget (a refusal changes nothing). A new
    /// `login` cancels every older login still pending (`cancelled` / `superseded`).
    pub fn create_request(
        &mut self,
        now: u64,
        new: NewRequest,
        limits: &Limits,
    ) -> Result<Created, CreateError> {
        if let Some(until) = self.frozen_until
            && now < until
        {
            return Err(CreateError::AccountFrozen {
                until,
                retry_after: until - now,
            });
        }
        let ttl = new
            .ttl_seconds
            .unwrap_or_else(|| limits.default_ttl_seconds());
        if ttl < limits.min_ttl_seconds || ttl > limits.max_ttl_seconds {
            return Err(CreateError::TtlOutOfRange {
                ttl_seconds: ttl,
                min: limits.min_ttl_seconds,
                max: limits.max_ttl_seconds,
            });
        }
        if let Some(retry_after) = self.budget_retry_after(now, limits) {
            return Err(CreateError::RateLimited { retry_after });
        }
        let devices = self.active_device_count();
        if devices == 0 {
            return Err(CreateError::NoDevices);
        }
        if self.requests.contains_key(&new.request_id) {
            return Err(CreateError::RequestIdTaken);
        }
        if let Some(code) = &new.binding_code
            && !is_binding_code(code)
        {
            return Err(CreateError::MalformedBindingCode);
        }

        // Every check passed: from here on nothing fails, so a refusal above left no trace.
        let before = self.next_alarm();
        let mut effects = Vec::new();
        if new.kind == Kind::Login {
            let superseded: Vec<String> = self
                .requests
                .iter()
                .filter(|(_, r)| r.kind == Kind::Login && r.is_live(now))
                .map(|(id, _)| id.clone())
                .collect();
            for id in superseded {
                self.finalize(
                    &id,
                    Status::Cancelled,
                    Some(Reason::Superseded),
                    None,
                    &mut effects,
                );
            }
        }
        self.count_creation(now);
        let record = RequestRecord {
            kind: new.kind,
            status: Status::Pending,
            reason: None,
            created_at: now,
            expires_at: now.saturating_add(u64::from(ttl)),
            decided_at: None,
            device_id: None,
            binding_code: new.binding_code,
        };
        let request = RequestView::of(now, &new.request_id, &record);
        self.requests.insert(new.request_id.clone(), record);
        self.rearm_if_moved(before, &mut effects);
        effects.extend(
            self.devices
                .iter()
                .filter(|(_, d)| !d.locked && d.push == PushState::Active)
                .map(|(device_id, d)| Effect::SendPush {
                    device_id: device_id.clone(),
                    request_id: new.request_id.clone(),
                    push_seq: d.push_seq,
                }),
        );
        Ok(Created {
            request,
            devices,
            effects,
        })
    }

    /// `Some(retry_after)` when `requests_per_10_min` creations already fall in the window
    /// `(now - 600, now]`: the wait until enough of them leave it for one more to fit.
    fn budget_retry_after(&self, now: u64, limits: &Limits) -> Option<u64> {
        let counted: Vec<u64> = self
            .recent_creations
            .iter()
            .copied()
            .filter(|t| in_window(*t, now))
            .collect();
        let limit = usize::try_from(limits.requests_per_10_min).unwrap_or(usize::MAX);
        if counted.len() < limit {
            return None;
        }
        // `counted` is ascending; one more fits once the (len - limit + 1) oldest have left,
        // i.e. when the one at index len - limit leaves. (With a budget of 0 nothing ever
        // fits; answer a full window.)
        let leaves_at = counted
            .get(counted.len() - limit)
            .map_or(now.saturating_add(BUDGET_WINDOW_SECONDS), |t| {
                t.saturating_add(BUDGET_WINDOW_SECONDS)
            });
        Some(leaves_at.saturating_sub(now).max(1))
    }

    fn count_creation(&mut self, now: u64) {
        self.recent_creations.retain(|t| in_window(*t, now));
        let at = self.recent_creations.partition_point(|t| *t <= now);
        self.recent_creations.insert(at, now);
    }
}

/// Whether a creation at `t` still counts at `now` (it stays for exactly 600 s).
fn in_window(t: u64, now: u64) -> bool {
    t.saturating_add(BUDGET_WINDOW_SECONDS) > now
}
