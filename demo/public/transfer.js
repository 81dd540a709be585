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
    const created = await api('POST', '/api/transfer', Object.fromEntries(new FormData(form)));
    document.getElementById('pending').hidden = false;
    const final = await followRequest(document.getElementById('widget'), created);
    const headline = document.createElement('p');
    if (final.executed) {
      headline.className = 'success';
      headline.id = 'transfer-done';
      headline.textContent = 'Transfer approved and executed.';
    } else {
      headline.className = 'alert';
      headline.id = 'transfer-refused';
      headline.textContent = final.reason === 'fraud'
        ? 'Transfer refused: you reported it as not yours. Our fraud team has been told.'
        : `Transfer not executed: the request was ${final.status}${final.reason ? ` (${final.reason})` : ''}${final.status === 'approved' ? ', but its receipt did not verify as an approval' : ''}.`;
    }
    result.append(headline);
    if (final.verified && final.receipt) {
      const title = document.createElement('h2');
      title.textContent = 'Signed receipt (verified by the bank)';
      const list = document.createElement('dl');
      list.setAttribute('aria-label', 'Signed fields');
      const row = (label, value) => {
        const dt = document.createElement('dt');
        dt.textContent = label;
        const dd = document.createElement('dd');
        dd.textContent = value;
        list.append(dt, dd);
      };
      row('Decision', final.receipt.decision + (final.receipt.reason ? ` (${final.receipt.reason})` : ''));
      for (const f of final.receipt.fields ?? []) row(f.label, f.value);
      row('Signed at', new Date(final.receipt.signed_at * 1000).toLocaleString());
      row('Device', final.receipt.device_id);
      result.append(title, list);
    }
  } catch (error) {
    showError(error.code === 'no_devices' ? 'This user has no activated phone yet: enrol first.' : `Could not start the transfer: ${error.message}`);
  }
});
