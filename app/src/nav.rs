//! Moving between screens: the hash is the single source of the current route.

use crate::route::Route;

/// The current `location.hash`.
pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Shows `route` (adds a history entry, so Back works).
pub fn go(route: &Route) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&route.href());
    }
}

/// Moves focus to the screen's `h1` (given tabindex -1 here, so every screen's heading
/// can take it), or to `#main` while the screen has none yet, once the view is drawn. Called
/// when the screen changes: without it focus stays on a link of the old screen (or falls to
/// the body), and a screen reader says nothing of the new one.
pub fn focus_heading() {
    use wasm_bindgen::JsCast;
    leptos::prelude::request_animation_frame(|| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let target = match document.query_selector("#main h1").ok().flatten() {
            Some(heading) => {
                if !heading.has_attribute("tabindex") {
                    let _ = heading.set_attribute("tabindex", "-1");
                }
                Some(heading)
            }
            None => document.get_element_by_id("main"),
        };
        if let Some(target) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = target.focus();
        }
    });
}

/// Swaps the current history entry's address for `hash` without leaving the screen shown
/// (`replaceState` fires no `hashchange`).
pub fn replace(hash: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

/// Sets the document title so each screen is announced by its name.
pub fn set_title(screen: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{screen} · Assent"));
    }
}
