// SPEC §7 activation: a device turns an activation code into a passkey + channel key +
// push subscription, against workerd, with the software authenticator as the browser.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';
import { createPushService } from './lib/fake-push.mjs';

let edge;
let push;
before(async () => {
  [edge, push] = await Promise.all([startWrangler(), createPushService()]);
});
after(async () => { edge?.stop(); await push?.close(); });

const rpApi = async (rp, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${edge.config.apiKeys[rp]}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};
const newActivation = async (rp = 'demo', user_id = 'alice') =>
  (await rpApi(rp, '/v1/activations', { user_id, user_name: `${user_id}@example.com`, display_name: 'Alice A.' })).body;
const activationStatus = async (rp, id) => (await rpApi(rp, `/v1/activations/${id}`)).body;

test('gateway RP: the device activates with push, and the RP sees the activation completed', async () => {
  const a = await newActivation('demo', 'alice');
  const device = createDevice({ edgeUrl: edge.url });
  const { subscription } = push.newSubscription();
  const r = await device.activate(a.code, { subscription });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, {
    device_id: device.deviceId,
    account: { rp_id: 'demo', rp_name: 'Example Bank', user_name: 'alice@example.com', display_name: 'Alice A.', mode: 'gateway' },
  });
  assert.match(device.deviceId, /^[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(await activationStatus('demo', a.activation_id),
    { activation_id: a.activation_id, status: 'completed', device_id: device.deviceId });
});

test('secure RP, no push permission: activates poll-only, mode secure', async () => {
  const a = await newActivation('demo-secure', 'bob');
  const device = createDevice({ edgeUrl: edge.url });
  const r = await device.activate(a.code, { subscription: null });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.account.mode, 'secure');
  assert.equal(r.body.account.rp_id, 'demo-secure');
});

test('begin answers what the PWA needs: RP, user, creation options with UV required, keys', async () => {
  const a = await newActivation('demo', 'carol');
  const r = await fetch(`${edge.url}/v1/device/activate/begin`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: a.code }),
  });
  assert.equal(r.status, 200);
  const b = await r.json();
  assert.deepEqual(b.rp, { id: 'demo', name: 'Example Bank' });
  assert.deepEqual(b.user, { name: 'carol@example.com', display_name: 'Alice A.' });
  const o = b.creation_options;
  assert.equal(o.rp.id, 'localhost', 'the RP ID is the edge host');
  assert.deepEqual(o.pubKeyCredParams, [{ type: 'public-key', alg: -7 }]);
  assert.equal(o.authenticatorSelection.userVerification, 'required');
  assert.equal(o.attestation, 'none');
  assert.equal(Buffer.from(o.challenge, 'base64url').length, 32);
  assert.equal(Buffer.from(o.user.id, 'base64url').toString('base64url'), b.device_id, 'user handle = device id');
  assert.equal(Buffer.from(b.vapid_public_key, 'base64url').length, 65);
  assert.equal(Buffer.from(b.channel_public_key, 'base64url').length, 65);
});

test('a code is single use', async () => {
  const a = await newActivation('demo', 'dave');
  assert.equal((await createDevice({ edgeUrl: edge.url }).activate(a.code)).status, 200);
  const second = await createDevice({ edgeUrl: edge.url }).activate(a.code);
  assert.equal(second.status, 404);
  assert.equal(second.body.error.code, 'not_found');
});

test('unknown and malformed codes', async () => {
  const r = await createDevice({ edgeUrl: edge.url }).activate('AAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not_found');
  const bad = await createDevice({ edgeUrl: edge.url }).activate('no spaces allowed');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_request');
});

for (const [name, tweaks, status, code] of [
  ['user verification off', { omit_user_verification: true }, 422, 'invalid_attestation'],
  ['user presence off', { omit_user_presence: true }, 422, 'invalid_attestation'],
  ['a passkey for another RP ID', { rp_id: 'evil.example' }, 422, 'invalid_attestation'],
  ['clientData type of an assertion', { client_data_type: 'webauthn.get' }, 422, 'invalid_attestation'],
]) {
  test(`refused and nothing changes: ${name}`, async () => {
    const a = await newActivation('demo', `refused-${name}`);
    const r = await createDevice({ edgeUrl: edge.url }).activate(a.code, { tweaks });
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error.code, code);
    assert.equal((await activationStatus('demo', a.activation_id)).status, 'pending');
    // The same code still works for a correct device.
    assert.equal((await createDevice({ edgeUrl: edge.url }).activate(a.code)).status, 200);
  });
}

test('a passkey made on another origin is refused', async () => {
  const a = await newActivation('demo', 'eve');
  const r = await createDevice({ edgeUrl: edge.url, origin: 'https://evil.example' }).activate(a.code);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'invalid_attestation');
  assert.match(r.body.error.message, /origin/i);
});

test('push endpoints: http off loopback is refused', async () => {
  const a = await newActivation('demo', 'frank');
  const device = createDevice({ edgeUrl: edge.url });
  const notLoopback = { endpoint: 'http://push.example.net/x', expirationTime: null, keys: push.newSubscription().subscription.keys };
  const r = await device.activate(a.code, { subscription: notLoopback });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_request');
  assert.match(r.body.error.message, /push\.subscription/);
  assert.equal((await activationStatus('demo', a.activation_id)).status, 'pending');
});

test('the sealed push must open with the channel key the device presents', async () => {
  const a = await newActivation('demo', 'grace');
  const other = createDevice({ edgeUrl: edge.url });
  // A second device's key pair, bound to the same device id, seals a registration.
  const device = createDevice({ edgeUrl: edge.url });
  const swapped = await device.activate(a.code, {
    mutate: async (body) => {
      await other.setChannel({ deviceId: body.device_id, channelPublicKey: device.edgeChannelPublicKey });
      return { ...body, push: await other.seal('push', { subscription: null, seq: 1 }) };
    },
  });
  assert.equal(swapped.status, 400, JSON.stringify(swapped.body));
  assert.equal(swapped.body.error.code, 'invalid_request');
  assert.match(swapped.body.error.message, /^push:/);
  // The device's own key, but sealed for another purpose: refused the same way.
  const third = createDevice({ edgeUrl: edge.url });
  const wrongPurpose = await third.activate(a.code, {
    mutate: async (body) => ({ ...body, push: await third.seal('deactivate', { subscription: null, seq: 1 }) }),
  });
  assert.equal(wrongPurpose.status, 400);
  assert.match(wrongPurpose.body.error.message, /^push:/);
  assert.equal((await activationStatus('demo', a.activation_id)).status, 'pending');
  assert.equal((await createDevice({ edgeUrl: edge.url }).activate(a.code)).status, 200, 'then a correct device');
});
