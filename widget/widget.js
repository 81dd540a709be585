// <assent-status request-id="…" token="…" [edge="https://assent.example.com"]>
//
// The live status of one Assent request (SPEC §9), for any website: load this file as a module
// from the edge (<script type="module" src="EDGE/widget.js">) and put the element on the page.
// A custom element class has to be JavaScript, so this is only the shell: each element owns one
// Widget from widget_bg.wasm (Rust, loaded once, from the directory this script came from),
// which does the rest — shadow DOM, status read, live WebSocket with reconnection and polling,
// countdown, announcements and events.
//
// Attributes: `request-id` and `token` (the `request_id` and `status_token` of POST
//   /v1/requests); `edge` (an origin; default: this script's). Changing them follows the new
//   request; removing the element closes its socket and timers.
// Events (bubbling, composed): `assent-status` {status, reason?} on every status change, the
//   first read included; `assent-error` {error: unauthorized | not_found | refused | bad_edge}
//   when the status cannot be read at all (an unreachable edge is retried, not an error).
// Parts: root, status, code, countdown, message. The root's `data-state` is idle, loading,
//   pending, approved, denied, expired, cancelled or error.
// Custom properties: --assent-fg, --assent-bg, --assent-accent (the code), --assent-muted (the
//   countdown), --assent-ok, --assent-error, --assent-border, --assent-radius, --assent-padding,
//   --assent-font, --assent-code-size.
import init, { Widget } from './widget-glue.js';

const ready = init({ module_or_path: new URL('widget_bg.wasm', import.meta.url) });
// The edge is where this script came from, unless the element's `edge` attribute says otherwise.
const EDGE = new URL(import.meta.url).origin;

class AssentStatus extends HTMLElement {
  static observedAttributes = ['request-id', 'token', 'edge'];
  #widget = null;
  #queued = false;

  connectedCallback() { this.#queue(); }
  disconnectedCallback() { this.#queue(); }
  attributeChangedCallback() { this.#queue(); }

  // One update per task, after the wasm is ready: a page that sets request-id and token one
  // after the other follows the new request once, never the new id with the old token.
  // Asynchronous on purpose: an event listener may remove or change the element while the
  // widget is dispatching, and the widget must not be re-entered.
  #queue() {
    if (this.#queued) return;
    this.#queued = true;
    ready.then(() => {
      this.#queued = false;
      this.#widget ??= new Widget(this);
      if (this.isConnected) {
        this.#widget.follow(this.getAttribute('request-id') ?? '', this.getAttribute('token') ?? '',
          this.getAttribute('edge') || EDGE);
      } else {
        this.#widget.stop();
      }
    }, () => {
      this.#queued = false;
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      root.textContent = 'The Assent status could not be loaded.';
    });
  }
}

if (!customElements.get('assent-status')) customElements.define('assent-status', AssentStatus);
