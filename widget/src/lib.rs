//! `<assent-status>`: the live status widget a website embeds (SPEC §9).
//!
//! `widget.js` (hand-written, next to this crate) defines the custom element, because a
//! custom element class must be JavaScript; each element then owns one [`Widget`] that does
//! everything else: its shadow DOM, the status read (`GET /v1/status/{id}`), the live
//! WebSocket (`/live`) with reconnection and a polling fallback, the countdown, the polite
//! announcements and the `assent-status` events.
//!
//! The pure parts (status words, sentences, countdown, backoff) are in [`text`] and tested
//! natively; the rest runs in the browser and is tested there (tests/widget/).
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::cast_possible_truncation
    )
)]

mod dom;
mod session;
pub mod text;

use wasm_bindgen::prelude::*;

/// The logic of one `<assent-status>` element.
#[wasm_bindgen]
pub struct Widget {
    session: session::Session,
}

#[wasm_bindgen]
impl Widget {
    /// Attaches the shadow DOM to `host` (the custom element) and shows nothing yet.
    #[wasm_bindgen(constructor)]
    pub fn new(host: web_sys::HtmlElement) -> Result<Widget, JsValue> {
        Ok(Self {
            session: session::Session::new(host)?,
        })
    }

    /// Follows `request_id` with its status `token` at the `edge` origin. Calling it again
    /// with the same values does nothing; with others it drops the old request first.
    /// An empty id or token shows nothing.
    pub fn follow(&self, request_id: &str, token: &str, edge: &str) {
        self.session.follow(request_id, token, edge);
    }

    /// Closes the socket and clears every timer (the element left the page).
    pub fn stop(&self) {
        self.session.stop();
    }
}
