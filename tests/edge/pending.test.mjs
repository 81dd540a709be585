// GET /v1/device/{device_id}/pending (an addition to SPEC §7): what the PWA polls on open and
// focus so that a lost push loses no request — the account's pending, unexpired requests,
// newest first, with no more than a push carries (SPEC §6), in both modes.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler, DEFAULT_RPS } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';

let edge;
before(async () => {
  edge = await startWrangler({
    rps: [
      ...DEFAULT_RPS,
      // 1-second requests (expiry without waiting 30 s) and a lock after one bad assertion.
      { id: 'quick', name: 'Quick Bank', mode: 'gateway', limits: { min_ttl_seconds: 1, max_failed_decisions: 1 } },
    ],
  });
});
after(() => edge?.stop());

const rpCall = async (rp, method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys[rp]}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};

async function enrolled(rp, user_id) {
  const a = (await rpCall(rp, 'POST', '/v1/activations', { user_id })).body;
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(a.code)).status, 200);
  return device;
}

async function request(rp, body) {
  const r = await rpCall(rp, 'POST', '/v1/requests', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
const login = (user_id, extra = {}) => ({ user_id, kind: 'login', title: 'Sign in', ...extra });
const sign = (user_id, extra = {}) => ({ user_id, kind: 'sign', title: 'Transfer', fields: [{ label: 'Amount', value: 'EUR 10.00' }], ...extra });

/** `GET …/pending` of a device id, with the headers kept. */
async function pending(deviceId, method = 'GET') {
  const r = await fetch(`${edge.url}/v1/device/${deviceId}/pending`, { method });
  return { status: r.status, headers: r.headers, body: await r.json() };
}
/** The listed request ids of a device (asserting a 200). */
async function listed(device) {
  const r = await pending(device.deviceId);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.pending.map((p) => p.request_id);
}
/** What the list must hold for `created` answers: newest first, ties by request id, descending. */
const newestFirst = (...created) => [...created]
  .sort((a, b) => b.created_at - a.created_at || (a.request_id < b.request_id ? 1 : -1))
  .map((c) => ({ request_id: c.request_id, kind: c.kind, expires_at: c.expires_at }));

test('empty after activation; two requests listed newest first with their kinds and expiry, and nothing else', async () => {
  const device = await enrolled('demo', 'alice');
  const empty = await pending(device.deviceId);
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body, { pending: [] });
  assert.equal(empty.headers.get('cache-control'), 'no-store');
  assert.match(empty.headers.get('content-type'), /^application\/json/);

  const s = { ...(await request('demo', sign('alice', { ttl_seconds: 300 }))), kind: 'sign' };
  const l = { ...(await request('demo', login('alice', { ttl_seconds: 60 }))), kind: 'login' };
  assert.ok(s.expires_at !== l.expires_at);
  const r = await pending(device.deviceId);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.deepEqual(Object.keys(r.body), ['pending']);
  for (const entry of r.body.pending) assert.deepEqual(Object.keys(entry).sort(), ['expires_at', 'kind', 'request_id'], 'no content, no title');
  assert.deepEqual(r.body.pending, newestFirst(s, l));
  // Strictly newer first when the creations are a second apart.
  await new Promise((ok) => setTimeout(ok, 1100));
  const later = { ...(await request('demo', sign('alice'))), kind: 'sign' };
  assert.equal((await listed(device))[0], later.request_id);
});

test('a decision, a cancel or a newer login takes a request off the list', async () => {
  const device = await enrolled('demo', 'bob');
  const approved = await request('demo', sign('bob'));
  const denied = await request('demo', sign('bob'));
  const cancelled = await request('demo', sign('bob'));
  const first = await request('demo', login('bob'));
  assert.equal((await listed(device)).length, 4);

  const shownA = (await device.getRequest(approved.request_id)).body.request;
  assert.equal((await device.decide(approved.request_id, { request: shownA, decision: 'approve' })).body.status, 'approved');
  assert.ok(!(await listed(device)).includes(approved.request_id));
  const shownD = (await device.getRequest(denied.request_id)).body.request;
  assert.equal((await device.decide(denied.request_id, { request: shownD, decision: 'deny', reason: 'rejected' })).body.status, 'denied');
  assert.equal((await rpCall('demo', 'POST', `/v1/requests/${cancelled.request_id}/cancel`)).status, 200);
  assert.deepEqual(await listed(device), [first.request_id]);

  const second = await request('demo', login('bob'));
  assert.equal((await rpCall('demo', 'GET', `/v1/requests/${first.request_id}`)).body.reason, 'superseded');
  assert.deepEqual(await listed(device), [second.request_id]);
});

test('an expired request leaves the list at its expiry', async () => {
  const device = await enrolled('quick', 'carol');
  const short = await request('quick', sign('carol', { ttl_seconds: 2 }));
  const long = await request('quick', sign('carol', { ttl_seconds: 300 }));
  const now = Math.floor(Date.now() / 1000);
  if (now < short.expires_at) assert.ok((await listed(device)).includes(short.request_id));
  while (Math.floor(Date.now() / 1000) < short.expires_at + 1) await new Promise((ok) => setTimeout(ok, 200));
  assert.deepEqual(await listed(device), [long.request_id]);
});

test('secure mode lists the same ids; the details still come only through the inbox', async () => {
  const device = await enrolled('demo-secure', 'dora');
  const s = { ...(await request('demo-secure', sign('dora'))), kind: 'sign' };
  const l = { ...(await request('demo-secure', login('dora'))), kind: 'login' };
  assert.deepEqual((await pending(device.deviceId)).body.pending, newestFirst(s, l));
  assert.equal((await device.getRequest(l.request_id)).status, 403);
  const inbox = await device.inbox();
  assert.deepEqual(inbox.plaintext.requests.map((r) => r.request.request_id).sort(), [s.request_id, l.request_id].sort());
});

test("a device never sees another account's requests", async () => {
  const mine = await enrolled('demo', 'erin');
  const sameRp = await enrolled('demo', 'frank');
  const sameUserOtherRp = await enrolled('demo-secure', 'erin');
  const second = await enrolled('demo', 'erin');
  const r = await request('demo', sign('erin'));
  const theirs = await request('demo', sign('frank'));
  const secure = await request('demo-secure', sign('erin'));
  assert.deepEqual(await listed(mine), [r.request_id]);
  assert.deepEqual(await listed(second), [r.request_id], 'every device of the account');
  assert.deepEqual(await listed(sameRp), [theirs.request_id]);
  assert.deepEqual(await listed(sameUserOtherRp), [secure.request_id]);
});

test('unknown, malformed and removed devices: 404 not_found; a locked device: 403 forbidden', async () => {
  for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'not-a-device', 'activate']) {
    const r = await pending(id);
    assert.equal(r.status, 404, id);
    assert.equal(r.body.error.code, 'not_found', id);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  }
  const removed = await enrolled('demo', 'gina');
  const kept = await enrolled('demo', 'gina');
  await request('demo', sign('gina'));
  assert.equal((await rpCall('demo', 'DELETE', `/v1/users/gina/devices/${removed.deviceId}`)).status, 200);
  const gone = await pending(removed.deviceId);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.code, 'not_found');
  assert.equal((await listed(kept)).length, 1);
  const deactivated = await enrolled('demo', 'gina');
  assert.equal((await deactivated.deactivate()).status, 200);
  assert.equal((await pending(deactivated.deviceId)).status, 404);

  // One bad assertion locks a device of the quick RP.
  const lockee = await enrolled('quick', 'hank');
  const other = await enrolled('quick', 'hank');
  const req = await request('quick', sign('hank'));
  const shown = (await lockee.getRequest(req.request_id)).body.request;
  assert.equal((await lockee.decide(req.request_id, { request: shown, decision: 'approve', tweaks: { omit_user_verification: true } })).status, 422);
  const locked = await pending(lockee.deviceId);
  assert.equal(locked.status, 403);
  assert.equal(locked.body.error.code, 'forbidden');
  assert.match(locked.body.error.message, /locked/);
  assert.deepEqual(await listed(other), [req.request_id], 'the lock is the device\'s own');
});

test('other methods: 405 method_not_allowed with Allow: GET', async () => {
  const device = await enrolled('demo', 'ivan');
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const r = await fetch(`${edge.url}/v1/device/${device.deviceId}/pending`, { method });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.get('allow'), 'GET', method);
    assert.equal((await r.json()).error.code, 'method_not_allowed', method);
  }
});
