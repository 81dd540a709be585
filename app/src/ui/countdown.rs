//! A live countdown to a request's expiry.

use std::time::Duration;

use leptos::prelude::*;

use crate::format;
use crate::js::edge_now_seconds;

/// "Expires in m:ss" by the edge's clock, ticking every second; sets `expired` when it
/// reaches zero. A timer
/// role is not announced on every tick, so screen readers are not flooded.
#[component]
pub fn Countdown(expires_at: u64, expired: RwSignal<bool>) -> impl IntoView {
    let now = RwSignal::new(edge_now_seconds());
    let left = move || {
        i64::try_from(expires_at).unwrap_or(i64::MAX) - i64::try_from(now.get()).unwrap_or(0)
    };
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(edge_now_seconds()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    Effect::new(move |_| {
        if left() <= 0 && !expired.get_untracked() {
            expired.set(true);
        }
    });
    view! {
        <p class="countdown" role="timer" class:urgent=move || left() < 30>
            {move || if left() > 0 { format!("Expires in {}", format::countdown(left())) } else { "Expired".to_owned() }}
        </p>
    }
}
