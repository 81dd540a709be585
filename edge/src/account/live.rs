//! The widget's live status (SPEC §9): a hibernatable WebSocket per watching page, tagged
//! with its request id; it gets the status object at once and on every change.

use assent_proto::api::ErrorCode;
use worker::{Request, Response, State, WebSocketPair};

use super::record::AccountRecord;
use crate::clock;
use crate::http::Failure;

/// The `GET /v1/status/{id}` object of `request_id`, as JSON text.
pub fn status_text(record: &AccountRecord, now: u64, request_id: &str) -> Option<String> {
    let v = record.rules.view(now, request_id).ok()?;
    serde_json::to_string(&v.into_status_view()).ok()
}

/// Accepts the upgrade the Worker forwarded (`/live?request_id=…&token_sha256=…`) once the
/// token matches the request's.
pub fn accept(state: &State, record: &AccountRecord, req: &Request) -> Result<Response, Failure> {
    let url = req.url()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let (Some(request_id), Some(presented)) = (param("request_id"), param("token_sha256")) else {
        return Err(Failure::new(
            ErrorCode::InvalidRequest,
            "missing parameters",
        ));
    };
    let expected = record
        .status_tokens
        .get(&request_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such request"))?;
    if *expected != presented {
        return Err(Failure::new(ErrorCode::Unauthorized, "wrong status token"));
    }
    let text = status_text(record, clock::now(), &request_id)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such request"))?;
    let pair = WebSocketPair::new()?;
    state.accept_websocket_with_tags(&pair.server, &[request_id.as_str()]);
    pair.server.send_with_str(&text)?;
    Ok(Response::from_websocket(pair.client)?)
}
