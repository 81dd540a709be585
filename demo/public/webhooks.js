import { api } from './bank.js';

const rows = document.getElementById('rows');
const cell = (text) => {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
};
function describe(event) {
  const d = event.data ?? {};
  if (event.type.startsWith('request.')) return `${d.kind ?? ''} ${d.status ?? ''}${d.reason ? ` (${d.reason})` : ''}${d.receipt ? ', receipt attached' : ''}`;
  if (event.type === 'activation.completed') return `user ${d.user_id ?? ''}, device ${d.device_id ?? ''}`;
  return d.device_id ? `device ${d.device_id}` : '';
}
async function refresh() {
  try {
    const { webhooks } = await api('GET', '/api/webhooks');
    if (!webhooks.length) {
      rows.replaceChildren(Object.assign(document.createElement('tr'), { innerHTML: '<td colspan="5">None yet.</td>' }));
      return;
    }
    rows.replaceChildren(...webhooks.map((w) => {
      const tr = document.createElement('tr');
      tr.append(cell(new Date(w.received_at * 1000).toLocaleTimeString()), cell(w.type), cell(w.rp), cell(describe(w)), cell(w.id));
      return tr;
    }));
  } catch (error) {
    rows.replaceChildren(Object.assign(document.createElement('tr'), { textContent: `Could not load: ${error.message}` }));
  }
}
await refresh();
setInterval(refresh, 2000);
