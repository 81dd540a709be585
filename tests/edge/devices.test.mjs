// SPEC §5/§7 devices: push re-registration with increasing seq, deactivation by the device,
// listing and removal by the RP — against workerd and the fake push service.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';
import { createPushService } from './lib/fake-push.mjs';

let edge;
let push;
before(async () => { [edge, push] = await Promise.all([startWrangler(), createPushService()]); });
after(async () => { edge?.stop(); await push?.close(); });

const rpCall = async (method, path, body, rp = 'demo') => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys[rp]}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};
async function enrolled(user_id, subscription = null) {
  const a = (await rpCall('POST', '/v1/activations', { user_id })).body;
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(a.code, { subscription })).status, 200);
  return device;
}
const sign = (user_id) => ({ user_id, kind: 'sign', fields: [{ label: 'Amount', value: 'EUR 1.00' }] });

test('a changed subscription is re-registered with a higher seq; a stale seq is refused', async () => {
  const oldSub = push.newSubscription();
  const newSub = push.newSubscription();
  const device = await enrolled('alice', oldSub.subscription);
  const r = await device.pushUpdate(newSub.subscription);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.push, true);
  const c = (await rpCall('POST', '/v1/requests', sign('alice'))).body;
  assert.equal(c.devices_notified, 1);
  await push.waitFor(newSub.id, 1);
  assert.equal(push.received(oldSub.id).length, 0, 'nothing to the old subscription');

  const stale = await device.pushUpdate(oldSub.subscription, { seq: 2 });
  assert.equal(stale.status, 400);
  assert.equal(stale.body.error.code, 'invalid_request');
  assert.match(stale.body.error.message, /seq/);
});

test('gone, then re-registered: pushes resume; null subscription turns push off', async () => {
  const sub = push.newSubscription();
  const device = await enrolled('bob', sub.subscription);
  push.respondWith(sub.id, 410);
  await rpCall('POST', '/v1/requests', sign('bob'));
  const fresh = push.newSubscription();
  assert.equal((await device.pushUpdate(fresh.subscription)).status, 200);
  const c = (await rpCall('POST', '/v1/requests', sign('bob'))).body;
  assert.equal(c.devices_notified, 1);
  const off = await device.pushUpdate(null);
  assert.equal(off.body.push, false);
  assert.equal((await rpCall('POST', '/v1/requests', sign('bob'))).body.devices_notified, 0);
});

test('the RP lists devices with their keys and removes one; removal is final', async () => {
  const first = await enrolled('ca rol/é', push.newSubscription().subscription);
  const second = await enrolled('ca rol/é');
  const path = `/v1/users/${encodeURIComponent('ca rol/é')}/devices`;
  const list = await rpCall('GET', path);
  assert.equal(list.status, 200);
  const byId = Object.fromEntries(list.body.devices.map((d) => [d.device_id, d]));
  assert.deepEqual(Object.keys(byId).sort(), [first.deviceId, second.deviceId].sort());
  assert.equal(byId[first.deviceId].push, true);
  assert.equal(byId[second.deviceId].push, false);
  const pub = Buffer.from(first.passkey.publicKey, 'base64url');
  assert.equal(byId[first.deviceId].public_key.x, pub.subarray(1, 33).toString('base64url'));
  assert.equal(byId[first.deviceId].credential_id, first.passkey.credentialId);
  assert.deepEqual((await rpCall('GET', path, undefined, 'demo-secure')).body, { devices: [] }, "another RP's user of that name");

  const removed = await rpCall('DELETE', `${path}/${first.deviceId}`);
  assert.equal(removed.status, 200);
  assert.deepEqual((await rpCall('GET', path)).body.devices.map((d) => d.device_id), [second.deviceId]);
  assert.equal((await rpCall('DELETE', `${path}/${first.deviceId}`)).status, 404);
  const c = (await rpCall('POST', '/v1/requests', sign('ca rol/é'))).body;
  assert.equal(c.devices, 1);
  assert.equal((await first.getRequest(c.request_id)).status, 404, 'a removed device sees nothing');
});

test('a device deactivates itself with a fresh sealed timestamp', async () => {
  const device = await enrolled('dave');
  const stale = await device.deactivate({ ts: Math.floor(Date.now() / 1000) - 400 });
  assert.equal(stale.status, 400);
  assert.match(stale.body.error.message, /ts/);
  const done = await device.deactivate();
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.deepEqual(done.body, { device_id: device.deviceId, status: 'removed' });
  assert.equal((await device.deactivate()).status, 404, 'a replay finds no device');
  assert.deepEqual((await rpCall('GET', '/v1/users/dave/devices')).body.devices, []);
  const c = await rpCall('POST', '/v1/requests', sign('dave'));
  assert.equal(c.status, 422);
  assert.equal(c.body.error.code, 'no_devices');
});
