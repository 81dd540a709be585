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

/**
 * Embeds the widget for a created request and resolves with the bank server's verified
 * answer once the widget reports a final status.
 */
export function followRequest(container, created) {
  const widget = document.createElement('assent-status');
  widget.setAttribute('request-id', created.request_id);
  widget.setAttribute('token', created.status_token);
  container.replaceChildren(widget);
  return new Promise((resolve) => {
    widget.addEventListener('assent-status', async (event) => {
      if (event.detail.status === 'pending') return;
      // The widget is for the user's eyes; the server checks the receipt before anything happens.
      resolve(await api('GET', `/api/requests/${encodeURIComponent(created.request_id)}`));
    });
  });
}
