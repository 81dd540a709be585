//! Receiving webhooks (SPEC §9): the `Assent-Signature` check (assent-webhook's strict,
//! constant-time verifier), then the event, typed.
//!
//! What a receiver does, in order:
//! 1. Read the **raw body bytes** and the `Assent-Signature` header; do not parse or
//!    re-serialize the JSON first (the MAC covers the exact bytes).
//! 2. [`verify_webhook`] with the RP's `webhook_secret`, the receiver's clock and a
//!    tolerance ([`DEFAULT_TOLERANCE_SECONDS`], 5 minutes). A failure is answered `400` or
//!    `401` and the event ignored: it is forged, corrupted or replayed.
//! 3. **Dedupe by [`WebhookEvent::id`]**: delivery is at least once (a Queue, retried with
//!    exponential backoff, then a dead-letter queue), so one event may arrive several times,
//!    each retry with the same `id` and body and a fresh signature. Record the ids handled
//!    (for longer than the retry window, a few hours), and answer `2xx` to a duplicate
//!    without acting again. Events can also arrive out of order: a request's status is
//!    final once not `pending`, and [`crate::Client::get_request`] always has the current one.
//! 4. Answer `2xx` quickly (any other answer, or none, is retried); do slow work after.
//!
//! An event of a type this kit does not know arrives as [`EventData::Unknown`], signature
//! verified: acknowledge it, so the edge does not retry it for hours.

use assent_proto::api::{RequestStatus, Status};
use assent_proto::ids;
use assent_receipt::Jwk;
use assent_webhook::EventType;
use serde::{Deserialize, Serialize};

/// Why the `Assent-Signature` header was refused: malformed, no matching `v1`, or a
/// timestamp outside the tolerance (`TimestampTooOld` is a possible replay).
pub use assent_webhook::WebhookError as SignatureError;
pub use assent_webhook::{DEFAULT_TOLERANCE_SECONDS, HEADER_NAME};

/// `data` of `activation.completed`: a device finished activation. Keep `public_key` for
/// the device: it verifies receipts without trusting the edge (SPEC §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationCompleted {
    /// The activation `POST /v1/activations` created.
    pub activation_id: String,
    /// The account's user id.
    pub user_id: String,
    /// The new device.
    pub device_id: String,
    /// The device's WebAuthn credential id (b64u).
    pub credential_id: String,
    /// The device's credential public key, a validated P-256 JWK.
    pub public_key: Jwk,
    /// Whether the device registered a push subscription (else it polls).
    pub push: bool,
}

/// `data` of `device.removed`, `device.push_gone` and `device.locked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceEvent {
    /// The account's user id.
    pub user_id: String,
    /// The device.
    pub device_id: String,
}

/// What happened, with its typed `data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventData {
    /// `activation.completed`.
    ActivationCompleted(ActivationCompleted),
    /// `request.approved`: the `GET /v1/requests/{id}` object, receipt included.
    RequestApproved(RequestStatus),
    /// `request.denied` (`reason` `rejected`, `fraud` or `binding_mismatch`), receipt included.
    RequestDenied(RequestStatus),
    /// `request.expired`: undecided at `expires_at`.
    RequestExpired(RequestStatus),
    /// `request.cancelled` (`reason` `rp` or `superseded`).
    RequestCancelled(RequestStatus),
    /// `device.removed`: by the RP, or deactivated from the device.
    DeviceRemoved(DeviceEvent),
    /// `device.push_gone`: the push service dropped the subscription; the device polls.
    DevicePushGone(DeviceEvent),
    /// `device.locked`: too many failed decisions in a row; remove the device to end it.
    DeviceLocked(DeviceEvent),
    /// A type this kit does not know (the edge may add some): authentic, to acknowledge.
    Unknown {
        /// The event's `type`.
        event_type: String,
        /// The event's `data`, untyped.
        data: serde_json::Value,
    },
}

impl EventData {
    /// The event's `type`, e.g. `request.approved`.
    pub fn event_type(&self) -> &str {
        match self {
            Self::ActivationCompleted(_) => EventType::ActivationCompleted.as_str(),
            Self::RequestApproved(_) => EventType::RequestApproved.as_str(),
            Self::RequestDenied(_) => EventType::RequestDenied.as_str(),
            Self::RequestExpired(_) => EventType::RequestExpired.as_str(),
            Self::RequestCancelled(_) => EventType::RequestCancelled.as_str(),
            Self::DeviceRemoved(_) => EventType::DeviceRemoved.as_str(),
            Self::DevicePushGone(_) => EventType::DevicePushGone.as_str(),
            Self::DeviceLocked(_) => EventType::DeviceLocked.as_str(),
            Self::Unknown { event_type, .. } => event_type,
        }
    }

    /// The request's status object, for the `request.*` events.
    pub fn request(&self) -> Option<&RequestStatus> {
        match self {
            Self::RequestApproved(r)
            | Self::RequestDenied(r)
            | Self::RequestExpired(r)
            | Self::RequestCancelled(r) => Some(r),
            _ => None,
        }
    }
}

/// A verified webhook delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    /// The event id: the same on every retry of the event. Dedupe by it.
    pub id: String,
    /// When the event happened, Unix seconds.
    pub created_at: u64,
    /// When this delivery was signed (the header's `t`): later than `created_at` on a retry.
    pub signed_at: u64,
    /// What happened.
    pub data: EventData,
}

/// Why a webhook delivery was refused. Each failed check has its own variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// The `Assent-Signature` header is malformed, matches no signature of this body under
    /// this secret, or is outside the time tolerance (a replay).
    Signature(SignatureError),
    /// Authentic, but not an event envelope `{id, type, created_at, data}` (or `id` is not
    /// an id).
    Envelope(String),
    /// Authentic, but `data` does not have the shape of its `type`.
    Data {
        /// The event's type.
        event_type: EventType,
        /// What is wrong (serde's message names the member).
        detail: String,
    },
    /// Authentic, but a `request.*` event whose `data.status` is not the type's
    /// (`request.approved` with `status: "denied"`).
    StatusMismatch {
        /// The event's type.
        event_type: EventType,
        /// `data.status`.
        status: Status,
    },
}

impl core::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Signature(e) => write!(f, "webhook signature: {e}"),
            Self::Envelope(detail) => write!(f, "webhook body is not an event: {detail}"),
            Self::Data { event_type, detail } => {
                write!(f, "webhook {event_type} data is malformed: {detail}")
            }
            Self::StatusMismatch { event_type, status } => write!(
                f,
                "webhook {event_type} carries a request with status {:?}",
                status.as_str()
            ),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Signature(e) => Some(e),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    created_at: u64,
    data: serde_json::Value,
}

/// Verifies one delivery and returns its event.
///
/// `secret` is the RP's `webhook_secret` (its UTF-8 bytes), `signature_header` the
/// `Assent-Signature` value, `raw_body` the exact bytes received, `now` the receiver's Unix
/// time, `tolerance_seconds` how far the signed time may be from `now` either way
/// ([`DEFAULT_TOLERANCE_SECONDS`]). The signature is checked first, in constant time; the
/// body is parsed only once it is authentic.
pub fn verify_webhook(
    secret: &[u8],
    signature_header: &str,
    raw_body: &[u8],
    now: u64,
    tolerance_seconds: u64,
) -> Result<WebhookEvent, WebhookError> {
    let signed_at =
        assent_webhook::verify(secret, signature_header, raw_body, now, tolerance_seconds)
            .map_err(WebhookError::Signature)?;
    let envelope: Envelope =
        serde_json::from_slice(raw_body).map_err(|e| WebhookError::Envelope(e.to_string()))?;
    if !ids::is_valid_id(&envelope.id) {
        return Err(WebhookError::Envelope(format!(
            "id {:?} is not an id ({} base64url characters)",
            envelope.id,
            ids::ID_LEN
        )));
    }
    let data = match EventType::from_name(&envelope.event_type) {
        Some(event_type) => typed(event_type, envelope.data)?,
        None => EventData::Unknown {
            event_type: envelope.event_type,
            data: envelope.data,
        },
    };
    Ok(WebhookEvent {
        id: envelope.id,
        created_at: envelope.created_at,
        signed_at,
        data,
    })
}

fn typed(event_type: EventType, data: serde_json::Value) -> Result<EventData, WebhookError> {
    fn read<T: serde::de::DeserializeOwned>(
        event_type: EventType,
        data: serde_json::Value,
    ) -> Result<T, WebhookError> {
        serde_json::from_value(data).map_err(|e| WebhookError::Data {
            event_type,
            detail: e.to_string(),
        })
    }
    let request = |status: Status, data: serde_json::Value| {
        let r: RequestStatus = read(event_type, data)?;
        if r.status == status {
            Ok(r)
        } else {
            Err(WebhookError::StatusMismatch {
                event_type,
                status: r.status,
            })
        }
    };
    Ok(match event_type {
        EventType::ActivationCompleted => EventData::ActivationCompleted(read(event_type, data)?),
        EventType::RequestApproved => EventData::RequestApproved(request(Status::Approved, data)?),
        EventType::RequestDenied => EventData::RequestDenied(request(Status::Denied, data)?),
        EventType::RequestExpired => EventData::RequestExpired(request(Status::Expired, data)?),
        EventType::RequestCancelled => {
            EventData::RequestCancelled(request(Status::Cancelled, data)?)
        }
        EventType::DeviceRemoved => EventData::DeviceRemoved(read(event_type, data)?),
        EventType::DevicePushGone => EventData::DevicePushGone(read(event_type, data)?),
        EventType::DeviceLocked => EventData::DeviceLocked(read(event_type, data)?),
    })
}
