//! The element's shadow DOM: one fixed template (styles included, so the host page needs
//! nothing), and the few writes that show a status. Nothing here decides anything.

use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::text::{self, Problem, Snapshot, Status};

/// Styles and structure. Every colour, the radius, the font and the code size come from a
/// custom property with a readable default (WCAG AA contrast on the default background);
/// `::part()` reaches `root`, `status`, `code`, `countdown` and `message`. The countdown is a
/// `timer` (never announced by itself); one polite live region carries one sentence per
/// status change.
const STYLE: &str = r#"
:host{display:block;font-family:var(--assent-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--assent-fg,#1b1b1f)}
:host([hidden]),[hidden]{display:none!important}
.r{box-sizing:border-box;background:var(--assent-bg,#fff);color:var(--assent-fg,#1b1b1f);border:1px solid var(--assent-border,color-mix(in srgb,var(--assent-fg,#1b1b1f) 25%,var(--assent-bg,#fff)));border-radius:var(--assent-radius,12px);padding:var(--assent-padding,1rem 1.25rem);text-align:center;line-height:1.4;transition:border-color .3s}
p{margin:0}
.s{font-weight:600}
.c{font-size:var(--assent-code-size,3rem);font-weight:700;line-height:1.15;letter-spacing:.08em;margin:.35rem 0;color:var(--assent-accent,#0b57d0);font-variant-numeric:tabular-nums}
.t{font-variant-numeric:tabular-nums;color:var(--assent-muted,color-mix(in srgb,var(--assent-fg,#1b1b1f) 80%,var(--assent-bg,#fff)))}
.m{margin-top:.4rem}
[data-state=pending] .s:before{content:"";display:inline-block;width:.55em;height:.55em;margin-right:.45em;border-radius:50%;background:var(--assent-accent,#0b57d0);animation:b 1.6s ease-in-out infinite}
[data-state=approved]{border-color:var(--assent-ok,#146c2e)}
[data-state=approved] .s{color:var(--assent-ok,#146c2e)}
[data-state=denied],[data-state=error]{border-color:var(--assent-error,#b3261e)}
[data-state=denied] .s,[data-state=error] .s{color:var(--assent-error,#b3261e)}
.v{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@keyframes b{50%{opacity:.25}}
@media (prefers-reduced-motion:reduce){*,:before{animation:none!important;transition:none!important}}
"#;

const TEMPLATE: &str = r#"<div class="r" part="root" data-state="idle"><p class="s" part="status" id="s"></p><p class="c" part="code" id="c" hidden><span class="v">Code </span><span id="k"></span></p><p class="t" part="countdown" id="t" role="timer" hidden></p><p class="m" part="message" id="m"></p><p class="v" id="a" aria-live="polite" aria-atomic="true"></p></div>"#;

/// Handles on the template's elements.
pub struct View {
    root: Element,
    status: Element,
    code: Element,
    code_value: Element,
    countdown: Element,
    message: Element,
    live: Element,
    /// The last text written to the countdown, so a tick that changes nothing writes nothing.
    shown_countdown: String,
}

/// One element of the template by id.
fn part(shadow: &ShadowRoot, id: &str) -> Result<Element, JsValue> {
    shadow
        .get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str("assent-status: template element missing"))
}

impl View {
    /// Attaches (or reuses) `host`'s open shadow root and fills it with the template.
    pub fn new(host: &HtmlElement) -> Result<Self, JsValue> {
        let shadow = match host.shadow_root() {
            Some(shadow) => shadow,
            None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
        };
        shadow.set_inner_html(TEMPLATE);
        adopt_style(&shadow)?;
        Ok(Self {
            root: part(&shadow, "s")?
                .parent_element()
                .ok_or_else(|| JsValue::from_str("assent-status: template root missing"))?,
            status: part(&shadow, "s")?,
            code: part(&shadow, "c")?,
            code_value: part(&shadow, "k")?,
            countdown: part(&shadow, "t")?,
            message: part(&shadow, "m")?,
            live: part(&shadow, "a")?,
            shown_countdown: String::new(),
        })
    }

    /// Nothing to follow (no `request-id` or `token`): an empty box, nothing announced.
    pub fn idle(&mut self) {
        self.frame("idle", "", "");
        self.live.set_text_content(None);
    }

    /// The first read is under way.
    pub fn loading(&mut self) {
        self.frame("loading", text::LOADING_HEADLINE, "");
        self.live.set_text_content(None);
    }

    /// Shows `snapshot`; the countdown's text comes from [`View::countdown`].
    pub fn show(&mut self, snapshot: &Snapshot) {
        let status = snapshot.status;
        self.frame(
            status.as_str(),
            text::headline(status),
            text::message(status, snapshot.reason),
        );
        let pending = status == Status::Pending;
        match snapshot.code.as_deref().filter(|_| pending) {
            Some(code) => {
                self.code_value.set_text_content(Some(code));
                let _ = self.code.remove_attribute("hidden");
            }
            None => hide(&self.code),
        }
        if pending {
            let _ = self.countdown.remove_attribute("hidden");
        }
    }

    /// Shows a problem instead of a status.
    pub fn problem(&mut self, problem: Problem) {
        self.frame("error", text::PROBLEM_HEADLINE, problem.message());
    }

    /// Writes the countdown text when it changed (at most once a second in practice).
    pub fn countdown(&mut self, text: String) {
        if text != self.shown_countdown {
            self.countdown.set_text_content(Some(&text));
            self.shown_countdown = text;
        }
    }

    /// Puts `sentence` in the polite live region (one per status change, never per tick).
    pub fn announce(&self, sentence: &str) {
        self.live.set_text_content(Some(sentence));
    }

    /// The parts every state sets: the state name, the title and the message; the code and
    /// countdown are hidden until [`View::show`] shows them for a pending request.
    fn frame(&mut self, state: &str, headline: &str, message: &str) {
        let _ = self.root.set_attribute("data-state", state);
        self.status.set_text_content(Some(headline));
        self.message.set_text_content(Some(message));
        hide(&self.code);
        hide(&self.countdown);
        self.countdown.set_text_content(None);
        self.shown_countdown.clear();
    }
}

/// The styles as a constructed style sheet: a page's Content Security Policy governs
/// `<style>` elements (banks rarely allow `'unsafe-inline'`) but not sheets built through the
/// CSSOM. A browser without constructable sheets gets a `<style>` element instead.
fn adopt_style(shadow: &ShadowRoot) -> Result<(), JsValue> {
    if let Ok(sheet) = CssStyleSheet::new()
        && sheet.replace_sync(STYLE).is_ok()
    {
        shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        return Ok(());
    }
    let document = shadow
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let style = document.create_element("style")?;
    style.set_text_content(Some(STYLE));
    shadow.prepend_with_node_1(&style)
}

fn hide(element: &Element) {
    let _ = element.set_attribute("hidden", "");
}
