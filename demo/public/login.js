import { outcome, requestForm } from './bank.js';

await requestForm('/api/login', 'login', (final, result, form) => {
  if (final.signed_in) {
    result.innerHTML = '<p class="success" id="signed-in"></p><p class="muted">The bank\'s server verified the receipt (signed by the edge, for this bank, about this login) before signing you in.</p>';
    result.querySelector('#signed-in').textContent = `Signed in as ${form.user_id.value.trim()}.`;
  } else {
    result.innerHTML = '<p class="alert" id="not-signed-in"></p>';
    result.querySelector('#not-signed-in').textContent = `Not signed in: ${outcome(final)}.`;
  }
});
