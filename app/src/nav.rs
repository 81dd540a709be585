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

/// Sets the document title so each screen is announced by its name.
pub fn set_title(screen: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{screen} · Assent"));
    }
}
