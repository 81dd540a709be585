//! `#/inbox/<device_id>`: the secure-mode list (SPEC §4). The user verifies first; the list
//! arrives sealed to this device's channel key; each request is decided as in gateway mode,
//! then the list comes back.

use assent_proto::api::{DeviceRequest, InboxOpen, InboxPlaintext, Mode, Status};
use leptos::prelude::*;

use crate::app::shell;
use crate::channel::{self, Purpose};
use crate::problem::Problem;
use crate::store::{self, Account};
use crate::ui::{Outcome, ProblemAlert, RequestView};
use crate::{api, format, nav, webauthn};

#[derive(Debug, Clone, PartialEq, Eq)]
enum View {
    Loading,
    Unknown,
    Locked(Account),
    List(Account, Vec<DeviceRequest>),
    Deciding(Account, Vec<DeviceRequest>, Box<DeviceRequest>),
}

/// The inbox page; `open` is a request to show at once if it is in the list.
#[component]
pub fn InboxPage(device_id: String, open: Option<String>) -> impl IntoView {
    let shell = shell();
    let state = RwSignal::new(View::Loading);
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    nav::set_title("Pending requests");
    leptos::task::spawn_local(async move {
        state.set(match store::get(&device_id).await {
            Ok(Some(account)) => View::Locked(account),
            Ok(None) => View::Unknown,
            Err(p) => {
                problem.set(Some(p));
                View::Unknown
            }
        });
    });
    let open = StoredValue::new(open);
    // Loading, unlocking, opening a request and coming back from it each replace the whole
    // screen, the focused control with it: focus goes to the new heading, as on a route change.
    Effect::new(move |before: Option<std::mem::Discriminant<View>>| {
        let now = state.with(std::mem::discriminant);
        if before.is_some_and(|b| b != now) {
            nav::focus_heading();
        }
        now
    });

    let unlock = move |account: Account| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match fetch(&account).await {
                Ok(list) => {
                    let wanted = open
                        .get_value()
                        .and_then(|id| list.iter().find(|r| r.request.request_id == id).cloned());
                    open.set_value(None);
                    state.set(match wanted {
                        Some(item) => View::Deciding(account, list, Box::new(item)),
                        None => View::List(account, list),
                    });
                }
                Err(p) => {
                    shell.note(&p);
                    problem.set(Some(p));
                }
            }
            busy.set(false);
        });
    };

    move || match state.get() {
        View::Loading => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        View::Unknown => view! {
            <h1>"Pending requests"</h1>
            <ProblemAlert problem/>
            <p>"This account is not on this device."</p>
            <a class="button" href="#/">"Your accounts"</a>
        }
        .into_any(),
        View::Locked(account) => {
            let again = account.clone();
            let secure = account.mode == Mode::Secure;
            view! {
                <h1>"Pending requests"</h1>
                <p class="who"><bdi>{account.rp_name.clone()}</bdi>": "<bdi>{account.display_name.clone()}</bdi>" ("<bdi>{account.user_name.clone()}</bdi>")"</p>
                <p>{if secure {
                    "This account keeps its requests private: confirm it is you with your passkey to see them."
                } else {
                    "Confirm it is you with your passkey to see this account's pending requests."
                }}</p>
                <ProblemAlert problem/>
                <div class="actions">
                    <button class="primary" disabled=move || busy.get() on:click=move |_| unlock(again.clone())>"Unlock with passkey"</button>
                    <a class="button secondary" href="#/">"Back"</a>
                </div>
            }
            .into_any()
        }
        View::List(account, list) => {
            let entries = list.clone();
            view! {
                <h1>"Pending requests"</h1>
                <p class="who"><bdi>{account.rp_name.clone()}</bdi>": "<bdi>{account.display_name.clone()}</bdi>" ("<bdi>{account.user_name.clone()}</bdi>")"</p>
                <ProblemAlert problem/>
                {if entries.is_empty() {
                    view! { <p class="empty">"No pending requests. New ones appear here when a website asks."</p> }.into_any()
                } else {
                    view! {
                        <ul class="inbox" aria-label="Pending requests">
                            {entries.into_iter().map(|item| {
                                let (account, list) = (account.clone(), list.clone());
                                let title = item.request.title.clone().unwrap_or_else(|| format::kind_label(item.request.kind).to_owned());
                                let detail = format!("{} · until {}", format::kind_label(item.request.kind), format::local_time(item.request.expires_at));
                                let chosen = item.clone();
                                view! {
                                    <li>
                                        <button class="entry" aria-describedby=format!("d-{}", item.request.request_id)
                                            on:click=move |_| state.set(View::Deciding(account.clone(), list.clone(), Box::new(chosen.clone())))>
                                            {title}
                                        </button>
                                        <span class="detail" id=format!("d-{}", item.request.request_id)>{detail}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <a class="button secondary" href="#/">"Your accounts"</a>
            }
            .into_any()
        }
        View::Deciding(account, list, item) => {
            let decided = item.request.request_id.clone();
            let back = account.clone();
            view! {
                <RequestView account item=*item on_done=move |outcome| {
                    let rest = list.iter()
                        .filter(|r| outcome == Outcome::Left || r.request.request_id != decided)
                        .cloned()
                        .collect();
                    state.set(View::List(back.clone(), rest));
                }/>
            }
            .into_any()
        }
    }
}

/// Challenge → user-verified assertion → the sealed list, opened with this device's key.
async fn fetch(account: &Account) -> Result<Vec<DeviceRequest>, Problem> {
    let challenge = api::inbox_challenge(&account.device_id).await?;
    let assertion = webauthn::get(&challenge.request_options).await?;
    let sealed = api::inbox_open(
        &account.device_id,
        &InboxOpen {
            challenge_id: challenge.challenge_id,
            assertion,
        },
    )
    .await?;
    let private = store::channel_key(&account.device_id).await?;
    let key = channel::payload_key(
        &private,
        &account.edge_channel_public_key,
        &account.device_id,
    )
    .await?;
    let plaintext = channel::open(&key, Purpose::Inbox, &account.device_id, &sealed.sealed).await?;
    let inbox: InboxPlaintext =
        serde_json::from_slice(&plaintext).map_err(|e| Problem::Other(format!("inbox: {e}")))?;
    Ok(inbox
        .requests
        .into_iter()
        .filter(|r| r.status == Status::Pending)
        .collect())
}
