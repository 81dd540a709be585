// SPEC §4/§7 secure mode: the inbox opens only with a fresh user-verified assertion, and
// arrives sealed to the device's channel key (opened here with WebCrypto, as the PWA does).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';

let edge;
before(async () => { edge = await startWrangler(); });
after(() => edge?.stop());

const rpCall = async (method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys['demo-secure']}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};

async function enrolled(user_id) {
  const a = (await rpCall('POST', '/v1/activations', { user_id })).body;
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(a.code)).status, 200);
  return device;
}

test('two pending requests listed, decided one after the other, then an empty inbox', async () => {
  const device = await enrolled('alice');
  const login = (await rpCall('POST', '/v1/requests', { user_id: 'alice', kind: 'login', title: 'Sign in' })).body;
  const sign = (await rpCall('POST', '/v1/requests', {
    user_id: 'alice', kind: 'sign', fields: [{ label: 'Amount', value: 'EUR 10.00' }, { label: 'Payee', value: 'ACME NV' }],
  })).body;

  const first = await device.inbox();
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(Object.keys(first.body), ['sealed']);
  const listed = first.plaintext.requests;
  assert.deepEqual(listed.map((r) => r.request.request_id).sort(), [login.request_id, sign.request_id].sort());
  for (const r of listed) {
    assert.equal(r.status, 'pending');
    assert.equal(device.requestHash(r.request), r.request_hash, 'the device recomputes each hash');
    assert.equal(r.number_matching, r.request.kind === 'login');
  }
  const byId = Object.fromEntries(listed.map((r) => [r.request.request_id, r]));

  const a = await device.decide(login.request_id, { request: byId[login.request_id].request, decision: 'approve', binding_code: login.binding_code });
  assert.equal(a.body.status, 'approved');
  const afterOne = await device.inbox();
  assert.deepEqual(afterOne.plaintext.requests.map((r) => r.request.request_id), [sign.request_id]);

  const b = await device.decide(sign.request_id, { request: byId[sign.request_id].request, decision: 'deny', reason: 'rejected' });
  assert.equal(b.body.status, 'denied');
  assert.deepEqual((await device.inbox()).plaintext.requests, []);
});

test('no inbox without a valid, fresh, user-verified assertion; challenges are single use', async () => {
  const device = await enrolled('bob');
  await rpCall('POST', '/v1/requests', { user_id: 'bob', kind: 'login' });
  const noUv = await device.inbox({ tweaks: { omit_user_verification: true } });
  assert.equal(noUv.status, 422);
  assert.equal(noUv.body.error.code, 'invalid_assertion');

  const challenge = await fetch(`${edge.url}/v1/device/${device.deviceId}/inbox/challenge`, { method: 'POST' });
  assert.equal(challenge.status, 200);
  const { challenge_id, request_options } = await challenge.json();
  assert.equal(request_options.userVerification, 'required');
  assert.deepEqual(request_options.allowCredentials.map((c) => c.id), [device.passkey.credentialId]);
  const assertion = await device.assert(request_options);
  const open = (body) => fetch(`${edge.url}/v1/device/${device.deviceId}/inbox`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const once = await open({ challenge_id, assertion });
  assert.equal(once.status, 200);
  const twice = await open({ challenge_id, assertion });
  assert.equal(twice.status, 404, 'a spent challenge');
  assert.equal((await twice.json()).error.code, 'not_found');
  // Another device's challenge cannot be answered by this device.
  const other = await enrolled('bob');
  const theirs = await (await fetch(`${edge.url}/v1/device/${other.deviceId}/inbox/challenge`, { method: 'POST' })).json();
  const cross = await open({ challenge_id: theirs.challenge_id, assertion: await device.assert(theirs.request_options).catch(() => assertion) });
  assert.equal(cross.status, 404);
});

test('a device holds at most 3 open challenges: asking for more drops its oldest, never the new one', async () => {
  const device = await enrolled('carol');
  const ask = async () => (await fetch(`${edge.url}/v1/device/${device.deviceId}/inbox/challenge`, { method: 'POST' })).json();
  const issued = [];
  for (let i = 0; i < 6; i += 1) issued.push(await ask());
  const open = async ({ challenge_id, request_options }) => (await fetch(`${edge.url}/v1/device/${device.deviceId}/inbox`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ challenge_id, assertion: await device.assert(request_options) }),
  })).status;
  assert.equal(await open(issued[5]), 200, 'the newest challenge always answers');
  const older = [];
  for (const c of issued.slice(0, 5)) older.push(await open(c));
  assert.deepEqual(older, [404, 404, 404, 200, 200], 'the two issued just before the newest are kept');
});
