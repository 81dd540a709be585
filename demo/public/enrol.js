import { api, setUpIdentity, showError } from './bank.js';

const form = document.getElementById('form');
await setUpIdentity(form);
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(null);
  const data = Object.fromEntries(new FormData(form));
  try {
    const created = await api('POST', '/api/enrol', data);
    document.getElementById('qr').src = `data:image/svg+xml;base64,${btoa(created.qr_svg)}`;
    const link = document.getElementById('link');
    link.href = created.activation_url;
    link.textContent = created.activation_url;
    document.getElementById('activation').hidden = false;
    watch(created.activation_id);
  } catch (error) {
    showError(`Could not create the activation: ${error.message}`);
  }
});

// The webhook (activation.completed) or the status API, whichever tells the bank first.
async function watch(id) {
  const status = document.getElementById('enrol-status');
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500));
    try {
      const now = await api('GET', `/api/enrol/${encodeURIComponent(id)}`);
      if (now.status === 'completed') {
        status.className = 'success';
        status.textContent = `Activated: ${now.user_id}'s phone is enrolled${now.webhook_received ? ' (activation.completed webhook received)' : ''}. You can now log in.`;
        return;
      }
      if (now.status === 'expired') {
        status.className = 'alert';
        status.textContent = 'The activation code expired. Create a new one.';
        return;
      }
    } catch (error) {
      status.textContent = `Still waiting (${error.message})…`;
    }
  }
}
