//! `#/`: every account this device holds, what is pending for each (polled on open, on
//! focus and on push, so a lost push never loses a request), and removing one.

use std::collections::HashMap;

use assent_proto::api::{Mode, PendingEntry};
use leptos::prelude::*;

use crate::api;
use crate::app::shell;
use crate::channel::{self, Purpose};
use crate::problem::Problem;
use crate::route::Route;
use crate::store::{self, Account};
use crate::ui::{Dialog, ProblemAlert};
use crate::{format, nav};

/// The accounts page.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let shell = shell();
    let accounts = RwSignal::new(None::<Vec<Account>>);
    let pending = RwSignal::new(HashMap::<String, Vec<PendingEntry>>::new());
    let problem = RwSignal::new(None::<Problem>);
    let removing = RwSignal::new(None::<Account>);
    let confirm = RwSignal::new(false);
    nav::set_title("Accounts");

    Effect::new(move |_| {
        shell.refresh.track();
        leptos::task::spawn_local(async move {
            match store::all().await {
                Ok(list) => {
                    let mut found = HashMap::new();
                    for account in &list {
                        match api::pending(&account.device_id).await {
                            Ok(p) => {
                                shell.online.set(true);
                                found.insert(account.device_id.clone(), p.pending);
                            }
                            Err(p) => shell.note(&p),
                        }
                    }
                    pending.set(found);
                    accounts.set(Some(list));
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    });

    let remove = move |_| {
        let Some(account) = removing.get_untracked() else {
            return;
        };
        confirm.set(false);
        leptos::task::spawn_local(async move {
            match deactivate(&account).await {
                Ok(()) => {
                    problem.set(None);
                    shell.refresh.update(|n| *n += 1);
                }
                Err(p) => {
                    shell.note(&p);
                    problem.set(Some(p));
                }
            }
        });
    };

    view! {
        <h1>"Accounts"</h1>
        <ProblemAlert problem/>
        {move || match accounts.get() {
            None => view! { <p class="loading" role="status">"Loading your accounts…"</p> }.into_any(),
            Some(list) if list.is_empty() => view! {
                <div class="empty">
                    <p><strong>"No accounts yet."</strong></p>
                    <p>"To add one, start on the website you want to protect: it shows a QR code or a link to activate Assent. Open the link on this device, scan the code, or paste it here."</p>
                </div>
            }.into_any(),
            Some(list) => view! {
                <ul class="accounts">
                    {list.into_iter().map(|account| {
                        let waiting = pending.with(|p| p.get(&account.device_id).cloned().unwrap_or_default());
                        view! { <li>{account_card(account, waiting, removing, confirm)}</li> }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
        <a class="button" href=Route::ActivateEntry.href()>"Add an account"</a>
        <Dialog open=confirm title="Remove this account?">
            // <bdi> around names the RP or the user chose: a right-to-left override in one
            // of them must not reorder the sentence around it.
            <p>{move || removing.get().map(|a| view! {
                <bdi>{a.rp_name}</bdi>" will no longer be able to ask "<bdi>{a.display_name}</bdi>
                " for approval on this device. To use it again, activate it again from the website."
            })}</p>
            <div class="actions">
                <button class="danger" on:click=remove>"Remove account"</button>
                <button class="secondary" on:click=move |_| confirm.set(false)>"Keep"</button>
            </div>
        </Dialog>
    }
}

fn account_card(
    account: Account,
    waiting: Vec<PendingEntry>,
    removing: RwSignal<Option<Account>>,
    confirm: RwSignal<bool>,
) -> impl IntoView {
    let label = format!("{}: {}", account.rp_name, account.user_name);
    // Every card has a "Remove": the name says which account it removes (and starts with the
    // visible word, for voice control).
    let remove_label = format!("Remove {label}");
    let mode = match account.mode {
        Mode::Gateway => "Gateway mode",
        Mode::Secure => "Secure mode",
    };
    let push = if account.push_on() {
        "Push on"
    } else {
        "Push off (poll only)"
    };
    let inbox = Route::Inbox(account.device_id.clone()).href();
    let count = waiting.len();
    let links = match account.mode {
        Mode::Secure => view! {
            <p>
                <a href=inbox.clone()>"Open inbox"</a>
                {(count > 0).then(|| view! { " " <a class="badge" href=inbox.clone()>{format!("{count} pending")}</a> })}
            </p>
        }.into_any(),
        Mode::Gateway => view! {
            <ul class="pending" aria-label="Pending requests">
                {waiting.into_iter().map(|entry| {
                    let href = Route::Request { device_id: account.device_id.clone(), request_id: entry.request_id }.href();
                    view! { <li><a href=href>{format!("{} · until {}", format::kind_label(entry.kind), format::local_time(entry.expires_at))}</a></li> }
                }).collect_view()}
            </ul>
        }.into_any(),
    };
    let chosen = account.clone();
    view! {
        <article class="account" aria-label=label>
            <h2><bdi>{account.rp_name.clone()}</bdi></h2>
            <p><bdi>{account.display_name.clone()}</bdi>" ("<bdi>{account.user_name.clone()}</bdi>")"</p>
            <p class="facts"><span>{mode}</span>" · "<span>{push}</span></p>
            {links}
            <button class="secondary small" aria-label=remove_label on:click=move |_| { removing.set(Some(chosen.clone())); confirm.set(true); }>"Remove"</button>
        </article>
    }
}

/// Tells the edge this device is gone (SPEC §7), then forgets the account. An edge that
/// no longer knows the device (the website removed it) is no reason to keep it here.
async fn deactivate(account: &Account) -> Result<(), Problem> {
    let private = store::channel_key(&account.device_id).await?;
    let key = channel::payload_key(
        &private,
        &account.edge_channel_public_key,
        &account.device_id,
    )
    .await?;
    let plaintext = serde_json::json!({ "ts": crate::js::edge_now_seconds() }).to_string();
    let sealed = channel::seal(
        &key,
        Purpose::Deactivate,
        &account.device_id,
        plaintext.as_bytes(),
    )
    .await?;
    match api::deactivate(&account.device_id, sealed).await {
        Ok(_) => {}
        Err(p) if p.code() == Some("not_found") => {}
        Err(p) => return Err(p),
    }
    store::remove(&account.device_id).await
}
