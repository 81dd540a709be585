//! The shell: header, offline banner, the current screen, and the work done at every start
//! (service worker, push subscription re-sent when it changed).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::nav;
use crate::pages::{AccountsPage, ActivatePage, InboxPage, RequestPage};
use crate::problem::Problem;
use crate::route::Route;
use crate::{push, store};

/// Shared by every page: whether the network is there, and a counter bumped when a push or
/// a focus means pending requests should be fetched again.
#[derive(Clone, Copy)]
pub struct Shell {
    /// False after a failed fetch or an `offline` event, until the next `online`.
    pub online: RwSignal<bool>,
    /// Bumped on push messages from the service worker and when the app regains focus.
    pub refresh: RwSignal<u32>,
}

impl Shell {
    /// Records what a failed call says about the network.
    pub fn note(&self, problem: &Problem) {
        if *problem == Problem::Offline {
            self.online.set(false);
        }
    }
}

/// The shell's state, from any page.
pub fn shell() -> Shell {
    use_context::<Shell>().unwrap_or_else(|| Shell {
        online: RwSignal::new(true),
        refresh: RwSignal::new(0),
    })
}

fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// The app.
#[component]
pub fn App() -> impl IntoView {
    let route = RwSignal::new(Route::parse(&nav::current_hash()));
    let shell = Shell {
        online: RwSignal::new(navigator_online()),
        refresh: RwSignal::new(0),
    };
    provide_context(shell);

    let on_hash = window_event_listener(leptos::ev::hashchange, move |_| {
        route.set(Route::parse(&nav::current_hash()));
        scroll_to_top();
        nav::focus_heading();
    });
    let on_online = window_event_listener(leptos::ev::online, move |_| {
        shell.online.set(true);
        shell.refresh.update(|n| *n += 1);
    });
    let on_offline = window_event_listener(leptos::ev::offline, move |_| shell.online.set(false));
    let on_focus = window_event_listener(leptos::ev::focus, move |_| {
        shell.refresh.update(|n| *n += 1);
    });
    // A phone brings the app back by showing it, not always by focusing it.
    let on_visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            shell.refresh.update(|n| *n += 1);
        }
    });
    on_cleanup(move || {
        on_visible.remove();
        on_hash.remove();
        on_online.remove();
        on_offline.remove();
        on_focus.remove();
    });
    listen_to_service_worker(shell);
    leptos::task::spawn_local(start(shell));

    view! {
        <a class="skip" href="#main" on:click=|ev| { ev.prevent_default(); focus_main(); }>"Skip to content"</a>
        <header class="bar">
            <a class="brand" href="#/" aria-label="Assent: your accounts">
                <img src="/icons/favicon.svg" alt="" width="28" height="28"/>
                <span>"Assent"</span>
            </a>
        </header>
        <Show when=move || !shell.online.get()>
            <div class="offline" role="status">
                "You are offline. Requests cannot be fetched or answered until the connection is back."
            </div>
        </Show>
        <main id="main" tabindex="-1">
            {move || match route.get() {
                Route::Accounts => view! { <AccountsPage/> }.into_any(),
                Route::ActivateEntry => view! { <ActivatePage code=None/> }.into_any(),
                Route::Activate(code) => view! { <ActivatePage code=Some(code)/> }.into_any(),
                Route::Request { device_id, request_id } => {
                    view! { <RequestPage device_id request_id/> }.into_any()
                }
                Route::Inbox(device_id) => view! { <InboxPage device_id open=None/> }.into_any(),
            }}
        </main>
    }
}

fn scroll_to_top() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

fn focus_main() {
    if let Some(main) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}

/// At every start: register the service worker, then re-send each account's push
/// subscription if it differs from what the edge last got (SPEC §7).
async fn start(shell: Shell) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    if let Err(e) = crate::js::wait(Ok(container.register("/sw.js"))).await {
        web_sys::console::warn_1(&format!("service worker not registered: {}", e.message()).into());
        return;
    }
    let Ok(accounts) = store::all().await else {
        return;
    };
    if accounts.is_empty() {
        return;
    }
    let current = match push::current().await {
        Ok(current) => current,
        Err(e) => {
            web_sys::console::warn_1(&format!("push subscription unknown: {}", e.message()).into());
            return;
        }
    };
    for mut account in accounts {
        // Only a subscription the user granted is sent; a vanished one is reported as null
        // so the edge stops pushing to it.
        match push::sync(&mut account, current.as_ref()).await {
            Ok(true) => shell.refresh.update(|n| *n += 1),
            Ok(false) => {}
            Err(e) => {
                shell.note(&e);
                web_sys::console::warn_1(&format!("push re-registration: {}", e.message()).into());
            }
        }
    }
}

/// Messages from the service worker: a push arrived (fetch again), or a notification was
/// clicked while this window was open (go there).
fn listen_to_service_worker(shell: Shell) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let handler = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
        move |event: web_sys::MessageEvent| {
            let data = event.data();
            match crate::js::get(&data, "type").as_string().as_deref() {
                Some("assent-push") => shell.refresh.update(|n| *n += 1),
                Some("assent-open") => {
                    if let Some(url) = crate::js::get(&data, "url").as_string()
                        && let Some(at) = url.find('#')
                    {
                        nav::go(&Route::parse(url.get(at..).unwrap_or_default()));
                    }
                }
                _ => {}
            }
        },
    );
    container.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The shell lives as long as the page.
    handler.forget();
}
