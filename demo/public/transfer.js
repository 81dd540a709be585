import { outcome, requestForm } from './bank.js';

await requestForm('/api/transfer', 'transfer', (final, result) => {
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
      : `Transfer not executed: ${outcome(final)}.`;
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
});
