//! The RP API calls (SPEC §5) as [`HttpRequest`]s, checked before they are built.

use assent_proto::api::{Bounds, CreateActivation, CreateRequest, Validate};
use serde::Serialize;

use crate::error::{MAX_BODY_BYTES, RpError};
use crate::http::{HttpRequest, Method};
use crate::origin::EdgeOrigin;
use crate::path::{check_id, check_user_id, encode_segment};

/// One RP's view of one edge: its origin, the RP's API key and the RP's lifetime bounds.
/// Builds requests; sends nothing (see [`crate::Client`] for build → send → parse).
#[derive(Clone)]
pub struct Edge {
    origin: EdgeOrigin,
    api_key: String,
    bounds: Bounds,
}

impl core::fmt::Debug for Edge {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print the API key.
        f.debug_struct("Edge")
            .field("origin", &self.origin.as_str())
            .field("bounds", &self.bounds)
            .finish_non_exhaustive()
    }
}

impl Edge {
    /// The edge at `edge_origin` (e.g. `https://assent.example.com`; `http://localhost:8787`
    /// locally), called with `api_key` (sent as `Authorization: Bearer <api_key>`).
    ///
    /// `ttl_seconds` is checked against the SPEC's 30–600 s; an RP whose `limits` move those
    /// bounds (SPEC §13) sets its own with [`Edge::with_ttl_bounds`].
    pub fn new(edge_origin: &str, api_key: &str) -> Result<Self, RpError> {
        let origin = EdgeOrigin::parse(edge_origin)?;
        if api_key.is_empty() || !api_key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(RpError::ApiKey);
        }
        Ok(Self {
            origin,
            api_key: api_key.to_owned(),
            bounds: Bounds::default(),
        })
    }

    /// The same edge, with the RP's configured `min_ttl_seconds` / `max_ttl_seconds`.
    #[must_use]
    pub fn with_ttl_bounds(mut self, bounds: Bounds) -> Self {
        self.bounds = bounds;
        self
    }

    /// The edge's serialized origin: what receipts carry as `iss`, and the WebAuthn origin.
    pub fn origin(&self) -> &EdgeOrigin {
        &self.origin
    }

    /// The `ttl_seconds` bounds requests are checked against.
    pub fn ttl_bounds(&self) -> Bounds {
        self.bounds
    }

    /// `POST /v1/activations` → `201` [`crate::parse_activation_created`].
    pub fn create_activation(&self, body: &CreateActivation) -> Result<HttpRequest, RpError> {
        body.validate(&self.bounds)?;
        self.with_body(Method::Post, "/v1/activations", body)
    }

    /// `GET /v1/activations/{activation_id}` → `200` [`crate::parse_activation_status`].
    pub fn activation_status(&self, activation_id: &str) -> Result<HttpRequest, RpError> {
        check_id("activation_id", activation_id)?;
        Ok(self.call(
            Method::Get,
            &format!("/v1/activations/{activation_id}"),
            None,
        ))
    }

    /// `POST /v1/requests` → `201` [`crate::parse_request_created`].
    pub fn create_request(&self, body: &CreateRequest) -> Result<HttpRequest, RpError> {
        body.validate(&self.bounds)?;
        self.with_body(Method::Post, "/v1/requests", body)
    }

    /// `GET /v1/requests/{request_id}` → `200` [`crate::parse_request_status`].
    pub fn get_request(&self, request_id: &str) -> Result<HttpRequest, RpError> {
        check_id("request_id", request_id)?;
        Ok(self.call(Method::Get, &format!("/v1/requests/{request_id}"), None))
    }

    /// `POST /v1/requests/{request_id}/cancel` (no body) → `200` [`crate::parse_cancelled`],
    /// or `409 already_decided` when the request is already final.
    pub fn cancel_request(&self, request_id: &str) -> Result<HttpRequest, RpError> {
        check_id("request_id", request_id)?;
        Ok(self.call(
            Method::Post,
            &format!("/v1/requests/{request_id}/cancel"),
            None,
        ))
    }

    /// `GET /v1/users/{user_id}/devices` → `200` [`crate::parse_device_list`]. `user_id` is
    /// percent-encoded.
    pub fn list_devices(&self, user_id: &str) -> Result<HttpRequest, RpError> {
        check_user_id(user_id)?;
        Ok(self.call(
            Method::Get,
            &format!("/v1/users/{}/devices", encode_segment(user_id)),
            None,
        ))
    }

    /// `DELETE /v1/users/{user_id}/devices/{device_id}` → `200`
    /// [`crate::parse_device_removed`]. `user_id` is percent-encoded.
    pub fn remove_device(&self, user_id: &str, device_id: &str) -> Result<HttpRequest, RpError> {
        check_user_id(user_id)?;
        check_id("device_id", device_id)?;
        Ok(self.call(
            Method::Delete,
            &format!("/v1/users/{}/devices/{device_id}", encode_segment(user_id)),
            None,
        ))
    }

    /// `GET /.well-known/jwks.json` → `200` [`crate::parse_jwks`]: the receipt keys. Public,
    /// so the API key is not sent.
    pub fn jwks(&self) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: self.url("/.well-known/jwks.json"),
            headers: vec![("Accept".to_owned(), "application/json".to_owned())],
            body: None,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin.as_str())
    }

    fn call(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> HttpRequest {
        let mut headers = vec![
            (
                "Authorization".to_owned(),
                format!("Bearer {}", self.api_key),
            ),
            ("Accept".to_owned(), "application/json".to_owned()),
        ];
        if body.is_some() {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        HttpRequest {
            method,
            url: self.url(path),
            headers,
            body,
        }
    }

    fn with_body<T: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: &T,
    ) -> Result<HttpRequest, RpError> {
        let bytes = serde_json::to_vec(body).map_err(|e| RpError::Encode(e.to_string()))?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(RpError::BodyTooLarge { bytes: bytes.len() });
        }
        Ok(self.call(method, path, Some(bytes)))
    }
}
