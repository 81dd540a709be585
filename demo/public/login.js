import { api, followRequest, loadWidget, setUpIdentity, showError } from './bank.js';

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
    const created = await api('POST', '/api/login', Object.fromEntries(new FormData(form)));
    document.getElementById('pending').hidden = false;
    const final = await followRequest(document.getElementById('widget'), created);
    if (final.signed_in) {
      result.innerHTML = '<p class="success" id="signed-in"></p><p class="muted">The bank\'s server verified the receipt (signed by the edge, for this bank, about this login) before signing you in.</p>';
      result.querySelector('#signed-in').textContent = `Signed in as ${form.user_id.value.trim()}.`;
    } else {
      result.innerHTML = '<p class="alert" id="not-signed-in"></p>';
      result.querySelector('#not-signed-in').textContent = `Not signed in: the request was ${final.status}${final.reason ? ` (${final.reason})` : ''}${final.status === 'approved' ? ', but its receipt did not verify as an approval' : ''}.`;
    }
  } catch (error) {
    showError(error.code === 'no_devices' ? 'This user has no activated phone yet: enrol first.' : `Could not start the login: ${error.message}`);
  }
});
