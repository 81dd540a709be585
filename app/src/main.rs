//! The Assent authenticator: a Leptos 0.8 client-side PWA (SPEC §2–§7, the device side).
//! Pages are thin over `assent-proto`'s wire types; the request hash and the signed
//! statement are computed here by the same code the edge runs.

mod api;
mod app;
mod channel;
mod format;
mod js;
mod nav;
mod pages;
mod problem;
mod push;
mod route;
mod store;
mod ui;
mod webauthn;

use wasm_bindgen::JsCast;

fn main() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(root) = document
        .get_element_by_id("app")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    // The splash in index.html shows until the app has something to draw.
    if let Some(splash) = document.get_element_by_id("splash") {
        splash.remove();
    }
    leptos::mount::mount_to(root, app::App).forget();
}
