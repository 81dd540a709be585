// Example Bank's server side against the real edge, with a software phone (no browser): it
// enrols, signs in and moves money only on a verified receipt about exactly what it asked,
// verifies and dedupes webhooks, and never hands an API key or webhook secret to a page.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';

import { createDevice } from '../edge/lib/device.mjs';
import { eventually } from '../app/lib/phone.mjs';
import { bankApi, startSystem } from './lib/system.mjs';

let system;
let bank;
before(async () => {
  system = await startSystem();
  bank = (method, path, body) => bankApi(system.bank.url, method, path, body);
});
after(() => system?.stop());

async function enrol(user, rp = 'demo') {
  const created = await bank('POST', '/api/enrol', { rp, user_id: user, display_name: user.toUpperCase() });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const phone = createDevice({ edgeUrl: system.edge.url });
  const code = created.body.activation_url.split('#/activate/')[1];
  const activated = await phone.activate(code);
  assert.equal(activated.status, 200, JSON.stringify(activated.body));
  return { phone, activationId: created.body.activation_id };
}

async function decide(phone, requestId, decision) {
  const { body: details } = await phone.getRequest(requestId);
  return phone.decide(requestId, { request: details.request, ...decision });
}

test('the pages get no secret: config carries only the edge URL and the bank names', async () => {
  const { status, body } = await bank('GET', '/api/config');
  assert.equal(status, 200);
  assert.equal(body.edge_url, system.edge.url);
  const text = JSON.stringify(body);
  for (const secret of [...Object.values(system.edge.config.apiKeys), ...Object.values(system.edge.config.webhookSecrets)]) {
    assert.ok(!text.includes(secret));
  }
});

test('enrolment completes and the activation.completed webhook arrives, verified', async () => {
  const { activationId } = await enrol('erin');
  const status = await eventually(async () => {
    const { body } = await bank('GET', `/api/enrol/${activationId}`);
    return body.status === 'completed' && body.webhook_received ? body : false;
  }, { timeout: 15_000, what: 'the activation webhook' });
  assert.equal(status.user_id, 'erin');
  const { body } = await bank('GET', '/api/webhooks');
  assert.ok(body.webhooks.some((w) => w.type === 'activation.completed' && w.data.user_id === 'erin'));
});

test('login: signed in only after an approval with the right code, receipt verified', async () => {
  const { phone } = await enrol('lena');
  const { status, body: created } = await bank('POST', '/api/login', { rp: 'demo', user_id: 'lena' });
  assert.equal(status, 200);
  assert.match(created.binding_code, /^\d\d$/);
  for (const secret of Object.values(system.edge.config.apiKeys)) assert.ok(!JSON.stringify(created).includes(secret));
  const before = (await bank('GET', `/api/requests/${created.request_id}`)).body;
  assert.equal(before.status, 'pending');
  assert.equal(before.signed_in, false);
  const decided = await decide(phone, created.request_id, { decision: 'approve', binding_code: created.binding_code });
  assert.equal(decided.status, 200);
  const after = (await bank('GET', `/api/requests/${created.request_id}`)).body;
  assert.deepEqual([after.status, after.verified, after.signed_in], ['approved', true, true]);
  assert.equal(after.receipt.decision, 'approve');
  assert.equal(after.receipt.binding_code, created.binding_code);
});

test('login with the wrong code is not a sign-in', async () => {
  const { phone } = await enrol('walt');
  const { body: created } = await bank('POST', '/api/login', { rp: 'demo', user_id: 'walt' });
  const wrong = created.binding_code === '00' ? '01' : '00';
  await decide(phone, created.request_id, { decision: 'approve', binding_code: wrong });
  const after = (await bank('GET', `/api/requests/${created.request_id}`)).body;
  assert.deepEqual([after.status, after.reason, after.signed_in], ['denied', 'binding_mismatch', false]);
});

test('transfer: the signed fields are exactly what the bank asked; fraud is refused', async () => {
  const { phone } = await enrol('tess');
  const asked = { rp: 'demo', user_id: 'tess', amount: '1250.5', payee: 'ACME NV', iban: 'be71 0961 2345 6769', reference: 'Invoice 7' };
  const { status, body: created } = await bank('POST', '/api/transfer', asked);
  assert.equal(status, 200, JSON.stringify(created));
  const { body: details } = await phone.getRequest(created.request_id);
  assert.deepEqual(details.request.fields, [
    { label: 'Amount', value: 'EUR 1,250.50' }, { label: 'Payee', value: 'ACME NV' },
    { label: 'IBAN', value: 'BE71 0961 2345 6769' }, { label: 'Reference', value: 'Invoice 7' },
  ]);
  await phone.decide(created.request_id, { request: details.request, decision: 'approve' });
  const done = (await bank('GET', `/api/requests/${created.request_id}`)).body;
  assert.deepEqual([done.status, done.verified, done.executed], ['approved', true, true]);
  assert.deepEqual(done.receipt.fields, details.request.fields);

  const { body: second } = await bank('POST', '/api/transfer', { ...asked, amount: '99' });
  const { body: secondDetails } = await phone.getRequest(second.request_id);
  await phone.decide(second.request_id, { request: secondDetails.request, decision: 'deny', reason: 'fraud' });
  const refused = (await bank('GET', `/api/requests/${second.request_id}`)).body;
  assert.deepEqual([refused.status, refused.reason, refused.executed], ['denied', 'fraud', false]);
});

test('bad input gets a clear error and asks the edge nothing', async () => {
  const cases = [
    [{ rp: 'nope', user_id: 'x' }, /rp must be one of/],
    [{ rp: 'demo', user_id: 'has space' }, /user_id/],
    [{ rp: 'demo', user_id: 'x', amount: '-5', payee: 'A', iban: 'BE71096123456769' }, /amount/],
    [{ rp: 'demo', user_id: 'x', amount: '5', payee: 'A', iban: 'not an iban' }, /iban/],
    [{ rp: 'demo', user_id: 'x', amount: '5.001', payee: 'A', iban: 'BE71096123456769' }, /amount/],
  ];
  for (const [body, message] of cases) {
    const r = await bank('POST', '/api/transfer', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.body.error.message, message);
  }
  const unknown = await bank('POST', '/api/login', { rp: 'demo', user_id: 'nobody-enrolled' });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.error.code, 'no_devices');
  const notOurs = await bank('GET', '/api/requests/AAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(notOurs.status, 404);
});

test('webhooks: a bad signature or stale timestamp is refused; a redelivery is stored once', async () => {
  const secret = system.edge.config.webhookSecrets.demo;
  const event = { id: 'evt_test_1', type: 'device.removed', created_at: Math.floor(Date.now() / 1000), data: { user_id: 'x', device_id: 'd' } };
  const raw = JSON.stringify(event);
  const sign = (t, body, key = secret) => `t=${t},v1=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;
  const post = (header, body = raw) => fetch(`${system.bank.url}/webhooks/demo`, { method: 'POST', headers: { 'Assent-Signature': header }, body });
  const now = Math.floor(Date.now() / 1000);
  assert.equal((await post(sign(now, raw, 'whsec_wrong'))).status, 400);
  assert.equal((await post(sign(now - 3600, raw))).status, 400);
  assert.equal((await post(sign(now, raw), raw.replace('device.removed', 'device.locked'))).status, 400);
  assert.equal((await post('garbage')).status, 400);
  assert.equal((await post(sign(now, raw))).status, 200);
  assert.equal((await post(sign(now + 1, raw))).status, 200);
  const { body } = await bank('GET', '/api/webhooks');
  assert.equal(body.webhooks.filter((w) => w.id === 'evt_test_1').length, 1);
});
