// Shared by Example Bank's pages: the server API (this origin), the bank chosen (gateway or
// secure RP, remembered), the user, and loading Assent's widget from the edge.

export async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(answer?.error?.message ?? `HTTP ${response.status}`);
    error.code = answer?.error?.code;
    throw error;
  }
  return answer;
}

let config;
export async function bankConfig() {
  config ??= await api('GET', '/api/config');
  return config;
}

/** Fills the "bank" select and the user field from what was used last. */
export async function setUpIdentity(form) {
  const { banks } = await bankConfig();
  const select = form.querySelector('[name=rp]');
  for (const { rp, label } of banks) select.append(new Option(label, rp));
  select.value = localStorage.getItem('bank.rp') ?? banks[0].rp;
  const user = form.querySelector('[name=user_id]');
  user.value = localStorage.getItem('bank.user') ?? '';
  form.addEventListener('submit', () => {
    localStorage.setItem('bank.rp', select.value);
    localStorage.setItem('bank.user', user.value.trim());
  });
}

/** Loads `<assent-status>` from the edge (a module script from another origin). */
export async function loadWidget() {
  const { edge_url } = await bankConfig();
  await import(`${edge_url}/widget.js`);
}

/** Shows `message` in the page's alert region (or clears it). */
export function showError(message) {
  const box = document.getElementById('error');
  box.hidden = !message;
  box.textContent = message ?? '';
}

// The bank's own GET /api/requests/:id stands in for the widget's events when they cannot come.
const POLL_MS = 2_000; // the widget is gone (assent-error, or it never loaded): poll in earnest
const BACKSTOP_MS = 15_000; // the widget runs, but may be stuck silently (its wasm failed to load)

/**
 * Embeds the widget for a created request and resolves with the bank server's verified
 * answer once the request is final — from the widget's final `assent-status`, or from the
 * bank's own status read when the widget cannot tell. Rejects if the bank cannot be asked.
 */
export function followRequest(container, created) {
  const widget = document.createElement('assent-status');
  widget.setAttribute('request-id', created.request_id);
  widget.setAttribute('token', created.status_token);
  container.replaceChildren(widget);
  // The widget is for the user's eyes; the server checks the receipt before anything happens.
  const ask = () => api('GET', `/api/requests/${encodeURIComponent(created.request_id)}`);
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer;
    const settle = (answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      answer.then(resolve, reject);
    };
    let widgetFailed = false;
    const widgetWorks = () => Boolean(customElements.get('assent-status')) && !widgetFailed;
    // One timer at a time; a poll in flight when the widget fails reschedules at the new pace.
    const schedule = () => {
      clearTimeout(timer);
      if (!settled) timer = setTimeout(poll, widgetWorks() ? BACKSTOP_MS : POLL_MS);
    };
    const poll = async () => {
      try {
        const answer = await ask();
        if (answer.status !== 'pending') return settle(Promise.resolve(answer));
      } catch (error) {
        // Only fatal when polling is all there is; beside a working widget, try again later.
        if (!widgetWorks()) return settle(Promise.reject(error));
      }
      schedule();
    };

    widget.addEventListener('assent-status', (event) => {
      if (event.detail.status !== 'pending') settle(ask());
    });
    // The widget stops on these (a refused token, an unknown request, a bad edge) and sends no
    // final assent-status: without this, the page would wait for ever.
    widget.addEventListener('assent-error', (event) => {
      widgetFailed = true;
      showError(`The live status could not be read from Assent (${event.detail?.error ?? 'error'}); the bank is checking the request itself instead.`);
      if (!settled) { clearTimeout(timer); poll(); }
    });
    if (widgetWorks()) schedule();
    else poll(); // the widget did not load: no event will ever come
  });
}

/**
 * The login and transfer pages' flow: loads the widget, and on submit asks the bank's
 * server (`path`) for a request, follows it to its final state and hands the verified answer
 * to `render(final, result)`. `what` ("login", "transfer") names it in errors.
 */
export async function requestForm(path, what, render) {
  const form = document.getElementById('form');
  await setUpIdentity(form);
  await loadWidget().catch((e) => showError(`The Assent widget did not load: ${e.message}`));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(null);
    // Emptied, never hidden: it is the page's live region (see bank.css), and a region hidden
    // then filled in the same task is usually not announced.
    const result = document.getElementById('result');
    result.replaceChildren();
    try {
      const created = await api('POST', path, Object.fromEntries(new FormData(form)));
      document.getElementById('pending').hidden = false;
      render(await followRequest(document.getElementById('widget'), created), result, form);
    } catch (error) {
      showError(error.code === 'no_devices' ? 'This user has no activated phone yet: enrol first.' : `Could not start the ${what}: ${error.message}`);
    }
  });
}

/** "the request was denied (fraud)", and why an approval did not count. */
export function outcome(final) {
  const reason = final.reason ? ` (${final.reason})` : '';
  const unverified = final.status === 'approved' ? ', but its receipt did not verify as an approval' : '';
  return `the request was ${final.status}${reason}${unverified}`;
}
