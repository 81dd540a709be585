//! Reading the edge's answers: the success body of each call, or the SPEC §11 error.

use assent_proto::api::{
    ActivationCreated, ActivationStatus, Cancelled, DeviceList, ErrorBody, RequestCreated,
    RequestStatus, Status,
};
use assent_receipt::JwkSet;
use serde::{Deserialize, Serialize};

use crate::error::{EXCERPT_BYTES, RpError};
use crate::http::HttpResponse;

/// `200` to `DELETE /v1/users/{user_id}/devices/{device_id}`: `{device_id, status:
/// "removed"}` (a `device.removed` webhook follows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRemoved {
    /// The removed device.
    pub device_id: String,
    /// Always `removed`.
    pub status: String,
}

/// A success body of the RP API: its status and how to read it.
pub trait Answer: Sized {
    /// The status the edge answers with on success (`201` for creations, else `200`).
    const STATUS: u16;

    /// Reads the success body; the error says what is wrong.
    fn read(body: &[u8]) -> Result<Self, String>;
}

fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

impl Answer for ActivationCreated {
    const STATUS: u16 = 201;
    fn read(body: &[u8]) -> Result<Self, String> {
        json(body)
    }
}

impl Answer for ActivationStatus {
    const STATUS: u16 = 200;
    fn read(body: &[u8]) -> Result<Self, String> {
        json(body)
    }
}

impl Answer for RequestCreated {
    const STATUS: u16 = 201;
    fn read(body: &[u8]) -> Result<Self, String> {
        let created: Self = json(body)?;
        if created.status != Status::Pending {
            return Err(format!(
                "status is {:?}, a new request is pending",
                created.status.as_str()
            ));
        }
        if let Some(code) = &created.binding_code
            && !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(format!("binding_code {code:?} is not two digits"));
        }
        Ok(created)
    }
}

impl Answer for RequestStatus {
    const STATUS: u16 = 200;
    fn read(body: &[u8]) -> Result<Self, String> {
        json(body)
    }
}

impl Answer for Cancelled {
    const STATUS: u16 = 200;
    fn read(body: &[u8]) -> Result<Self, String> {
        let cancelled: Self = json(body)?;
        if cancelled.status != Status::Cancelled {
            return Err(format!(
                "status is {:?}, not \"cancelled\"",
                cancelled.status.as_str()
            ));
        }
        Ok(cancelled)
    }
}

impl Answer for DeviceList {
    const STATUS: u16 = 200;
    fn read(body: &[u8]) -> Result<Self, String> {
        json(body)
    }
}

impl Answer for DeviceRemoved {
    const STATUS: u16 = 200;
    fn read(body: &[u8]) -> Result<Self, String> {
        let removed: Self = json(body)?;
        if removed.status != "removed" {
            return Err(format!("status is {:?}, not \"removed\"", removed.status));
        }
        Ok(removed)
    }
}

impl Answer for JwkSet {
    const STATUS: u16 = 200;
    fn read(body: &[u8]) -> Result<Self, String> {
        let text = core::str::from_utf8(body).map_err(|e| e.to_string())?;
        Self::from_json(text).map_err(|e| e.to_string())
    }
}

/// Reads an answer from its status and body. `Retry-After` is not seen here; use
/// [`parse_response`] when the headers are at hand.
pub fn parse<T: Answer>(status: u16, body: &[u8]) -> Result<T, RpError> {
    if status == T::STATUS {
        return T::read(body).map_err(|detail| RpError::UnexpectedBody { status, detail });
    }
    if status >= 400
        && let Ok(error) = serde_json::from_slice::<ErrorBody>(body)
    {
        return Err(RpError::Api {
            status,
            code: error.error.code,
            message: error.error.message,
            retry_after: None,
        });
    }
    Err(RpError::UnexpectedStatus {
        status,
        expected: T::STATUS,
        excerpt: excerpt(body),
    })
}

/// [`parse`], with `Retry-After` from the headers on an [`RpError::Api`].
pub fn parse_response<T: Answer>(response: &HttpResponse) -> Result<T, RpError> {
    parse(response.status, &response.body).map_err(|e| match e {
        RpError::Api {
            status,
            code,
            message,
            retry_after: None,
        } => RpError::Api {
            status,
            code,
            message,
            retry_after: response.retry_after(),
        },
        other => other,
    })
}

fn excerpt(body: &[u8]) -> String {
    let cut = body.get(..EXCERPT_BYTES).unwrap_or(body);
    String::from_utf8_lossy(cut).into_owned()
}

/// `201` to `POST /v1/activations`.
pub fn parse_activation_created(status: u16, body: &[u8]) -> Result<ActivationCreated, RpError> {
    parse(status, body)
}

/// `200` to `GET /v1/activations/{activation_id}`.
pub fn parse_activation_status(status: u16, body: &[u8]) -> Result<ActivationStatus, RpError> {
    parse(status, body)
}

/// `201` to `POST /v1/requests` (its `status` must be `pending`, its `binding_code` two
/// digits or null).
pub fn parse_request_created(status: u16, body: &[u8]) -> Result<RequestCreated, RpError> {
    parse(status, body)
}

/// `200` to `GET /v1/requests/{request_id}`.
pub fn parse_request_status(status: u16, body: &[u8]) -> Result<RequestStatus, RpError> {
    parse(status, body)
}

/// `200 {"status": "cancelled"}` to `POST /v1/requests/{request_id}/cancel`.
pub fn parse_cancelled(status: u16, body: &[u8]) -> Result<Cancelled, RpError> {
    parse(status, body)
}

/// `200` to `GET /v1/users/{user_id}/devices`.
pub fn parse_device_list(status: u16, body: &[u8]) -> Result<DeviceList, RpError> {
    parse(status, body)
}

/// `200 {device_id, status: "removed"}` to `DELETE /v1/users/{user_id}/devices/{device_id}`.
pub fn parse_device_removed(status: u16, body: &[u8]) -> Result<DeviceRemoved, RpError> {
    parse(status, body)
}

/// `200` to `GET /.well-known/jwks.json`: the receipt keys, each with a distinct `kid`.
pub fn parse_jwks(status: u16, body: &[u8]) -> Result<JwkSet, RpError> {
    parse(status, body)
}
