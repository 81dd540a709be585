//! A tiny RP backend tool over the kit, with a plain `std::net` HTTP/1.1 transport
//! (loopback `http://localhost` only: no TLS here — use a real HTTP client in production).
//!
//! Reads one JSON command on stdin, prints one JSON answer on stdout:
//! `{"ok": true, "value": …}` or `{"ok": false, "error": "<Display>", "kind": "<variant>"}`.
//!
//! ```text
//! {"op": "create_activation", "edge", "api_key", "body": {...}}
//! {"op": "activation_status" | "get_request" | "cancel_request", "edge", "api_key", "id"}
//! {"op": "create_request", "edge", "api_key", "body": {...}}
//! {"op": "list_devices", "edge", "api_key", "user_id"}
//! {"op": "remove_device", "edge", "api_key", "user_id", "id"}
//! {"op": "verify_webhook", "secret", "header", "body", "now", "tolerance"?}
//! {"op": "verify_receipt", "edge", "api_key", "rp_id", "jws", "device_public_jwk",
//!  "created": RequestCreated, "ask": CreateRequest}
//! ```
//! Used by tests/integrators/rust-kit.test.mjs against a real edge.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use assent_rp::api::{CreateActivation, CreateRequest, RequestCreated};
use assent_rp::{
    Client, ClientError, Edge, EventData, HttpRequest, HttpResponse, Jwk, RpError,
    verify_receipt_independently, verify_receipt_with_keys, verify_webhook,
};
use serde_json::{Value, json};

/// HTTP/1.1 over a `TcpStream`, one connection per request (`Connection: close`).
struct LoopbackHttp;

impl assent_rp::Transport for LoopbackHttp {
    type Error = std::io::Error;

    fn send(&self, request: HttpRequest) -> Result<HttpResponse, std::io::Error> {
        let rest = request
            .url
            .strip_prefix("http://")
            .ok_or_else(|| std::io::Error::other("this transport speaks plain http only"))?;
        let authority = rest.split('/').next().unwrap_or(rest);
        let host = authority.split(':').next().unwrap_or(authority);
        if host != "localhost" {
            return Err(std::io::Error::other(
                "this transport talks to localhost only",
            ));
        }
        let mut stream = TcpStream::connect(if authority.contains(':') {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        })?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let body = request.body.clone().unwrap_or_default();
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
            request.method,
            request.path(),
            body.len()
        );
        for (name, value) in &request.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(&body)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        parse_http(&raw).ok_or_else(|| std::io::Error::other("malformed HTTP answer"))
    }
}

fn parse_http(raw: &[u8]) -> Option<HttpResponse> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = core::str::from_utf8(raw.get(..split)?).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw.get(split + 4..)?.to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body)?;
    }
    Some(HttpResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = core::str::from_utf8(data.get(..line_end)?).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = data.get(line_end + 2..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

fn text<'a>(input: &'a Value, name: &str) -> Result<&'a str, String> {
    input[name]
        .as_str()
        .ok_or_else(|| format!("missing string member {name}"))
}

fn client(input: &Value) -> Result<Client<LoopbackHttp>, String> {
    let edge =
        Edge::new(text(input, "edge")?, text(input, "api_key")?).map_err(|e| e.to_string())?;
    Ok(Client::new(edge, LoopbackHttp))
}

/// The answer for an error: its Display and the name of its variant.
fn failure(error: &ClientError<std::io::Error>) -> Value {
    let kind = match error {
        ClientError::Transport(_) => "Transport".to_owned(),
        ClientError::Rp(RpError::Api { code, .. }) => format!("Api:{code}"),
        ClientError::Rp(e) => format!("{e:?}")
            .split(['(', ' ', '{'])
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    json!({"ok": false, "error": error.to_string(), "kind": kind})
}

fn answer<T: serde::Serialize>(result: Result<T, ClientError<std::io::Error>>) -> Value {
    match result {
        Ok(value) => json!({"ok": true, "value": value}),
        Err(e) => failure(&e),
    }
}

fn run(input: &Value) -> Result<Value, String> {
    let op = text(input, "op")?;
    let parse = |name: &str| -> Result<Value, String> { Ok(input[name].clone()) };
    Ok(match op {
        "create_activation" => {
            let body: CreateActivation =
                serde_json::from_value(parse("body")?).map_err(|e| e.to_string())?;
            answer(client(input)?.create_activation(&body))
        }
        "create_request" => {
            let body: CreateRequest =
                serde_json::from_value(parse("body")?).map_err(|e| e.to_string())?;
            answer(client(input)?.create_request(&body))
        }
        "activation_status" => answer(client(input)?.activation_status(text(input, "id")?)),
        "get_request" => answer(client(input)?.get_request(text(input, "id")?)),
        "cancel_request" => answer(client(input)?.cancel_request(text(input, "id")?)),
        "list_devices" => answer(client(input)?.list_devices(text(input, "user_id")?)),
        "remove_device" => {
            answer(client(input)?.remove_device(text(input, "user_id")?, text(input, "id")?))
        }
        "verify_webhook" => {
            let now = input["now"].as_u64().ok_or("missing now")?;
            let tolerance = input["tolerance"].as_u64().unwrap_or(300);
            match verify_webhook(
                text(input, "secret")?.as_bytes(),
                text(input, "header")?,
                text(input, "body")?.as_bytes(),
                now,
                tolerance,
            ) {
                Ok(event) => {
                    let receipt = event.data.request().and_then(|r| r.receipt.clone());
                    let public_key = match &event.data {
                        EventData::ActivationCompleted(a) => Some(a.public_key.to_value()),
                        _ => None,
                    };
                    json!({"ok": true, "value": {
                        "id": event.id, "type": event.data.event_type(), "signed_at": event.signed_at,
                        "receipt": receipt, "public_key": public_key,
                    }})
                }
                Err(e) => json!({"ok": false, "error": e.to_string(), "kind": format!("{e:?}")}),
            }
        }
        "verify_receipt" => verify_receipt(input)?,
        other => return Err(format!("unknown op {other}")),
    })
}

/// Both ways, then the match with what was asked; each step's outcome.
fn verify_receipt(input: &Value) -> Result<Value, String> {
    let client = client(input)?;
    let jws = text(input, "jws")?;
    let rp_id = text(input, "rp_id")?;
    let origin = client.edge().origin().clone();
    let keys = match client.jwks() {
        Ok(keys) => keys,
        Err(e) => return Ok(failure(&e)),
    };
    let device = Jwk::from_value(&input["device_public_jwk"]).map_err(|e| e.to_string())?;
    let created: RequestCreated =
        serde_json::from_value(input["created"].clone()).map_err(|e| e.to_string())?;
    let ask: CreateRequest =
        serde_json::from_value(input["ask"].clone()).map_err(|e| e.to_string())?;
    let outcome = |r: Result<(), String>| match r {
        Ok(()) => json!("ok"),
        Err(e) => json!(e),
    };
    let first = verify_receipt_with_keys(jws, &keys, origin.as_str(), rp_id);
    let second = verify_receipt_independently(jws, &device, origin.as_str(), origin.host(), rp_id);
    let (matches, approves) = match (&first, &second) {
        (Ok(receipt), Ok(_)) => (
            outcome(
                receipt
                    .matches(&ask)
                    .and_then(|()| receipt.matches(&created))
                    .map_err(|e| e.to_string()),
            ),
            outcome(receipt.check_approves(&created).map_err(|e| e.to_string())),
        ),
        _ => (json!(null), json!(null)),
    };
    Ok(json!({"ok": true, "value": {
        "jwks": outcome(first.map(|_| ()).map_err(|e| e.to_string())),
        "independent": outcome(second.map(|_| ()).map_err(|e| e.to_string())),
        "matches": matches,
        "approves": approves,
    }}))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut raw = String::new();
    std::io::stdin().read_to_string(&mut raw)?;
    let input: Value = serde_json::from_str(&raw)?;
    let out = match run(&input) {
        Ok(value) => value,
        Err(why) => json!({"ok": false, "error": why, "kind": "Usage"}),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{out}")?;
    Ok(())
}
