//! `#/requests/<device_id>/<request_id>`: the request a notification opens (gateway mode).
//! A secure-mode account shows its inbox instead, since details come only through it.

use assent_proto::api::{DeviceRequest, Mode};
use leptos::prelude::*;

use crate::app::shell;
use crate::pages::InboxPage;
use crate::pages::next::go_next;
use crate::problem::Problem;
use crate::store::{self, Account};
use crate::ui::{Outcome, RequestView};
use crate::{api, nav};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Load {
    Loading,
    Unknown,
    Secure,
    Ready(Box<(Account, DeviceRequest)>),
    Failed(Problem),
}

/// The request page.
#[component]
pub fn RequestPage(device_id: String, request_id: String) -> impl IntoView {
    let shell = shell();
    let state = RwSignal::new(Load::Loading);
    let load = {
        let (device_id, request_id) = (device_id.clone(), request_id.clone());
        move || {
            let (device_id, request_id) = (device_id.clone(), request_id.clone());
            state.set(Load::Loading);
            leptos::task::spawn_local(async move {
                state.set(match store::get(&device_id).await {
                    Ok(None) => Load::Unknown,
                    Ok(Some(account)) if account.mode == Mode::Secure => Load::Secure,
                    Ok(Some(account)) => match api::device_request(&device_id, &request_id).await {
                        Ok(item) => Load::Ready(Box::new((account, item))),
                        Err(p) => {
                            shell.note(&p);
                            Load::Failed(p)
                        }
                    },
                    Err(p) => Load::Failed(p),
                });
            });
        }
    };
    load();
    nav::set_title("Request");
    // The route change focused `#main` while this was loading; the loaded screen's heading
    // takes it (and again after a retry).
    Effect::new(move |before: Option<std::mem::Discriminant<Load>>| {
        let now = state.with(std::mem::discriminant);
        if before.is_some_and(|b| b != now) {
            nav::focus_heading();
        }
        now
    });
    let retry = load.clone();
    move || {
        match state.get() {
        Load::Loading => view! { <p class="loading" role="status">"Loading the request…"</p> }.into_any(),
        Load::Unknown => view! {
            <h1>"Unknown account"</h1>
            <p>"This request is for an account that is not on this device. It may have been removed."</p>
            <a class="button" href="#/">"Your accounts"</a>
        }
        .into_any(),
        Load::Secure => view! { <InboxPage device_id=device_id.clone() open=Some(request_id.clone())/> }.into_any(),
        Load::Failed(problem) => {
            let retry = retry.clone();
            let can_retry = !problem.is_final();
            view! {
                <h1>"Request"</h1>
                <p class="alert" role="alert">{problem.message()}</p>
                <div class="actions">
                    <Show when=move || can_retry>
                        <button class="primary" on:click={let retry = retry.clone(); move |_| retry()}>"Try again"</button>
                    </Show>
                    <a class="button secondary" href="#/">"Your accounts"</a>
                </div>
            }
            .into_any()
        }
        Load::Ready(ready) => {
            let (account, item) = *ready;
            let skip = item.request.request_id.clone();
            view! {
                <RequestView account item on_done=move |outcome| {
                    if outcome == Outcome::Left {
                        nav::go(&crate::route::Route::Accounts);
                    } else {
                        leptos::task::spawn_local(go_next(Some(skip.clone())));
                    }
                }/>
            }
            .into_any()
        }
    }
    }
}
