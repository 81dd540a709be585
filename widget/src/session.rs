//! Following one request: the first read, the live WebSocket with reconnection, polling
//! while the socket is down, the countdown, and stopping everything once the status is final.
//!
//! Every asynchronous callback carries the generation it was started for; following another
//! request (or stopping) bumps the generation, so a late answer about the old request is
//! dropped instead of shown. Timer and socket callbacks are `Closure`s owned here and
//! detached before they are dropped, so nothing fires into freed memory.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Date, Function, JSON, Math, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, CustomEvent, CustomEventInit, Headers, HtmlElement, MessageEvent, RequestCache,
    RequestCredentials, RequestInit, RequestMode, Response, WebSocket, Window,
};

use crate::dom::View;
use crate::text::{self, Problem, Snapshot, Status};

/// SPEC-side polling period while the socket is down (the issue: every 2 s).
const POLL_MS: i32 = 2_000;
/// After the countdown reaches zero, how often to ask whether the edge has marked the
/// request expired (its alarm normally tells the socket first).
const OVERDUE_READ_MS: i32 = 2_000;

/// How long one status read may take before it counts as a failure (a connection that
/// hangs must not stop the polling, which waits for the read under way).
const READ_TIMEOUT_MS: u32 = 10_000;

#[wasm_bindgen]
extern "C" {
    /// `AbortSignal.timeout(ms)`, or an error where the browser lacks it (the read then
    /// simply has no timeout).
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(ms: u32) -> Result<AbortSignal, JsValue>;
}

/// The request being followed.
#[derive(Clone, PartialEq)]
struct Target {
    request_id: String,
    token: String,
    edge: String,
}

/// An open (or opening) socket with its handlers.
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut()>,
}

impl Socket {
    /// Detaches the handlers and closes the socket (1000: normal closure).
    fn close(&self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close_with_code(1000);
    }
}

/// Timer callbacks, made once per element and reused, so clearing a timer leaks nothing.
struct Callbacks {
    tick: Closure<dyn FnMut()>,
    poll: Closure<dyn FnMut()>,
    reconnect: Closure<dyn FnMut()>,
    retry: Closure<dyn FnMut()>,
}

struct Inner {
    window: Window,
    host: HtmlElement,
    view: View,
    callbacks: Option<Callbacks>,
    target: Option<Target>,
    /// `target`'s edge origin and its WebSocket origin.
    origins: (String, String),
    generation: u32,
    last: Option<Snapshot>,
    /// The problem on screen, if any (shown and announced once, not per retry).
    problem: Option<Problem>,
    /// Final status or final problem: nothing more to do for this target.
    done: bool,
    socket: Option<Socket>,
    /// A closed socket, kept until the next one opens: its closure may be the one running.
    retired: Option<Socket>,
    socket_open: bool,
    socket_attempt: u32,
    read_attempt: u32,
    reading: bool,
    tick_timer: Option<i32>,
    poll_timer: Option<i32>,
    reconnect_timer: Option<i32>,
    retry_timer: Option<i32>,
}

/// What to dispatch once the state is no longer borrowed (listeners may call back in).
enum Notice {
    Status(Snapshot),
    Problem(Problem),
}

/// The widget's state for one `<assent-status>` element.
pub struct Session(Rc<RefCell<Inner>>);

impl Session {
    /// A session showing nothing yet, rendering into `host`'s shadow root.
    pub fn new(host: HtmlElement) -> Result<Self, JsValue> {
        let window =
            web_sys::window().ok_or_else(|| JsValue::from_str("assent-status: no window"))?;
        let mut view = View::new(&host)?;
        view.idle();
        let rc = Rc::new(RefCell::new(Inner {
            window,
            host,
            view,
            callbacks: None,
            target: None,
            origins: (String::new(), String::new()),
            generation: 0,
            last: None,
            problem: None,
            done: false,
            socket: None,
            retired: None,
            socket_open: false,
            socket_attempt: 0,
            read_attempt: 0,
            reading: false,
            tick_timer: None,
            poll_timer: None,
            reconnect_timer: None,
            retry_timer: None,
        }));
        let weak = Rc::downgrade(&rc);
        let callback = |f: fn(&Rc<RefCell<Inner>>)| {
            let weak = weak.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Some(rc) = weak.upgrade() {
                    f(&rc);
                }
            })
        };
        let callbacks = Callbacks {
            tick: callback(on_tick),
            poll: callback(on_poll),
            reconnect: callback(on_reconnect),
            retry: callback(on_retry),
        };
        rc.borrow_mut().callbacks = Some(callbacks);
        Ok(Self(rc))
    }

    /// Follows `request_id` with `token` at `edge`; the same target again changes nothing,
    /// another one drops everything about the previous one first.
    pub fn follow(&self, request_id: &str, token: &str, edge: &str) {
        let target = Target {
            request_id: request_id.trim().to_owned(),
            token: token.trim().to_owned(),
            edge: edge.to_owned(),
        };
        let notice = {
            let mut s = self.0.borrow_mut();
            if s.target.as_ref() == Some(&target) {
                return;
            }
            s.reset();
            let empty = target.request_id.is_empty() || target.token.is_empty();
            let origins = text::edge_origins(&target.edge);
            s.target = Some(target);
            match origins {
                _ if empty => {
                    s.view.idle();
                    return;
                }
                None => Some(s.fail_for_good(Problem::BadEdge)),
                Some(origins) => {
                    s.origins = origins;
                    s.view.loading();
                    None
                }
            }
        };
        match notice {
            Some(notice) => dispatch(&self.0, notice),
            None => read(&self.0),
        }
    }

    /// Stops following (the element left the page): closes the socket, clears every timer.
    /// Following again later starts afresh, even for the same request.
    pub fn stop(&self) {
        let mut s = self.0.borrow_mut();
        s.reset();
        s.target = None;
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Inner {
    /// Forgets the current target's progress: a new generation, no socket, no timers.
    fn reset(&mut self) {
        self.halt();
        self.retired = None;
        self.generation = self.generation.wrapping_add(1);
        self.last = None;
        self.problem = None;
        self.done = false;
        self.socket_attempt = 0;
        self.read_attempt = 0;
        self.reading = false;
    }

    /// Closes the socket and clears every timer (the state shown stays).
    fn halt(&mut self) {
        if let Some(socket) = self.socket.take() {
            socket.close();
            self.retired = Some(socket);
        }
        self.socket_open = false;
        for timer in [
            self.poll_timer.take(),
            self.reconnect_timer.take(),
            self.retry_timer.take(),
        ]
        .into_iter()
        .flatten()
        {
            self.window.clear_interval_with_handle(timer);
            self.window.clear_timeout_with_handle(timer);
        }
        if let Some(timer) = self.tick_timer.take() {
            self.window.clear_timeout_with_handle(timer);
        }
    }

    fn status_url(&self) -> Option<String> {
        let target = self.target.as_ref()?;
        Some(
            [
                self.origins.0.as_str(),
                "/v1/status/",
                &encode(&target.request_id),
            ]
            .concat(),
        )
    }

    fn live_url(&self) -> Option<String> {
        let target = self.target.as_ref()?;
        Some(
            [
                self.origins.1.as_str(),
                "/v1/status/",
                &encode(&target.request_id),
                "/live?token=",
                &encode(&target.token),
            ]
            .concat(),
        )
    }

    fn set_timeout(&self, pick: fn(&Callbacks) -> &Closure<dyn FnMut()>, ms: f64) -> Option<i32> {
        let callback = pick(self.callbacks.as_ref()?);
        let ms = ms.clamp(0.0, 60_000.0);
        // Clamped to a minute: the cast is exact enough for a timer.
        #[allow(clippy::cast_possible_truncation)]
        let ms = ms as i32;
        self.window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref::<Function>(),
                ms,
            )
            .ok()
    }

    /// Starts polling (every 2 s) unless it runs already.
    fn start_polling(&mut self) {
        if self.poll_timer.is_some() || self.done {
            return;
        }
        let Some(callbacks) = self.callbacks.as_ref() else {
            return;
        };
        self.poll_timer = self
            .window
            .set_interval_with_callback_and_timeout_and_arguments_0(
                callbacks.poll.as_ref().unchecked_ref::<Function>(),
                POLL_MS,
            )
            .ok();
    }

    fn stop_polling(&mut self) {
        if let Some(timer) = self.poll_timer.take() {
            self.window.clear_interval_with_handle(timer);
        }
    }

    /// Shows a problem that ends this target and stops everything.
    fn fail_for_good(&mut self, problem: Problem) -> Notice {
        self.done = true;
        self.halt();
        self.problem = Some(problem);
        self.view.problem(problem);
        self.view.announce(problem.message());
        Notice::Problem(problem)
    }
}

/// `encodeURIComponent`.
fn encode(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}

/// Reads the status once (`GET /v1/status/{id}`), unless a read is under way.
fn read(rc: &Rc<RefCell<Inner>>) {
    let (url, token, generation) = {
        let mut s = rc.borrow_mut();
        let (Some(url), Some(target)) = (s.status_url(), s.target.as_ref()) else {
            return;
        };
        let token = target.token.clone();
        if s.reading || s.done {
            return;
        }
        s.reading = true;
        (url, token, s.generation)
    };
    let window = rc.borrow().window.clone();
    let weak = Rc::downgrade(rc);
    wasm_bindgen_futures::spawn_local(async move {
        let result = fetch_status(&window, &url, &token).await;
        if let Some(rc) = weak.upgrade() {
            on_read(&rc, generation, result);
        }
    });
}

/// One status read, each failure named (SPEC §11 statuses, or what the browser allows us to
/// see of a failure: nothing, when CORS withholds the answer).
async fn fetch_status(window: &Window, url: &str, token: &str) -> Result<Snapshot, Problem> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(RequestCredentials::Omit);
    let headers = Headers::new().map_err(|_| Problem::Unexpected)?;
    let mut bearer = String::from("Bearer ");
    bearer.push_str(token);
    headers
        .set("Authorization", &bearer)
        .map_err(|_| Problem::Unauthorized)?;
    init.set_headers(&headers);
    if let Ok(signal) = abort_after(READ_TIMEOUT_MS) {
        init.set_signal(Some(&signal));
    }
    let answer = match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
        Ok(answer) => answer,
        Err(_) => return Err(probe(window, url).await),
    };
    let response: Response = answer.dyn_into().map_err(|_| Problem::Unexpected)?;
    match response.status() {
        200 => {}
        401 => return Err(Problem::Unauthorized),
        404 => return Err(Problem::NotFound),
        _ => return Err(Problem::Unexpected),
    }
    let body = response.json().map_err(|_| Problem::Unexpected)?;
    let body = JsFuture::from(body)
        .await
        .map_err(|_| Problem::Unexpected)?;
    snapshot_of(&body).ok_or(Problem::Unexpected)
}

/// After a failed CORS read, tells "the edge answered but the browser withheld it" from
/// "nothing answered": a `no-cors` request (opaque answer, no credentials, no preflight)
/// succeeds exactly when the edge is reachable from this page.
async fn probe(window: &Window, url: &str) -> Problem {
    let init = RequestInit::new();
    init.set_mode(RequestMode::NoCors);
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(RequestCredentials::Omit);
    match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
        Ok(_) => Problem::Refused,
        Err(_) => Problem::Unreachable,
    }
}

/// The snapshot in a parsed status object.
fn snapshot_of(value: &JsValue) -> Option<Snapshot> {
    let member = |name: &str| Reflect::get(value, &JsValue::from_str(name)).ok();
    Snapshot::from_members(
        member("status").and_then(|v| v.as_string()).as_deref(),
        member("reason").and_then(|v| v.as_string()).as_deref(),
        member("expires_at").and_then(|v| v.as_f64()),
        member("binding_code").and_then(|v| v.as_string()),
    )
}

fn on_read(rc: &Rc<RefCell<Inner>>, generation: u32, result: Result<Snapshot, Problem>) {
    let notice = {
        let mut s = rc.borrow_mut();
        if s.generation != generation {
            return;
        }
        s.reading = false;
        match result {
            Ok(snapshot) => {
                s.read_attempt = 0;
                drop(s);
                apply(rc, snapshot);
                let mut s = rc.borrow_mut();
                if !s.done && s.socket.is_none() && s.reconnect_timer.is_none() {
                    drop(s);
                    open_socket(rc);
                } else if s.socket_open {
                    s.stop_polling();
                }
                return;
            }
            // Once a status was read, the origin and token are good: any failure passes, and
            // the socket or the polling carries on.
            Err(_) if s.last.is_some() => return,
            Err(problem) if problem.is_final() => s.fail_for_good(problem),
            Err(problem) => {
                if s.problem != Some(problem) {
                    s.problem = Some(problem);
                    s.view.problem(problem);
                    s.view.announce(problem.message());
                }
                let delay = text::backoff_ms(s.read_attempt, Math::random());
                s.read_attempt = s.read_attempt.saturating_add(1);
                s.retry_timer = s.set_timeout(|c| &c.retry, delay);
                return;
            }
        }
    };
    dispatch(rc, notice);
}

/// Shows a status object (from a read or the socket) and tells the page when it is news.
fn apply(rc: &Rc<RefCell<Inner>>, snapshot: Snapshot) {
    let news = {
        let mut s = rc.borrow_mut();
        if s.done {
            return;
        }
        if s.last.as_ref() == Some(&snapshot) {
            return;
        }
        let news = snapshot.is_news_after(s.last.as_ref());
        s.problem = None;
        s.view.show(&snapshot);
        if news {
            s.view.announce(&text::announcement(&snapshot));
        }
        let status = snapshot.status;
        s.last = Some(snapshot.clone());
        if status.is_final() {
            s.done = true;
            s.halt();
        }
        news
    };
    on_tick(rc);
    if news {
        dispatch(rc, Notice::Status(snapshot));
    }
}

/// Dispatches `assent-status` (`detail: {status, reason?}`) or `assent-error`
/// (`detail: {error}`) on the host; both bubble out of the shadow tree.
fn dispatch(rc: &Rc<RefCell<Inner>>, notice: Notice) {
    let host = rc.borrow().host.clone();
    let detail = Object::new();
    let set = |name: &str, value: &str| {
        let _ = Reflect::set(&detail, &JsValue::from_str(name), &JsValue::from_str(value));
    };
    let kind = match notice {
        Notice::Status(snapshot) => {
            set("status", snapshot.status.as_str());
            if let Some(reason) = snapshot.reason {
                set("reason", reason.as_str());
            }
            "assent-status"
        }
        Notice::Problem(problem) => {
            set("error", problem.as_str());
            "assent-error"
        }
    };
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(kind, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// Opens the live socket; polling runs until it is open.
fn open_socket(rc: &Rc<RefCell<Inner>>) {
    let mut s = rc.borrow_mut();
    if s.done || s.socket.is_some() {
        return;
    }
    s.retired = None;
    s.start_polling();
    let Some(url) = s.live_url() else {
        return;
    };
    let ws = match WebSocket::new(&url) {
        Ok(ws) => ws,
        // Refused at once (a page's CSP, say): retry later; polling carries on meanwhile.
        Err(_) => {
            schedule_reconnect(&mut s);
            return;
        }
    };
    let generation = s.generation;
    let weak = Rc::downgrade(rc);
    let current = move || {
        weak.upgrade()
            .filter(|rc| rc.borrow().generation == generation)
    };
    let on_open = {
        let current = current.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(rc) = current() {
                {
                    let mut s = rc.borrow_mut();
                    s.socket_open = true;
                    s.stop_polling();
                }
                // A change may have happened while disconnected: read it now.
                read(&rc);
            }
        })
    };
    let on_message = {
        let current = current.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(rc) = current() else { return };
            let parsed = event
                .data()
                .as_string()
                .and_then(|text| JSON::parse(&text).ok())
                .and_then(|value| snapshot_of(&value));
            if let Some(snapshot) = parsed {
                // The edge sends the status as soon as it accepts a socket: only then is the
                // connection known good (a socket that opens and drops at once keeps backing off).
                rc.borrow_mut().socket_attempt = 0;
                apply(&rc, snapshot);
            }
        })
    };
    let on_close = Closure::<dyn FnMut()>::new(move || {
        if let Some(rc) = current() {
            let mut s = rc.borrow_mut();
            if let Some(socket) = s.socket.take() {
                socket.close();
                s.retired = Some(socket);
            }
            s.socket_open = false;
            if !s.done {
                s.start_polling();
                schedule_reconnect(&mut s);
            }
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // An error is always followed by a close; the close handles both.
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    s.socket = Some(Socket {
        ws,
        _on_open: on_open,
        _on_message: on_message,
        _on_close: on_close,
    });
}

fn schedule_reconnect(s: &mut Inner) {
    if s.reconnect_timer.is_some() || s.done {
        return;
    }
    let delay = text::backoff_ms(s.socket_attempt, Math::random());
    s.socket_attempt = s.socket_attempt.saturating_add(1);
    s.reconnect_timer = s.set_timeout(|c| &c.reconnect, delay);
}

fn on_reconnect(rc: &Rc<RefCell<Inner>>) {
    rc.borrow_mut().reconnect_timer = None;
    open_socket(rc);
}

fn on_retry(rc: &Rc<RefCell<Inner>>) {
    rc.borrow_mut().retry_timer = None;
    read(rc);
}

fn on_poll(rc: &Rc<RefCell<Inner>>) {
    let open = rc.borrow().socket_open;
    if !open {
        read(rc);
    }
}

/// Updates the countdown and sets the next tick just after the next whole second (the
/// text changes only there, since `expires_at` is whole seconds).
fn on_tick(rc: &Rc<RefCell<Inner>>) {
    let overdue = {
        let mut s = rc.borrow_mut();
        if let Some(timer) = s.tick_timer.take() {
            s.window.clear_timeout_with_handle(timer);
        }
        let Some(expires_at) = s
            .last
            .as_ref()
            .filter(|l| l.status == Status::Pending && !s.done)
            .map(|l| l.expires_at)
        else {
            return;
        };
        let now = Date::now();
        let remaining = expires_at * 1000.0 - now;
        s.view.countdown(text::countdown(remaining));
        let overdue = remaining <= 0.0;
        let delay = if overdue {
            f64::from(OVERDUE_READ_MS)
        } else {
            1000.0 - now % 1000.0 + 20.0
        };
        s.tick_timer = s.set_timeout(|c| &c.tick, delay);
        overdue
    };
    if overdue {
        read(rc);
    }
}
