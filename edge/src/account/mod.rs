//! The account Durable Object: one per `(rp_id, user_id)`, the single writer of that
//! account's mutable state (SPEC §12), so "exactly one decision" holds whatever races.
//!
//! The Worker talks to it with typed [`Command`]s (JSON over the stub's `fetch`); each
//! command reads the record (kept in memory once loaded), applies one change to a copy and
//! saves it before answering. The object's input gate keeps commands from interleaving
//! while storage is awaited, but not while the Queue is: see `flush_outbox`.

// `#[durable_object]` generates undocumented wasm-bindgen glue around the type.
#![allow(missing_docs)]

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use assent_proto::api::{ActivationState, ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{
    DurableObject, Env, Method, Request, RequestInit, Response, Result, State, durable_object,
};

mod activation;
mod decisions;
mod devices;
mod events;
mod inbox;
mod live;
mod pending;
mod record;
mod requests;

pub use activation::{Begun, Finish, Finished};
pub use decisions::{Decide, Decided};
pub use inbox::{Issued, Opened};
use record::{AccountRecord, RECORD_KEY};
pub use requests::{Create, Created, View};

use crate::http::{Failure, json_response};
use crate::{clock, config, rules_map, webhooks};

/// What the Worker asks of an account.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    /// Records a new activation (its code lives in KV, pointing here).
    CreateActivation {
        activation_id: String,
        expires_at: u64,
        user_name: String,
        display_name: String,
    },
    /// The state of an activation.
    ActivationStatus { activation_id: String },
    /// A device starts activating with a code: a device id and a challenge.
    BeginActivation { activation_id: String },
    /// The device finishes: its passkey, channel key and push registration.
    FinishActivation(Finish),
    /// A new request (its content is already in KV).
    CreateRequest(Create),
    /// A request's current state; `status_token_sha256` when the widget asks.
    RequestView {
        request_id: String,
        status_token_sha256: Option<String>,
    },
    /// A single-use challenge for the device to open its inbox.
    InboxChallenge { device_id: String },
    /// The device answers the challenge: the pending requests, if the assertion verifies.
    InboxOpen {
        device_id: String,
        challenge_id: String,
        assertion: serde_json::Value,
    },
    /// The device re-registers its push subscription (sealed `{subscription, seq}`).
    SetPush { device_id: String, sealed: String },
    /// The device removes itself (sealed `{ts}`).
    Deactivate { device_id: String, sealed: String },
    /// The RP removes a device.
    RemoveDevice { device_id: String },
    /// The RP lists the account's devices.
    ListDevices,
    /// The RP withdraws a pending request.
    Cancel { request_id: String },
    /// A device's decision on a request.
    Decide(Decide),
    /// What a device may see of a request (gateway mode): its status, if the device is
    /// this account's.
    DeviceView {
        device_id: String,
        request_id: String,
    },
    /// Whether a queued push retry is still wanted: the request pending, the device still
    /// on the subscription the push was for.
    PushStillWanted {
        device_id: String,
        request_id: String,
        push_seq: u64,
    },
    /// A push to this device was answered 404/410: poll-only until it re-registers.
    PushGone { device_id: String, push_seq: u64 },
    /// The requests this device may decide, newest first (the PWA's poll; an addition to
    /// SPEC §7).
    Pending { device_id: String },
    /// Readiness probe: a storage round trip.
    Ping,
}

/// A command and the account it is for (the object learns its own identity from it).
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    rp_id: String,
    user_id: String,
    command: Command,
}

/// The answer to [`Command::ActivationStatus`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ActivationView {
    pub status: ActivationState,
    pub device_id: Option<String>,
}

/// Holds one account's state; see docs/edge-design.md.
#[durable_object]
pub struct Account {
    state: State,
    env: Env,
    /// The record as last loaded or saved. The object is the account's only writer, so
    /// this is what storage holds; reads answer from it without a storage round trip.
    /// `None` until first loaded, and after a failed write (the next command reloads).
    /// Never borrowed across an `await`: the object takes other requests while it waits
    /// for the Queue.
    saved: RefCell<Option<Rc<AccountRecord>>>,
}

impl DurableObject for Account {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            saved: RefCell::new(None),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        match self.expire_due().await {
            Ok(()) => Response::ok("ok"),
            // An error makes the runtime retry the alarm (with backoff); an answer would not.
            Err(failure) => Err(worker::Error::RustError(format!("alarm: {failure:?}"))),
        }
    }

    async fn websocket_message(
        &self,
        _ws: worker::WebSocket,
        _message: worker::WebSocketIncomingMessage,
    ) -> Result<()> {
        Ok(()) // the widget only listens
    }

    async fn websocket_close(
        &self,
        ws: worker::WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        let code = u16::try_from(code)
            .ok()
            .filter(|c| *c != 1005 && *c != 1006);
        let _ = ws.close(code, Some("bye"));
        Ok(())
    }

    async fn websocket_error(&self, ws: worker::WebSocket, _error: worker::Error) -> Result<()> {
        let _ = ws.close(Some(1011), Some("error"));
        Ok(())
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.path() == "/live" {
            let accepted = match self.load().await {
                Ok(record) => live::accept(&self.state, &record, &req),
                Err(failure) => Err(failure),
            };
            return match accepted {
                Ok(response) => Ok(response),
                Err(failure) => failure.into_response(),
            };
        }
        let envelope: Envelope = match req.json().await {
            Ok(envelope) => envelope,
            Err(e) => return Failure::internal("account: bad command", e).into_response(),
        };
        match self.apply(envelope).await {
            Ok(value) => json_response(&value, 200),
            Err(failure) => failure.into_response(),
        }
    }
}

impl Account {
    async fn apply(&self, envelope: Envelope) -> std::result::Result<serde_json::Value, Failure> {
        let saved = self.load().await?;
        // A read answers from the saved record as it is; the first change copies it.
        let mut record = Cow::Borrowed(&*saved);
        if record.rp_id.is_empty() {
            let r = record.to_mut();
            r.rp_id = envelope.rp_id;
            r.user_id = envelope.user_id;
        }
        let command = envelope.command;
        let now = clock::now();
        let mut events = Vec::new();
        let mut finals = Vec::new();
        let (answer, changed) = match command {
            Command::Ping => (serde_json::json!({ "ok": true }), true),
            Command::CreateActivation {
                activation_id,
                expires_at,
                user_name,
                display_name,
            } => {
                // Forget unused activations a day after they expired: they can only answer
                // `expired`.
                let r = record.to_mut();
                r.activations
                    .retain(|_, a| a.device_id.is_some() || a.expires_at + 86_400 > now);
                r.activations.insert(
                    activation_id,
                    record::ActivationEntry {
                        expires_at,
                        user_name,
                        display_name,
                        device_id: None,
                        pending: None,
                    },
                );
                (serde_json::json!({ "ok": true }), true)
            }
            Command::ActivationStatus { activation_id } => {
                let entry = record
                    .activations
                    .get(&activation_id)
                    .ok_or_else(|| Failure::new(ErrorCode::NotFound, "no such activation"))?;
                let view = ActivationView {
                    status: activation::state(entry, now),
                    device_id: entry.device_id.clone(),
                };
                (to_value(&view)?, false)
            }
            Command::BeginActivation { activation_id } => (
                to_value(&activation::begin(record.to_mut(), &activation_id, now)?)?,
                true,
            ),
            Command::FinishActivation(finish) => {
                let config = config::load(&self.env)?;
                let finished = activation::finish(record.to_mut(), &config, finish, now)?;
                events.extend(events::activation_completed(&record, &finished));
                (to_value(&finished)?, true)
            }
            Command::CreateRequest(create) => {
                let created = requests::create(record.to_mut(), create)?;
                finals.extend(created.finals.iter().cloned());
                (to_value(&created)?, true)
            }
            Command::RequestView {
                request_id,
                status_token_sha256,
            } => {
                let not_found = || Failure::new(ErrorCode::NotFound, "no such request");
                if let Some(presented) = status_token_sha256 {
                    let expected = record
                        .status_tokens
                        .get(&request_id)
                        .ok_or_else(not_found)?;
                    // Both are SHA-256 digests: comparing them leaks nothing about the token.
                    if *expected != presented {
                        return Err(Failure::new(ErrorCode::Unauthorized, "wrong status token"));
                    }
                }
                let view = record
                    .rules
                    .view(now, &request_id)
                    .map_err(|_| not_found())?;
                (to_value(&requests::view(&record, view))?, false)
            }
            Command::InboxChallenge { device_id } => (
                to_value(&inbox::challenge(record.to_mut(), &device_id, now)?)?,
                true,
            ),
            Command::InboxOpen {
                device_id,
                challenge_id,
                assertion,
            } => {
                let config = config::load(&self.env)?;
                match inbox::open(
                    record.to_mut(),
                    &config,
                    &device_id,
                    &challenge_id,
                    assertion,
                    now,
                ) {
                    Ok(opened) => (to_value(&opened)?, true),
                    Err(failure) => {
                        // The challenge is spent even when the answer is refused.
                        self.save(record.into_owned()).await?;
                        return Err(failure);
                    }
                }
            }
            Command::SetPush { device_id, sealed } => {
                let config = config::load(&self.env)?;
                let push = devices::set_push(record.to_mut(), &config, &device_id, &sealed)?;
                (
                    serde_json::json!({ "device_id": device_id, "push": push }),
                    true,
                )
            }
            Command::Deactivate { device_id, sealed } => {
                let config = config::load(&self.env)?;
                devices::deactivate(record.to_mut(), &config, &device_id, &sealed, now)?;
                events.extend(events::device_removed(&record, &device_id));
                (
                    serde_json::json!({ "device_id": device_id, "status": "removed" }),
                    true,
                )
            }
            Command::RemoveDevice { device_id } => {
                devices::remove(record.to_mut(), &device_id)?;
                events.extend(events::device_removed(&record, &device_id));
                (
                    serde_json::json!({ "device_id": device_id, "status": "removed" }),
                    true,
                )
            }
            Command::ListDevices => (
                serde_json::json!({ "devices": devices::list(&record) }),
                false,
            ),
            Command::Cancel { request_id } => {
                let effects = record
                    .to_mut()
                    .rules
                    .cancel(now, &request_id)
                    .map_err(|e| rules_map::refusal(&e))?;
                finals.extend(requests::finals(&effects));
                (serde_json::json!({ "status": "cancelled" }), true)
            }
            Command::Decide(decide) => {
                let config = config::load(&self.env)?;
                match decisions::decide(record.to_mut(), &config, decide, now)? {
                    decisions::Outcome::Recorded(decided) => {
                        finals.extend(decided.finals.iter().cloned());
                        events.extend(events::devices_locked(&record, &decided.locked));
                        (to_value(&decided)?, true)
                    }
                    decisions::Outcome::BadAssertion { failure, locked } => {
                        // The failure is counted (SPEC §10) even though the call is refused.
                        let events = events::devices_locked(&record, &locked);
                        self.commit(record.into_owned(), events, now, &[]).await?;
                        return Err(failure);
                    }
                }
            }
            Command::DeviceView {
                device_id,
                request_id,
            } => {
                match record.rules.device(&device_id) {
                    None => return Err(Failure::new(ErrorCode::NotFound, "no such device")),
                    // As for its poll and its inbox: a locked device learns nothing more.
                    Some(d) if d.locked => {
                        return Err(Failure::new(ErrorCode::Forbidden, "device locked"));
                    }
                    Some(_) => {}
                }
                let view = record
                    .rules
                    .view(now, &request_id)
                    .map_err(|_| Failure::new(ErrorCode::NotFound, "no such request"))?;
                (to_value(&requests::view(&record, view))?, false)
            }
            Command::Pending { device_id } => {
                (to_value(&pending::list(&record, &device_id, now)?)?, false)
            }
            Command::PushStillWanted {
                device_id,
                request_id,
                push_seq,
            } => {
                let pending = record
                    .rules
                    .view(now, &request_id)
                    .is_ok_and(|v| v.status == assent_rules::Status::Pending);
                let same_subscription = record.rules.device(&device_id).is_some_and(|d| {
                    d.push_seq == push_seq && d.push == assent_rules::PushState::Active
                });
                (
                    serde_json::json!({ "wanted": pending && same_subscription }),
                    false,
                )
            }
            Command::PushGone {
                device_id,
                push_seq,
            } => {
                let effects = record
                    .to_mut()
                    .rules
                    .mark_push_gone(&device_id, push_seq)
                    .map_err(|e| rules_map::refusal(&e))?;
                if !effects.is_empty() {
                    events.extend(events::push_gone(&record, &device_id));
                }
                (serde_json::json!({ "gone": !effects.is_empty() }), true)
            }
        };
        // Saved before answering: the object's output gate holds the answer until the
        // write is durable, and a refused command returned early without changing anything.
        events.extend(events::finals(&record, now, &finals));
        if changed || !events.is_empty() {
            let mut record = record.into_owned();
            prune(&mut record, now);
            self.commit(record, events, now, &finals).await?;
        }
        Ok(answer)
    }
}

impl Account {
    /// Sends each final status to the widgets watching that request (SPEC §9).
    fn broadcast(&self, record: &AccountRecord, now: u64, finals: &[requests::Final]) {
        for f in finals {
            let Some(text) = live::status_text(record, now, &f.request_id) else {
                continue;
            };
            for socket in self.state.get_websockets_with_tag(&f.request_id) {
                // A socket that closed meanwhile is the runtime's to clean up.
                let _ = socket.send_with_str(&text);
            }
        }
    }

    /// The saved record: from memory, or from storage the first time (and after a failed
    /// write).
    async fn load(&self) -> std::result::Result<Rc<AccountRecord>, Failure> {
        if let Some(saved) = self.saved.borrow().clone() {
            return Ok(saved);
        }
        let record: AccountRecord = self
            .state
            .storage()
            .get(RECORD_KEY)
            .await?
            .unwrap_or_default();
        // A command that ran during the read saved a newer record: that one stands.
        let mut saved = self.saved.borrow_mut();
        Ok(saved.get_or_insert_with(|| Rc::new(record)).clone())
    }

    /// Writes `record` and makes it the saved one. After a failed write nothing is known
    /// of what storage holds, so memory is dropped and the next command reads it again.
    async fn save(&self, record: AccountRecord) -> std::result::Result<Rc<AccountRecord>, Failure> {
        match self.state.storage().put(RECORD_KEY, &record).await {
            Ok(()) => {
                let saved = Rc::new(record);
                *self.saved.borrow_mut() = Some(Rc::clone(&saved));
                Ok(saved)
            }
            Err(e) => {
                *self.saved.borrow_mut() = None;
                Err(e.into())
            }
        }
    }

    /// Saves the record with `events` in its outbox (one write: the change and the events
    /// that report it), tells the widgets watching `finals` once that write is durable,
    /// then hands the outbox to the Queue and saves again without what it took. Whatever
    /// the Queue refused, or a crash between the two writes left behind, the alarm sends
    /// later; an event may then go out twice, with the same id (receivers dedupe by id,
    /// SPEC §9).
    async fn commit(
        &self,
        mut record: AccountRecord,
        events: Vec<assent_webhook::Event>,
        now: u64,
        finals: &[requests::Final],
    ) -> std::result::Result<(), Failure> {
        record.outbox.extend(events);
        self.sync_alarm(&record).await?;
        let saved = self.save(record).await?;
        self.broadcast(&saved, now, finals);
        // The change is durable and its events are in the saved outbox: a failure from here
        // on must not turn the answer into an error (a recorded decision answered 500 would
        // lose its receipt). The alarm sends what is left.
        if let Err(failure) = self.flush_outbox(&saved).await {
            worker::console_error!("account: outbox left for the alarm: {failure:?}");
        }
        Ok(())
    }

    /// Sends the outbox of `saved` (the record just written); saves (and re-arms the alarm)
    /// only when the Queue took something. Other commands may run while the Queue is
    /// awaited, so what was sent is taken out of the record as it is afterwards, never
    /// written over it from a copy made before.
    async fn flush_outbox(&self, saved: &AccountRecord) -> std::result::Result<(), Failure> {
        if saved.outbox.is_empty() {
            return Ok(());
        }
        let refused = webhooks::enqueue(&self.env, &saved.rp_id, saved.outbox.clone()).await;
        let refused: BTreeSet<&str> = refused.iter().map(|e| e.id.as_str()).collect();
        let sent: BTreeSet<&str> = saved
            .outbox
            .iter()
            .map(|e| e.id.as_str())
            .filter(|id| !refused.contains(id))
            .collect();
        if sent.is_empty() {
            return Ok(());
        }
        let mut record = (*self.load().await?).clone();
        record.outbox.retain(|e| !sent.contains(e.id.as_str()));
        self.sync_alarm(&record).await?;
        self.save(record).await.map(|_| ())
    }
    /// One alarm, at the earliest pending expiry (SPEC §9: expiry is detected by the edge),
    /// or sooner while the outbox holds events the Queue has not taken.
    async fn sync_alarm(&self, record: &AccountRecord) -> std::result::Result<(), Failure> {
        let storage = self.state.storage();
        let retry =
            (!record.outbox.is_empty()).then(|| clock::now().saturating_add(OUTBOX_RETRY_SECONDS));
        let next = match (record.rules.next_alarm(), retry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match next {
            Some(at) => {
                let offset_ms = i64::try_from(at.saturating_mul(1000))
                    .unwrap_or(i64::MAX)
                    .saturating_sub(i64::try_from(worker::Date::now().as_millis()).unwrap_or(0));
                storage.set_alarm(offset_ms.max(0)).await?;
            }
            None => storage.delete_alarm().await?,
        }
        Ok(())
    }

    /// Expires what is due, re-arms the alarm for the next expiry, and sends the
    /// `request.expired` webhooks (SPEC §9: expiry is detected by the edge itself).
    async fn expire_due(&self) -> std::result::Result<(), Failure> {
        let mut record = (*self.load().await?).clone();
        let now = clock::now();
        let effects = record.rules.on_alarm(now);
        let finals = requests::finals(&effects);
        let events = events::finals(&record, now, &finals);
        // Also the outbox's second chance: events left by an earlier refused Queue send.
        self.commit(record, events, now, &finals).await
    }
}

/// How soon the alarm retries webhook events the Queue did not take.
const OUTBOX_RETRY_SECONDS: u64 = 10;

/// How long a final request stays readable (GET, receipts) after it expired.
const RETENTION_SECONDS: u64 = 86_400;

/// Forgets requests final for longer than the retention, with their tokens and receipts,
/// so an account's record stays the size of its recent history.
fn prune(record: &mut AccountRecord, now: u64) {
    if record.rules.prune(now, RETENTION_SECONDS) == 0 {
        return;
    }
    let rules = &record.rules;
    record
        .status_tokens
        .retain(|id, _| rules.request(id).is_some());
    record.receipts.retain(|id, _| rules.request(id).is_some());
}

fn to_value<T: Serialize>(value: &T) -> std::result::Result<serde_json::Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::internal("account: encode", e))
}

/// The Durable Object name of an account. RP ids never contain `:` (`[a-z0-9-]`), so the
/// first `:` separates them from any user id.
fn object_name(rp_id: &str, user_id: &str) -> String {
    format!("{rp_id}:{user_id}")
}

/// The account object of `(rp_id, user_id)`.
pub fn stub(env: &Env, rp_id: &str, user_id: &str) -> std::result::Result<worker::Stub, Failure> {
    Ok(env
        .durable_object("ACCOUNT")?
        .get_by_name(&object_name(rp_id, user_id))?)
}

/// Sends `command` to the account `(rp_id, user_id)` and decodes its answer; an error
/// answer comes back as the same SPEC §11 failure.
pub async fn call<T: DeserializeOwned>(
    env: &Env,
    rp_id: &str,
    user_id: &str,
    command: &Command,
) -> std::result::Result<T, Failure> {
    let stub = stub(env, rp_id, user_id)?;
    let envelope = serde_json::json!({ "rp_id": rp_id, "user_id": user_id, "command": command });
    let body = serde_json::to_string(&envelope).map_err(|e| Failure::internal("encode", e))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let request = Request::new_with_init("https://account/command", &init)?;
    let mut response = stub.fetch_with_request(request).await?;
    if response.status_code() == 200 {
        return Ok(response.json().await?);
    }
    let retry_after = response
        .headers()
        .get("Retry-After")?
        .and_then(|v| v.parse().ok());
    let body: ErrorBody = response.json().await?;
    let failure = Failure::from(body);
    Err(match retry_after {
        Some(seconds) => failure.with_retry_after(seconds),
        None => failure,
    })
}
