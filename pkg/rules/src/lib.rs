//! The rules of one Assent account (SPEC §5, §7, §9, §10): the request state machine and the
//! abuse limits, as pure functions over an [`AccountState`] value and a clock the caller passes
//! (`now`, Unix seconds). No I/O, no clock, no randomness.
//!
//! Every operation either refuses with an error that maps to one SPEC §11 code (see
//! [`ApiError`]) and leaves the state exactly as it was — no exception, expiry included — or
//! succeeds and returns the [`Effect`]s to carry out.
//!
//! How the account's Durable Object uses it, per call:
//! 1. load the state (or [`AccountState::new`]);
//! 2. `let mut effects = state.expire_due(now);` — records overdue expiries first, so the
//!    stored state is current (operations already treat an overdue pending request as
//!    expired, so skipping this step delays only the `request.expired` announcement until
//!    the alarm);
//! 3. run the operation; on `Ok` append its effects;
//! 4. persist the state if the operation returned `Ok` or step 2 returned effects (comparing
//!    the serialized state before and after is the exact test); then carry out the effects
//!    (webhooks, widget broadcasts, pushes, `setAlarm`), so nothing is announced that was not
//!    stored;
//! 5. in the alarm handler call [`AccountState::on_alarm`] instead of step 2–3.
//!
//! The central invariant: a status other than `pending` is final, so exactly one decision is
//! ever recorded, whatever the order of calls.

#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod binding;
mod create;
mod decide;
mod devices;
mod effects;
mod errors;
mod lifecycle;
mod limits;
mod model;
mod state;

pub use binding::{binding_code_from_random, is_binding_code};
pub use create::{Created, NewRequest};
pub use decide::{Decided, Decision, DecisionInput, DenyReason};
pub use devices::PushRegistration;
pub use effects::Effect;
pub use errors::{
    ApiCode, ApiError, CancelError, CreateError, DecideError, DeviceError, ViewError,
};
pub use limits::{
    BUDGET_WINDOW_SECONDS, DEFAULT_TTL_SECONDS, Limits, LimitsError, MAX_CONFIGURABLE_TTL_SECONDS,
};
pub use model::{DeviceRecord, Kind, PushState, Reason, RequestRecord, RequestView, Status};
pub use state::AccountState;
