//! The JSON wire types of every endpoint (SPEC §5, §6, §7, §9, §11), shared by the edge, the
//! PWA and RP backends. Pure serde types and checks; no I/O.
//!
//! - Request bodies reject unknown members (SPEC §10) and implement [`Validate`], which
//!   names the first failing member as a dotted path (`fields[3].label`, `context.ip`).
//!   [`parse_valid`] does both and gives the SPEC §11 error for each failure.
//! - Response bodies omit absent optional members, write members the SPEC gives as
//!   "or null" as `null`, and ignore unknown members when read (the edge may add optional
//!   ones).
//! - Lengths of displayed text count Unicode scalar values (`str::chars`), and displayed
//!   text (names, title, context values, field labels and values, `user_id`) may contain no
//!   control characters (tab and newline included) and no bidirectional formatting
//!   characters: the PWA shows it, and the user signs what they read.
//!
//! Choices where the SPEC is silent: `user_name` and `display_name` are at most 64
//! characters; every displayed string must be non-empty and not only whitespace (omit an
//! optional one instead); `fields` on a `login` request are refused, since the login screen
//! does not show them; `reason` is also sent to the widget ([`StatusView`]).

mod device;
mod device_responses;
mod errors;
mod parse;
mod push;
mod rp;
mod rp_responses;
mod status;
mod validate;

pub use device::{
    ActivateBegin, ActivateFinish, DEACTIVATE_MAX_SKEW_SECONDS, Deactivate, DeactivatePlaintext,
    DecisionBody, InboxOpen, PushPlaintext, PushUpdate,
};
pub use device_responses::{
    Account, ActivateBeginResponse, ActivateFinishResponse, DecisionResult, DeviceRequest,
    InboxChallenge, InboxPlaintext, InboxSealed, PendingEntry, PendingList, RpInfo, UserInfo,
};
pub use errors::{ErrorBody, ErrorCode, ErrorDetail};
pub use parse::{parse_body, parse_valid};
pub use push::{
    DECLARATIVE_WEB_PUSH, PUSH_PLAINTEXT_MAX_BYTES, PushAssent, PushNotification, PushPayload,
    PushPayloadError,
};
pub use rp::{CreateActivation, CreateRequest};
pub use rp_responses::{
    ActivationCreated, ActivationStatus, Cancelled, DeviceInfo, DeviceList, RequestCreated,
    RequestStatus,
};
pub use status::{ActivationState, Mode, Reason, Status, StatusView};
pub use validate::{
    ACTIVATION_CODE_MAX_LEN, Bounds, CHANNEL_PUBLIC_KEY_LEN, CONTEXT_VALUE_MAX_CHARS,
    DEFAULT_MAX_TTL_SECONDS, DEFAULT_MIN_TTL_SECONDS, DEFAULT_TTL_SECONDS, FIELD_LABEL_MAX_CHARS,
    FIELD_VALUE_MAX_CHARS, FIELDS_MAX, FIELDS_MIN, FieldError, NAME_MAX_CHARS, SEALED_MIN_BYTES,
    TITLE_MAX_CHARS, USER_ID_MAX_BYTES, Validate,
};
