//! One request as the user decides it (SPEC §2): who asks, what, from where, until when;
//! with number matching the code the website shows; Approve at the bottom, after everything
//! to be signed. Approve and Deny each sign, with a user-verified passkey, the statement over
//! the hash this app computed from exactly what it shows.

use assent_proto::api::{DecisionBody, DeviceRequest, Status};
use assent_proto::content::{Decision, DenyReason, RequestContent, Statement};
use leptos::prelude::*;

use crate::app::shell;
use crate::problem::Problem;
use crate::store::Account;
use crate::ui::{Countdown, Dialog, ProblemAlert};
use crate::{api, format, webauthn};

/// How the user left a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A decision was recorded (or the request turned out final): move on.
    Done,
    /// Cancel: left without deciding.
    Left,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Ready,
    Working(&'static str),
    Decided(Decided),
}

/// The outcome sentence, with the RP's name apart so it can be isolated (`<bdi>`) from the
/// text around it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decided {
    lead: String,
    rp: Option<String>,
    tail: &'static str,
}

/// The request `item` of `account`; `on_done` when the user is finished with it.
#[component]
pub fn RequestView(
    account: Account,
    item: DeviceRequest,
    #[prop(into)] on_done: Callback<Outcome>,
) -> impl IntoView {
    let shell = shell();
    let content = item.request.clone();
    // What the user sees is what the user signs: the hash is ours, from the content shown.
    let own_hash = content
        .request_hash()
        .ok()
        .filter(|h| *h == item.request_hash);
    let phase = RwSignal::new(Phase::Ready);
    let problem = RwSignal::new(match (&own_hash, item.status) {
        (None, _) => Some(Problem::Tampered),
        (_, Status::Pending) => None,
        (_, Status::Expired) => Some(final_problem("expired")),
        (_, Status::Cancelled) => Some(final_problem("cancelled")),
        (_, _) => Some(final_problem("already_decided")),
    });
    let expired = RwSignal::new(false);
    Effect::new(move |_| {
        if expired.get() && matches!(phase.get_untracked(), Phase::Ready) {
            problem.set(Some(final_problem("expired")));
        }
    });
    let code = RwSignal::new(String::new());
    let confirm_deny = RwSignal::new(false);
    let closed = move || {
        problem.with(|p| {
            p.as_ref()
                .is_some_and(|p| p.is_final() || *p == Problem::Tampered)
        })
    };
    let busy = move || matches!(phase.get(), Phase::Working(_));

    let number_matching = item.number_matching;
    let rp_name = content.rp_name.clone();
    let decide = {
        let rp_name = rp_name.clone();
        let account = account.clone();
        let request_id = content.request_id.clone();
        move |decision: Decision, reason: Option<DenyReason>| {
            let Some(hash) = own_hash.clone() else { return };
            let binding_code = (decision == Decision::Approve && number_matching)
                .then(|| code.get_untracked().trim().to_owned());
            if binding_code
                .as_ref()
                .is_some_and(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_digit()))
            {
                problem.set(Some(Problem::Input(
                    "Type the two-digit code the website shows, then Approve.".into(),
                )));
                focus("binding-code");
                return;
            }
            problem.set(None);
            confirm_deny.set(false);
            phase.set(Phase::Working("Confirm with your passkey…"));
            let (account, request_id, rp_name) =
                (account.clone(), request_id.clone(), rp_name.clone());
            leptos::task::spawn_local(async move {
                match send(
                    &account,
                    &request_id,
                    &hash,
                    decision,
                    reason,
                    binding_code.clone(),
                    phase,
                )
                .await
                {
                    Ok(status) => {
                        phase.set(Phase::Decided(decided_message(
                            status,
                            decision,
                            reason,
                            binding_code.is_some(),
                            &rp_name,
                        )));
                        focus("decided");
                    }
                    Err(p) => {
                        shell.note(&p);
                        phase.set(Phase::Ready);
                        problem.set(Some(p));
                    }
                }
            });
        }
    };
    // Callbacks are Copy, so the nested views can each hold them.
    let decide = Callback::new(move |(decision, reason): (Decision, Option<DenyReason>)| {
        decide(decision, reason)
    });

    let title = content
        .title
        .clone()
        .unwrap_or_else(|| format::kind_label(content.kind).to_owned());
    crate::nav::set_title(&title);
    view! {
        <article class="request" aria-labelledby="request-title">
            // <bdi>: names the RP or the user chose, so a right-to-left override in one of
            // them cannot reorder the text around it into something else.
            <p class="eyebrow"><span class="rp"><bdi>{rp_name.clone()}</bdi></span>" · "<span>{format::kind_label(content.kind)}</span></p>
            <h1 id="request-title">{title}</h1>
            <p class="who">"For "<bdi>{account.display_name.clone()}</bdi>" ("<bdi>{account.user_name.clone()}</bdi>")"</p>
            <Countdown expires_at=content.expires_at expired/>
            {context_list(&content)}
            {fields_list(&content)}
            <ProblemAlert problem/>
            {move || match phase.get() {
                Phase::Decided(Decided { lead, rp, tail }) => view! {
                    <div class="decided">
                        <p id="decided" role="status" tabindex="-1">{lead}{rp.map(|rp| view! { <bdi>{rp}</bdi> })}{tail}</p>
                        <button class="primary" on:click=move |_| on_done.run(Outcome::Done)>"Done"</button>
                    </div>
                }.into_any(),
                Phase::Working(step) => view! { <p class="working" role="status">{step}</p> }.into_any(),
                Phase::Ready => ().into_any(),
            }}
            <Show when=move || !matches!(phase.get(), Phase::Decided(_))>
                <Show when=move || number_matching && !closed()>
                    <div class="code">
                        <label for="binding-code">"Code shown on the website"</label>
                        <p class="hint" id="binding-code-hint">"Type the two digits the website shows now. If it shows none, deny this request."</p>
                        <input id="binding-code" type="text" inputmode="numeric" pattern="[0-9]*" maxlength="2"
                            autocomplete="off" aria-describedby="binding-code-hint"
                            prop:value=move || code.get()
                            on:input=move |ev| code.set(event_target_value(&ev))/>
                    </div>
                </Show>
                <div class="actions">
                    <Show when=move || !closed()>
                        <button class="primary" disabled=busy on:click=move |_| decide.run((Decision::Approve, None))>"Approve"</button>
                        <button class="danger" disabled=busy on:click=move |_| confirm_deny.set(true)>"Deny"</button>
                    </Show>
                    <button class="secondary" disabled=busy on:click=move |_| on_done.run(if closed() { Outcome::Done } else { Outcome::Left })>
                        {move || if closed() { "Done" } else { "Cancel" }}
                    </button>
                </div>
            </Show>
            <Dialog open=confirm_deny title="Deny this request?">
                <p>"Deny it if you do not want it. If you did not start it yourself, someone else may know your password: report it and the website will be told."</p>
                <div class="actions">
                    <button class="danger" on:click=move |_| decide.run((Decision::Deny, Some(DenyReason::Rejected)))>"Deny request"</button>
                    <button class="danger" on:click=move |_| decide.run((Decision::Deny, Some(DenyReason::Fraud)))>"I did not ask for this"</button>
                    <button class="secondary" on:click=move |_| confirm_deny.set(false)>"Back"</button>
                </div>
            </Dialog>
        </article>
    }
}

fn context_list(content: &RequestContent) -> impl IntoView + use<> {
    let context = content.context.clone().unwrap_or_default();
    let rows: Vec<(&'static str, String)> = [
        ("Browser", context.browser),
        ("Location", context.location),
        ("IP address", context.ip),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .chain(std::iter::once((
        "Requested at",
        format::local_time(content.created_at),
    )))
    .collect();
    view! {
        <dl class="context" aria-label="Context">
            {rows.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
        </dl>
    }
}

/// The fields, for any kind that has them: they are part of the hashed content, so
/// approving a login signs them too, and nothing signed may go unseen.
fn fields_list(content: &RequestContent) -> impl IntoView + use<> {
    let fields = content.fields.clone().unwrap_or_default();
    (!fields.is_empty()).then(|| {
        view! {
            <h2 class="fields-title">"What you sign"</h2>
            <dl class="fields" aria-label="Details to sign">
                {fields.into_iter().map(|f| view! { <dt>{f.label}</dt><dd>{f.value}</dd> }).collect_view()}
            </dl>
        }
    })
}

async fn send(
    account: &Account,
    request_id: &str,
    hash: &str,
    decision: Decision,
    reason: Option<DenyReason>,
    binding_code: Option<String>,
    phase: RwSignal<Phase>,
) -> Result<Status, Problem> {
    let statement = Statement::new(hash, decision, reason, binding_code.clone());
    let challenge = statement
        .challenge()
        .map_err(|e| Problem::Other(e.to_string()))?;
    let assertion = webauthn::get(&webauthn::decision_options(
        &challenge,
        &account.credential_id,
    ))
    .await?;
    phase.set(Phase::Working("Sending your answer…"));
    let body = DecisionBody {
        decision,
        reason,
        binding_code,
        assertion,
    };
    let result = api::decide(&account.device_id, request_id, &body).await?;
    Ok(result.status)
}

fn decided_message(
    status: Status,
    decision: Decision,
    reason: Option<DenyReason>,
    sent_code: bool,
    rp: &str,
) -> Decided {
    let with_rp = |lead: &str, tail| Decided {
        lead: lead.to_owned(),
        rp: Some(rp.to_owned()),
        tail,
    };
    let alone = |lead: String| Decided {
        lead,
        rp: None,
        tail: "",
    };
    match (status, decision, reason) {
        (Status::Approved, _, _) => with_rp("Approved. ", " has your answer."),
        (Status::Denied, Decision::Approve, _) if sent_code => alone(
            "Denied: the code did not match. If it was you, start again on the website and type the code it shows.".to_owned(),
        ),
        (Status::Denied, _, Some(DenyReason::Fraud)) => with_rp(
            "Reported as fraud. ",
            " has been told, and new requests for this account are paused for a while.",
        ),
        (Status::Denied, _, _) => with_rp("Denied. ", " has been told."),
        (other, _, _) => alone(format!("The request is now {}.", other.as_str())),
    }
}

fn final_problem(code: &str) -> Problem {
    Problem::Edge {
        status: 409,
        code: code.to_owned(),
        message: String::new(),
    }
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let id = id.to_owned();
    // After the view has updated.
    request_animation_frame(move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}
