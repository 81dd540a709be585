// SPEC §5/§6/§9/§10: creating requests, the push each device gets, the RP's and the
// widget's status reads, superseding, budgets — against workerd and the strict fake push.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler, DEFAULT_RPS } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';
import { createPushService } from './lib/fake-push.mjs';

let edge;
let push;
before(async () => {
  push = await createPushService();
  edge = await startWrangler({
    rps: [...DEFAULT_RPS, { id: 'tight', name: 'Tight Bank', mode: 'gateway', limits: { requests_per_10_min: 2 } }],
  });
});
after(async () => { edge?.stop(); await push?.close(); });

const rpCall = async (rp, method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys[rp]}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, headers: r.headers, body: await r.json() };
};

/** An activated device for (rp, user), with a push subscription on the fake service. */
async function enrolled(rp, user_id, { withPush = true } = {}) {
  const a = (await rpCall(rp, 'POST', '/v1/activations', { user_id })).body;
  const device = createDevice({ edgeUrl: edge.url });
  const sub = withPush ? push.newSubscription() : null;
  const r = await device.activate(a.code, { subscription: sub?.subscription ?? null });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { device, pushId: sub?.id };
}

const login = (user_id, extra = {}) => ({
  user_id, kind: 'login', title: 'Sign in to Example Bank',
  context: { ip: '203.0.113.7', location: 'Brussels, BE', browser: 'Firefox on macOS' }, ...extra,
});

test('Push and Login: created with a binding code, pushed to the device, readable by RP and widget', async () => {
  const { device, pushId } = await enrolled('demo', 'alice');
  const before = Math.floor(Date.now() / 1000);
  const r = await rpCall('demo', 'POST', '/v1/requests', login('alice', { ttl_seconds: 90 }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const c = r.body;
  assert.deepEqual(Object.keys(c).sort(), ['binding_code', 'created_at', 'devices', 'devices_notified',
    'expires_at', 'request_hash', 'request_id', 'status', 'status_token']);
  assert.equal(c.status, 'pending');
  assert.match(c.binding_code, /^\d\d$/);
  assert.ok(c.created_at >= before && c.created_at <= before + 2);
  assert.equal(c.expires_at, c.created_at + 90);
  assert.equal(c.devices, 1);
  assert.equal(c.devices_notified, 1);
  // The hash covers exactly the content the device will display (computed independently).
  assert.equal(c.request_hash, device.requestHash({
    v: 1, rp_id: 'demo', rp_name: 'Example Bank', request_id: c.request_id, user_id: 'alice', kind: 'login',
    title: 'Sign in to Example Bank',
    context: { ip: '203.0.113.7', location: 'Brussels, BE', browser: 'Firefox on macOS' },
    created_at: c.created_at, expires_at: c.expires_at,
  }));

  const [p] = await push.waitFor(pushId, 1);
  assert.deepEqual(p.json, {
    web_push: 8030,
    notification: {
      title: 'Sign-in request', body: 'Example Bank',
      navigate: `${edge.config.edgeOrigin}/#/requests/${device.deviceId}/${c.request_id}`, tag: c.request_id,
    },
    assent: { v: 1, device_id: device.deviceId, request_id: c.request_id, kind: 'login', expires_at: c.expires_at },
  });
  assert.equal(p.urgency, 'high');
  assert.ok(Number(p.ttl) > 80 && Number(p.ttl) <= 90, `TTL ${p.ttl}`);
  assert.match(p.topic, /^[A-Za-z0-9_-]{1,32}$/);
  assert.equal(p.vapid.claims.aud, push.origin);

  const g = await rpCall('demo', 'GET', `/v1/requests/${c.request_id}`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.body, { request_id: c.request_id, kind: 'login', status: 'pending', created_at: c.created_at, expires_at: c.expires_at });

  const w = await fetch(`${edge.url}/v1/status/${c.request_id}`, { headers: { Authorization: `Bearer ${c.status_token}` } });
  assert.equal(w.status, 200);
  assert.deepEqual(await w.json(), { status: 'pending', expires_at: c.expires_at, binding_code: c.binding_code });
  const wrong = await fetch(`${edge.url}/v1/status/${c.request_id}`, { headers: { Authorization: `Bearer ${c.status_token}x` } });
  assert.equal(wrong.status, 401);
  assert.equal((await wrong.json()).error.code, 'unauthorized');
  const other = await rpCall('demo-secure', 'GET', `/v1/requests/${c.request_id}`);
  assert.equal(other.status, 404);
});

test('sign requests: no number matching by default; fields required', async () => {
  await enrolled('demo', 'bob');
  const fields = [{ label: 'Amount', value: 'EUR 1,250.00' }, { label: 'Payee', value: 'ACME NV' }];
  const r = await rpCall('demo', 'POST', '/v1/requests', { user_id: 'bob', kind: 'sign', title: 'Transfer', fields });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.binding_code, null);
  assert.equal(r.body.expires_at - r.body.created_at, 120, 'default ttl');
  const missing = await rpCall('demo', 'POST', '/v1/requests', { user_id: 'bob', kind: 'sign' });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /fields/);
  const ttl = await rpCall('demo', 'POST', '/v1/requests', login('bob', { ttl_seconds: 601 }));
  assert.equal(ttl.status, 400);
  assert.match(ttl.body.error.message, /ttl_seconds/);
});

test('no device: 422 no_devices', async () => {
  const r = await rpCall('demo', 'POST', '/v1/requests', login('nobody'));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'no_devices');
});

test('a second login supersedes the first', async () => {
  await enrolled('demo', 'carol', { withPush: false });
  const first = (await rpCall('demo', 'POST', '/v1/requests', login('carol'))).body;
  const second = await rpCall('demo', 'POST', '/v1/requests', login('carol'));
  assert.equal(second.status, 201);
  assert.equal(second.body.devices_notified, 0, 'poll-only device: no push');
  const g = (await rpCall('demo', 'GET', `/v1/requests/${first.request_id}`)).body;
  assert.equal(g.status, 'cancelled');
  assert.equal(g.reason, 'superseded');
  assert.equal((await rpCall('demo', 'GET', `/v1/requests/${second.body.request_id}`)).body.status, 'pending');
});

test("budget: the RP's limit of requests per 10 minutes answers 429 with Retry-After", async () => {
  await enrolled('tight', 'dave', { withPush: false });
  const sign = { user_id: 'dave', kind: 'sign', fields: [{ label: 'A', value: 'B' }] };
  assert.equal((await rpCall('tight', 'POST', '/v1/requests', sign)).status, 201);
  assert.equal((await rpCall('tight', 'POST', '/v1/requests', sign)).status, 201);
  const third = await rpCall('tight', 'POST', '/v1/requests', sign);
  assert.equal(third.status, 429);
  assert.equal(third.body.error.code, 'rate_limited');
  const retry = Number(third.headers.get('retry-after'));
  assert.ok(retry > 590 && retry <= 600, `Retry-After ${retry}`);
});

test('a push answered 410 makes the device poll-only: later requests push nothing', async () => {
  const { pushId } = await enrolled('demo', 'erin');
  push.respondWith(pushId, 410);
  const first = await rpCall('demo', 'POST', '/v1/requests', login('erin'));
  assert.equal(first.body.devices_notified, 0);
  assert.equal(push.attempts(pushId).length, 1);
  const second = await rpCall('demo', 'POST', '/v1/requests', login('erin'));
  assert.equal(second.status, 201);
  assert.equal(second.body.devices, 1, 'the device can still decide by polling');
  assert.equal(second.body.devices_notified, 0);
  assert.equal(push.attempts(pushId).length, 1, 'no second push to a gone subscription');
  const listed = await rpCall('demo', 'GET', '/v1/users/erin/devices');
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.devices.map((d) => d.push), [false], 'the RP sees the device as poll-only');
});
