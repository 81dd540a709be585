//! `#/activate[/<code>]`: adding an account (SPEC §7). From the link, a scanned QR code or a
//! pasted code: a user-verified passkey, a non-extractable channel key, push if the user
//! allows it (poll-only otherwise), and the edge's check of all three.

use assent_proto::api::{ActivateBeginResponse, ActivateFinish};
use assent_proto::b64u;
use leptos::prelude::*;

use crate::app::shell;
use crate::channel::{self, Purpose};
use crate::problem::Problem;
use crate::push::{self, NoPush};
use crate::route::{Route, code_from_input};
use crate::store::{self, Account};
use crate::ui::{ProblemAlert, Scanner};
use crate::{api, nav, webauthn};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Loading,
    Ready(Box<ActivateBeginResponse>),
    Working(Box<ActivateBeginResponse>, &'static str),
    Done(Box<Account>, Option<NoPush>),
    Failed,
}

/// The activation page.
#[component]
pub fn ActivatePage(code: Option<String>) -> impl IntoView {
    nav::set_title("Activate an account");
    match code {
        None => view! { <CodeEntry/> }.into_any(),
        Some(code) => view! { <Activation code/> }.into_any(),
    }
}

#[component]
fn CodeEntry() -> impl IntoView {
    let input = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let scanning = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match code_from_input(&input.get_untracked()) {
            Some(code) => nav::go(&Route::Activate(code)),
            None => problem.set(Some(Problem::Input(
                "That is not an activation code. Paste the whole link or the code the website shows.".into(),
            ))),
        }
    };
    view! {
        <h1>"Activate an account"</h1>
        <p>"The website you want to protect shows an activation QR code and link. Open the link on this device, scan the code, or paste it below."</p>
        <form on:submit=submit>
            <label for="activation-code">"Activation code or link"</label>
            <input id="activation-code" type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                prop:value=move || input.get() on:input=move |ev| input.set(event_target_value(&ev))/>
            <ProblemAlert problem/>
            <div class="actions">
                <button class="primary" type="submit">"Continue"</button>
                <Show when=crate::ui::scanner_available>
                    <button class="secondary" type="button" on:click=move |_| scanning.update(|s| *s = !*s)>
                        {move || if scanning.get() { "Stop scanning" } else { "Scan QR code" }}
                    </button>
                </Show>
            </div>
        </form>
        <Show when=move || scanning.get()>
            <Scanner
                on_code=move |code: String| { scanning.set(false); nav::go(&Route::Activate(code)); }
                on_error=move |e: String| { scanning.set(false); problem.set(Some(Problem::Input(format!("Scanning failed: {e}. Paste the code instead.")))); }
            />
        </Show>
        <a class="button secondary" href="#/">"Back"</a>
    }
}

#[component]
fn Activation(code: String) -> impl IntoView {
    let shell = shell();
    let step = RwSignal::new(Step::Loading);
    let problem = RwSignal::new(None::<Problem>);
    // A new screen takes the focus (ready, failed, done); working stays on the ready screen,
    // whose status line speaks for itself.
    Effect::new(move |before: Option<u8>| {
        let now = step.with(|s| match s {
            Step::Loading => 0,
            Step::Failed => 1,
            Step::Ready(_) | Step::Working(..) => 2,
            Step::Done(..) => 3,
        });
        if before.is_some_and(|b| b != now) {
            nav::focus_heading();
        }
        now
    });
    let begin = {
        let code = code.clone();
        move || {
            let code = code.clone();
            leptos::task::spawn_local(async move {
                match api::activate_begin(&code).await {
                    Ok(begun) => step.set(Step::Ready(Box::new(begun))),
                    Err(p) => {
                        let p = p.for_activation();
                        shell.note(&p);
                        problem.set(Some(p));
                        step.set(Step::Failed);
                    }
                }
            });
        }
    };
    begin();
    let activate = move |_| {
        let Step::Ready(begun) = step.get_untracked() else {
            return;
        };
        problem.set(None);
        step.set(Step::Working(
            begun.clone(),
            "Asking to allow notifications…",
        ));
        let code = code.clone();
        leptos::task::spawn_local(async move {
            match finish(&code, &begun, step).await {
                Ok((account, no_push)) => {
                    // The code is used up: Back or a reload on `#/activate/<code>` would redeem
                    // it again and show a failure for an account that works. `#/accounts`
                    // (the accounts list, where it now is) rather than `#/`, so that "Done"
                    // (`#/`) is still a change of address and leaves this screen.
                    nav::replace("#/accounts");
                    step.set(Step::Done(Box::new(account), no_push));
                }
                Err(p) => {
                    let p = p.for_activation();
                    shell.note(&p);
                    problem.set(Some(p));
                    step.set(Step::Ready(begun));
                }
            }
        });
    };
    let retry = begin.clone();
    view! {
        {move || match step.get() {
            Step::Loading => view! {
                <h1>"Activate an account"</h1>
                <p class="loading" role="status">"Checking the activation code…"</p>
            }.into_any(),
            Step::Failed => {
                let retry = retry.clone();
                view! {
                    <h1>"Activate an account"</h1>
                    <ProblemAlert problem/>
                    <p>"Activation codes work once and for 10 minutes. Ask the website for a new one if this one is used or old."</p>
                    <div class="actions">
                        <button class="primary" on:click=move |_| { problem.set(None); step.set(Step::Loading); retry(); }>"Try again"</button>
                        <a class="button secondary" href="#/">"Your accounts"</a>
                    </div>
                }.into_any()
            }
            Step::Ready(begun) | Step::Working(begun, _) => {
                let activate = activate.clone();
                view! {
                    <h1>"Activate an account"</h1>
                    // <bdi>: names the RP chose; an override character in one must not
                    // reorder the rest of the sentence.
                    <p class="lead"><bdi>{begun.rp.name.clone()}</bdi>" wants to add "<bdi>{begun.user.display_name.clone()}</bdi>" ("<bdi>{begun.user.name.clone()}</bdi>")"</p>
                    <p>"Your passkey (fingerprint, face or screen lock) will confirm every approval. Allow notifications so requests reach you at once."</p>
                    <ProblemAlert problem/>
                    {move || match step.get() {
                        Step::Working(_, what) => view! { <p class="working" role="status">{what}</p> }.into_any(),
                        _ => ().into_any(),
                    }}
                    <div class="actions">
                        <button class="primary" disabled=move || matches!(step.get(), Step::Working(..)) on:click=activate>"Activate with passkey"</button>
                        <a class="button secondary" href="#/">"Cancel"</a>
                    </div>
                }.into_any()
            }
            Step::Done(account, no_push) => {
                nav::set_title("Account activated");
                let push_note = match no_push {
                    None => "Notifications are on: requests from this website will appear on this device.".to_owned(),
                    Some(why) => why.explain(),
                };
                view! {
                    <h1>"Account activated"</h1>
                    <p class="lead"><bdi>{account.rp_name.clone()}</bdi>" can now ask "<bdi>{account.display_name.clone()}</bdi>" for approval on this device."</p>
                    <p role="status">{push_note}</p>
                    <a class="button primary" href="#/">"Done"</a>
                }.into_any()
            }
        }}
    }
}

/// Push first (its permission prompt needs the click's user activation), then the passkey
/// and the channel key, then the edge checks everything in one call.
async fn finish(
    code: &str,
    begun: &ActivateBeginResponse,
    step: RwSignal<Step>,
) -> Result<(Account, Option<NoPush>), Problem> {
    let working = |what| step.set(Step::Working(Box::new(begun.clone()), what));
    let subscription = push::subscribe(&begun.vapid_public_key).await;
    working("Creating your passkey…");
    let credential = webauthn::create(&begun.creation_options).await?;
    let credential_id = credential
        .get("id")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| Problem::Passkey("the browser returned a credential without an id".into()))?
        .to_owned();
    working("Securing the channel to Assent…");
    let (private, public) = channel::generate().await?;
    let key = channel::payload_key(&private, &begun.channel_public_key, &begun.device_id).await?;
    let sub = subscription.as_ref().ok().cloned();
    let plaintext = serde_json::json!({ "subscription": sub, "seq": 1 }).to_string();
    let push = channel::seal(&key, Purpose::Push, &begun.device_id, plaintext.as_bytes()).await?;
    working("Registering this device…");
    let finished = api::activate_finish(&ActivateFinish {
        device_id: begun.device_id.clone(),
        code: code.to_owned(),
        credential,
        channel_public_key: b64u::encode(&public),
        push,
    })
    .await?;
    let account = Account {
        device_id: finished.device_id,
        rp_id: finished.account.rp_id,
        rp_name: finished.account.rp_name,
        user_name: finished.account.user_name,
        display_name: finished.account.display_name,
        mode: finished.account.mode,
        credential_id,
        channel_public_key: b64u::encode(&public),
        edge_channel_public_key: begun.channel_public_key.clone(),
        vapid_public_key: begun.vapid_public_key.clone(),
        push_seq: 1,
        push_subscription: sub.as_ref().map(serde_json::Value::to_string),
        created_at: crate::js::now_seconds(),
    };
    store::add(&account, &private).await?;
    Ok((account, subscription.err()))
}
