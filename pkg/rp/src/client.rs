//! Build → send → parse with the backend's own HTTP client.

use assent_proto::api::{
    ActivationCreated, ActivationStatus, Cancelled, CreateActivation, CreateRequest, DeviceList,
    RequestCreated, RequestStatus,
};
use assent_receipt::JwkSet;

use crate::answers::{Answer, DeviceRemoved, parse_response};
use crate::edge::Edge;
use crate::error::RpError;
use crate::http::{HttpRequest, HttpResponse};

/// Sends one request and returns the answer, whatever its status: the kit reads error
/// statuses itself. Implement it over ureq, reqwest's blocking client, or anything else;
/// a closure `Fn(HttpRequest) -> Result<HttpResponse, E>` is one already.
///
/// An implementation must not follow redirects with the `Authorization` header (the edge
/// sends none), and should set timeouts: the edge answers every RP API call at once.
pub trait Transport {
    /// The HTTP client's own error (connection refused, timeout, TLS…).
    type Error;

    /// Sends `request`.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, Self::Error>;
}

impl<F, E> Transport for F
where
    F: Fn(HttpRequest) -> Result<HttpResponse, E>,
{
    type Error = E;

    fn send(&self, request: HttpRequest) -> Result<HttpResponse, E> {
        self(request)
    }
}

/// Why a [`Client`] call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError<E> {
    /// Nothing was sent, or the edge's answer is a refusal or not the expected one.
    Rp(RpError),
    /// The transport failed: the call may or may not have reached the edge.
    Transport(E),
}

impl<E: core::fmt::Display> core::fmt::Display for ClientError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Rp(e) => write!(f, "{e}"),
            Self::Transport(e) => write!(f, "transport: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for ClientError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Rp(e) => Some(e),
            Self::Transport(e) => Some(e),
        }
    }
}

impl<E> From<RpError> for ClientError<E> {
    fn from(e: RpError) -> Self {
        Self::Rp(e)
    }
}

/// An [`Edge`] and a [`Transport`]: each method builds the call, sends it and reads the
/// answer (`Retry-After` included on `429`).
#[derive(Debug, Clone)]
pub struct Client<T> {
    edge: Edge,
    transport: T,
}

impl<T: Transport> Client<T> {
    /// A client for `edge` over `transport`.
    pub fn new(edge: Edge, transport: T) -> Self {
        Self { edge, transport }
    }

    /// The edge the calls go to.
    pub fn edge(&self) -> &Edge {
        &self.edge
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    fn run<A: Answer>(
        &self,
        request: Result<HttpRequest, RpError>,
    ) -> Result<A, ClientError<T::Error>> {
        let response = self
            .transport
            .send(request?)
            .map_err(ClientError::Transport)?;
        Ok(parse_response(&response)?)
    }

    /// `POST /v1/activations`.
    pub fn create_activation(
        &self,
        body: &CreateActivation,
    ) -> Result<ActivationCreated, ClientError<T::Error>> {
        self.run(self.edge.create_activation(body))
    }

    /// `GET /v1/activations/{activation_id}`.
    pub fn activation_status(
        &self,
        activation_id: &str,
    ) -> Result<ActivationStatus, ClientError<T::Error>> {
        self.run(self.edge.activation_status(activation_id))
    }

    /// `POST /v1/requests`.
    pub fn create_request(
        &self,
        body: &CreateRequest,
    ) -> Result<RequestCreated, ClientError<T::Error>> {
        self.run(self.edge.create_request(body))
    }

    /// `GET /v1/requests/{request_id}`.
    pub fn get_request(&self, request_id: &str) -> Result<RequestStatus, ClientError<T::Error>> {
        self.run(self.edge.get_request(request_id))
    }

    /// `POST /v1/requests/{request_id}/cancel`.
    pub fn cancel_request(&self, request_id: &str) -> Result<Cancelled, ClientError<T::Error>> {
        self.run(self.edge.cancel_request(request_id))
    }

    /// `GET /v1/users/{user_id}/devices`.
    pub fn list_devices(&self, user_id: &str) -> Result<DeviceList, ClientError<T::Error>> {
        self.run(self.edge.list_devices(user_id))
    }

    /// `DELETE /v1/users/{user_id}/devices/{device_id}`.
    pub fn remove_device(
        &self,
        user_id: &str,
        device_id: &str,
    ) -> Result<DeviceRemoved, ClientError<T::Error>> {
        self.run(self.edge.remove_device(user_id, device_id))
    }

    /// `GET /.well-known/jwks.json`. Cache it; fetch again when a receipt names an unknown
    /// `kid` (the edge's key was rotated).
    pub fn jwks(&self) -> Result<JwkSet, ClientError<T::Error>> {
        self.run(Ok(self.edge.jwks()))
    }
}
