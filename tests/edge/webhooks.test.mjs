// SPEC §9 webhooks through the Queue: signed events for activation, decisions, expiry by
// the Durable Object's alarm, cancel, push gone; at-least-once delivery with backoff.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import { startWrangler } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';
import { createPushService } from './lib/fake-push.mjs';
import { createWebhookReceiver } from './lib/webhook-receiver.mjs';

let edge;
let push;
let hooks;
before(async () => {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  [push, hooks] = await Promise.all([createPushService(), createWebhookReceiver({ secret })]);
  edge = await startWrangler({
    rps: [{
      id: 'hooked', name: 'Hooked Bank', mode: 'gateway', webhook_url: hooks.url, webhook_secret: secret,
      limits: { min_ttl_seconds: 2 },
    }],
  });
});
after(async () => { edge?.stop(); await push?.close(); await hooks?.close(); });

const rpCall = async (method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys.hooked}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};

async function enrolled(user_id, { withPush = false } = {}) {
  const a = (await rpCall('POST', '/v1/activations', { user_id })).body;
  const device = createDevice({ edgeUrl: edge.url });
  const sub = withPush ? push.newSubscription() : null;
  assert.equal((await device.activate(a.code, { subscription: sub?.subscription ?? null })).status, 200);
  return { device, activation: a, pushId: sub?.id };
}
const sign = (user_id, extra = {}) => ({ user_id, kind: 'sign', fields: [{ label: 'Amount', value: 'EUR 5.00' }], ...extra });
const eventFor = (type, pred) => hooks.waitFor((e) => e.type === type && pred(e), 20_000);

test('activation.completed carries the device key the RP keeps to verify receipts', async () => {
  const { device, activation } = await enrolled('alice');
  const e = await eventFor('activation.completed', (e) => e.data.activation_id === activation.activation_id);
  assert.match(e.id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(e.data.user_id, 'alice');
  assert.equal(e.data.device_id, device.deviceId);
  assert.equal(e.data.credential_id, device.passkey.credentialId);
  const pub = Buffer.from(device.passkey.publicKey, 'base64url');
  assert.equal(e.data.public_key.x, pub.subarray(1, 33).toString('base64url'));
  assert.equal(e.data.public_key.y, pub.subarray(33).toString('base64url'));
});

test('request.approved: data is the GET /v1/requests object, receipt included', async () => {
  const { device } = await enrolled('bob');
  const c = (await rpCall('POST', '/v1/requests', sign('bob'))).body;
  const shown = (await device.getRequest(c.request_id)).body;
  assert.equal((await device.decide(c.request_id, { request: shown.request, decision: 'approve' })).status, 200);
  const e = await eventFor('request.approved', (e) => e.data.request_id === c.request_id);
  assert.deepEqual(e.data, (await rpCall('GET', `/v1/requests/${c.request_id}`)).body);
  const jwks = jose.createLocalJWKSet(await (await fetch(`${edge.url}/.well-known/jwks.json`)).json());
  await jose.jwtVerify(e.data.receipt, jwks, { issuer: edge.config.edgeOrigin, audience: 'hooked' });
});

test('expiry is detected by the alarm: request.expired arrives without anyone asking', async () => {
  await enrolled('carol');
  const c = (await rpCall('POST', '/v1/requests', sign('carol', { ttl_seconds: 2 }))).body;
  const e = await eventFor('request.expired', (e) => e.data.request_id === c.request_id);
  assert.equal(e.data.status, 'expired');
  assert.ok(e.created_at >= c.expires_at);
});

test('cancel: 200 then request.cancelled; cancelling again is 409', async () => {
  await enrolled('dave');
  const c = (await rpCall('POST', '/v1/requests', sign('dave'))).body;
  const r = await rpCall('POST', `/v1/requests/${c.request_id}/cancel`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'cancelled' });
  const e = await eventFor('request.cancelled', (e) => e.data.request_id === c.request_id);
  assert.equal(e.data.reason, 'rp');
  const again = await rpCall('POST', `/v1/requests/${c.request_id}/cancel`);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'already_decided');
});

test('device.push_gone when the push service answers 410', async () => {
  const { device, pushId } = await enrolled('erin', { withPush: true });
  push.respondWith(pushId, 410);
  await rpCall('POST', '/v1/requests', sign('erin'));
  const e = await eventFor('device.push_gone', (e) => e.data.device_id === device.deviceId);
  assert.equal(e.data.user_id, 'erin');
});

test('a receiver failing 3 times gets the event later, same id and body, with backoff', async () => {
  const { device } = await enrolled('frank');
  // Let the activation's own event through first, so the three failures hit the one event.
  await eventFor('activation.completed', (e) => e.data.device_id === device.deviceId);
  hooks.failNext(3);
  const c = (await rpCall('POST', '/v1/requests', sign('frank'))).body;
  await rpCall('POST', `/v1/requests/${c.request_id}/cancel`);
  const e = await eventFor('request.cancelled', (e) => e.data.request_id === c.request_id);
  const tries = hooks.attempts().filter((a) => a.id === e.id);
  assert.equal(tries.length, 4, JSON.stringify(tries.map((t) => t.status)));
  assert.deepEqual(tries.map((t) => t.status), [500, 500, 500, 200]);
  assert.ok(tries.every((t) => t.raw === tries[0].raw), 'the same body each time');
  assert.ok(tries[3].t - tries[0].t >= 3, 'backoff: 1 s, 2 s, 4 s between attempts');
});
