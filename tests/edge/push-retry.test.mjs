// SPEC §6: a push answered 429/5xx is retried with backoff (Retry-After when given) within
// the request's lifetime, and not once the request is no longer pending.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';
import { createPushService } from './lib/fake-push.mjs';

let edge;
let push;
before(async () => { [edge, push] = await Promise.all([startWrangler(), createPushService()]); });
after(async () => { edge?.stop(); await push?.close(); });

const rpCall = async (method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys.demo}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};
async function enrolled(user_id) {
  const a = (await rpCall('POST', '/v1/activations', { user_id })).body;
  const device = createDevice({ edgeUrl: edge.url });
  const sub = push.newSubscription();
  assert.equal((await device.activate(a.code, { subscription: sub.subscription })).status, 200);
  return { device, pushId: sub.id };
}
const sign = (user_id) => ({ user_id, kind: 'sign', fields: [{ label: 'Amount', value: 'EUR 1.00' }] });

test('500 then 429 (Retry-After: 1) then delivered: the same request, retried', async () => {
  const { pushId } = await enrolled('alice');
  push.respondWith(pushId, [500, 429, 201], { retryAfter: 1 });
  const c = (await rpCall('POST', '/v1/requests', sign('alice'))).body;
  assert.equal(c.devices_notified, 0, 'the first attempt failed');
  const [delivered] = await push.waitFor(pushId, 1, 15_000);
  assert.equal(delivered.json.assent.request_id, c.request_id);
  const attempts = push.attempts(pushId).map((a) => a.status);
  assert.deepEqual(attempts, [500, 429, 201]);
});

test('no retry once the request was cancelled', async () => {
  const { pushId } = await enrolled('bob');
  push.respondWith(pushId, [503, 201]);
  const c = (await rpCall('POST', '/v1/requests', sign('bob'))).body;
  assert.equal((await rpCall('POST', `/v1/requests/${c.request_id}/cancel`)).status, 200);
  await new Promise((ok) => setTimeout(ok, 4000));
  assert.deepEqual(push.attempts(pushId).map((a) => a.status), [503], 'nothing after the cancel');
});
