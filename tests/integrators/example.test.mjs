// docs/integrators/example.mjs against a real edge (wrangler dev): its client creates
// activations and requests, a device (tests/edge/lib/device.mjs) decides, the webhooks the
// receiver got verify with the example's verifier (and forged, stale or tampered ones do
// not), and receipts verify both ways with the example's code (and tampered ones do not).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { startWrangler } from '../edge/lib/wrangler.mjs';
import { createDevice } from '../edge/lib/device.mjs';
import { createWebhookReceiver, signatureHeader } from '../edge/lib/webhook-receiver.mjs';
import * as kit from '../../docs/integrators/example.mjs';

const RP = 'shop';
let edge;
let hooks;
let secret;
let assent;

before(async () => {
  secret = `whsec_${randomBytes(32).toString('base64url')}`;
  hooks = await createWebhookReceiver({ secret });
  edge = await startWrangler({
    rps: [{ id: RP, name: 'Example Shop', mode: 'gateway', webhook_url: hooks.url, webhook_secret: secret }],
    vars: { ASSENT_ALLOW_LOOPBACK_PUSH: '1' },
  });
  assent = kit.assentClient({ edgeOrigin: edge.url, apiKey: edge.config.apiKeys[RP] });
});
after(async () => { edge?.stop(); await hooks?.close(); });

/** The first accepted delivery of a matching event, as it came over the wire. */
async function delivery(type, predicate) {
  const event = await hooks.waitFor((e) => e.type === type && predicate(e), 20_000);
  const attempt = hooks.attempts().find((a) => a.accepted && a.id === event.id);
  return { header: attempt.headers['assent-signature'], raw: Buffer.from(attempt.raw, 'utf8'), t: attempt.t };
}

/** An account with one activated device; returns the device and the key the RP recorded. */
async function enrol(userId) {
  const activation = await assent.createActivation({ user_id: userId });
  assert.match(activation.activation_url, /\/#\/activate\//);
  assert.match(activation.qr_svg, /^<\?xml|^<svg/);
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(activation.code)).status, 200);
  const { header, raw } = await delivery('activation.completed', (e) => e.data.activation_id === activation.activation_id);
  const event = kit.verifyWebhook({ secret, header, rawBody: raw });
  assert.equal(event.data.device_id, device.deviceId);
  return { device, recordedKey: event.data.public_key, activation };
}

test('activation: the client creates it, activation.completed verifies and carries the key the device list shows', async () => {
  const { device, recordedKey, activation } = await enrol('alice');
  const status = await assent.activationStatus(activation.activation_id);
  assert.deepEqual(status, { activation_id: activation.activation_id, status: 'completed', device_id: device.deviceId });
  const { devices } = await assent.listDevices('alice');
  assert.equal(devices.length, 1);
  assert.equal(devices[0].public_key.x, recordedKey.x);
  assert.equal(devices[0].public_key.y, recordedKey.y);
  const pub = Buffer.from(device.passkey.publicKey, 'base64url');
  assert.equal(recordedKey.x, pub.subarray(1, 33).toString('base64url'), 'the key the device created');
});

test('a login approved: webhook verified, receipt verified both ways, and it approves exactly what was asked', async () => {
  const { device, recordedKey } = await enrol('bob');
  const ask = { user_id: 'bob', kind: 'login', title: 'Sign in to Example Shop', context: { ip: '203.0.113.7', browser: 'Firefox on macOS' } };
  const created = await assent.createRequest(ask);
  assert.match(created.binding_code, /^\d{2}$/);
  const shown = (await device.getRequest(created.request_id)).body;
  const decided = await device.decide(created.request_id, { request: shown.request, decision: 'approve', binding_code: created.binding_code });
  assert.equal(decided.status, 200);

  const { header, raw, t } = await delivery('request.approved', (e) => e.data.request_id === created.request_id);
  const event = kit.verifyWebhook({ secret, header, rawBody: raw });
  assert.equal(event.type, 'request.approved');
  assert.deepEqual(event.data, await assent.getRequest(created.request_id));

  // Way 1: the edge's JWS, keys fetched from /.well-known/jwks.json by jose.
  const signed = await kit.verifyReceiptWithJwks(event.data.receipt, { edgeOrigin: edge.url, rpId: RP });
  // Way 2: the device's assertion, with the key recorded from activation.completed.
  const independent = kit.verifyReceiptIndependently(event.data.receipt, { devicePublicJwk: recordedKey, edgeOrigin: edge.url, rpId: RP });
  assert.deepEqual(signed, independent);
  assert.equal(kit.checkApproves(signed, created), true);
  assert.equal(kit.checkMatchesAsk(signed, ask), true);
  assert.equal(signed.binding_code, created.binding_code);
  assert.equal(kit.requestHash(signed.request), created.request_hash, 'the example\'s JCS agrees with the edge');

  // Webhooks that must not verify.
  const refused = (args) => {
    try { kit.verifyWebhook({ secret, header, rawBody: raw, now: t, ...args }); } catch (e) { return e.code; }
    return 'accepted';
  };
  assert.equal(refused({}), 'accepted');
  assert.equal(refused({ rawBody: Buffer.from(raw.toString().replace('"approved"', '"denied"')) }), 'bad_signature');
  assert.equal(refused({ rawBody: Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 1)) }), 'bad_signature');
  assert.equal(refused({ secret: `whsec_${randomBytes(32).toString('base64url')}` }), 'bad_signature');
  assert.equal(refused({ now: t + 301 }), 'too_old');
  assert.equal(refused({ now: t - 301 }), 'in_future');
  assert.equal(refused({ header: header.replace(/^t=\d+/, `t=${t + 600}`), now: t + 600 }), 'bad_signature');
  assert.equal(refused({ header: 'v1=zz' }), 'malformed_header');
  assert.equal(refused({ header: `t=${t}` }), 'malformed_header');
  // An old delivery re-signed by someone holding the secret is fine: the secret is the trust.
  const resigned = signatureHeader(secret, t + 1000, raw);
  assert.equal(refused({ header: resigned, now: t + 1000 }), 'accepted');

  // Receipts that must not verify.
  const [h, p, s] = event.data.receipt.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  const withClaims = (change) => {
    const c = structuredClone(claims);
    change(c);
    return `${h}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.${s}`;
  };
  const independently = (jws, opts = {}) => {
    try { kit.verifyReceiptIndependently(jws, { devicePublicJwk: recordedKey, edgeOrigin: edge.url, rpId: RP, ...opts }); } catch (e) { return e.message; }
    return 'accepted';
  };
  for (const [name, change, why] of [
    ['title', (c) => { c.request.title = 'Sign in to Evil Shop'; }, /another statement/],
    ['context', (c) => { c.request.context.ip = '198.51.100.1'; }, /another statement/],
    ['decision', (c) => { c.decision = 'deny'; }, /another statement/],
    ['binding code', (c) => { c.binding_code = c.binding_code === '00' ? '01' : '00'; }, /another statement/],
    ['expiry', (c) => { c.request.expires_at += 3600; }, /another statement/],
    ['device key', (c) => { c.device.public_key.x = c.device.public_key.y; }, /recorded device key/],
    ['signature', (c) => {
      const sig = c.webauthn.signature; // DER; character 20 lies inside r
      c.webauthn.signature = `${sig.slice(0, 20)}${sig[20] === 'A' ? 'B' : 'A'}${sig.slice(21)}`;
    }, /device signature does not verify/],
    ['user', (c) => { c.sub = 'mallory'; }, /sub is not/],
  ]) {
    const tampered = withClaims(change);
    await assert.rejects(kit.verifyReceiptWithJwks(tampered, { edgeOrigin: edge.url, rpId: RP }), /signature verification failed/, name);
    assert.match(independently(tampered), why, name);
  }
  assert.match(independently(event.data.receipt, { edgeOrigin: 'https://evil.example' }), /origin/);
  assert.match(independently(event.data.receipt, { rpId: 'other-shop' }), /aud/);
  assert.match(independently(event.data.receipt, { webauthnRpId: 'evil.example' }), /rpIdHash/);
  const strangerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  assert.match(independently(event.data.receipt, { devicePublicJwk: strangerKey }), /recorded device key/);
  await assert.rejects(kit.verifyReceiptWithJwks(event.data.receipt, { edgeOrigin: edge.url, rpId: 'other-shop' }), /aud/);
  await assert.rejects(kit.verifyReceiptWithJwks(event.data.receipt, { edgeOrigin: 'https://evil.example', rpId: RP,
    jwks: kit.receiptKeys(edge.url) }), /iss/);

  // Another request's valid receipt is no "yes" to this one.
  const other = await assent.createRequest(ask);
  assert.throws(() => kit.checkApproves(signed, other), /another request/);
  assert.throws(() => kit.checkMatchesAsk(signed, { ...ask, title: 'Pay 1,000 EUR' }), /title differs/);
});

test('denied, and approved with a wrong code: valid receipts, but no "yes"', async () => {
  const { device, recordedKey } = await enrol('carol');
  const payment = { user_id: 'carol', kind: 'sign', title: 'Pay ACME NV', fields: [{ label: 'Amount', value: 'EUR 1,250.00' }, { label: 'Payee', value: 'ACME NV' }] };
  const created = await assent.createRequest(payment);
  assert.equal(created.binding_code, null, 'no number matching for sign by default');
  const shown = (await device.getRequest(created.request_id)).body;
  assert.equal((await device.decide(created.request_id, { request: shown.request, decision: 'deny', reason: 'rejected' })).status, 200);
  const d = await delivery('request.denied', (e) => e.data.request_id === created.request_id);
  const denied = kit.verifyWebhook({ secret, header: d.header, rawBody: d.raw });
  assert.equal(denied.data.reason, 'rejected');
  const claims = kit.verifyReceiptIndependently(denied.data.receipt, { devicePublicJwk: recordedKey, edgeOrigin: edge.url, rpId: RP });
  assert.equal(kit.checkMatchesAsk(claims, payment), true);
  assert.throws(() => kit.checkApproves(claims, created), /denied \(rejected\)/);

  const login = await assent.createRequest({ user_id: 'carol', kind: 'login' });
  const wrong = login.binding_code === '00' ? '01' : '00';
  const shownLogin = (await device.getRequest(login.request_id)).body;
  assert.equal((await device.decide(login.request_id, { request: shownLogin.request, decision: 'approve', binding_code: wrong })).body.status, 'denied');
  const status = await assent.getRequest(login.request_id);
  assert.equal(status.reason, 'binding_mismatch');
  const mismatch = await kit.verifyReceiptWithJwks(status.receipt, { edgeOrigin: edge.url, rpId: RP });
  assert.equal(mismatch.decision, 'approve', 'the device did approve…');
  assert.throws(() => kit.checkApproves(mismatch, login), /wrong binding code/, '…with a code the website did not show');
});

test('the client: SPEC §11 errors, percent-encoded user ids, device removal and its webhook', async () => {
  await assert.rejects(assent.createRequest({ user_id: 'dave', kind: 'sign' }),
    (e) => e instanceof kit.AssentApiError && e.status === 400 && e.code === 'invalid_request' && /fields/.test(e.message));
  await assert.rejects(assent.createRequest({ user_id: 'dave', kind: 'login' }),
    (e) => e.status === 422 && e.code === 'no_devices');
  await assert.rejects(assent.getRequest('AAAAAAAAAAAAAAAAAAAAAA'), (e) => e.status === 404 && e.code === 'not_found');
  await assert.rejects(assent.getRequest('../healthz'), TypeError);
  await assert.rejects(assent.removeDevice('dave', 'not-an-id'), TypeError);
  const stranger = kit.assentClient({ edgeOrigin: edge.url, apiKey: 'ak_wrong' });
  await assert.rejects(stranger.listDevices('dave'), (e) => e.status === 401 && e.code === 'unauthorized');

  // A user id with every awkward character: the edge decodes what the client encoded.
  const userId = 'zoë/42 +x?#%';
  const { device } = await enrol(userId);
  const { devices } = await assent.listDevices(userId);
  assert.deepEqual(devices.map((d) => d.device_id), [device.deviceId]);
  assert.deepEqual((await assent.listDevices('zoë')).devices, []);
  await assert.rejects(assent.listDevices('..'), TypeError);

  const created = await assent.createRequest({ user_id: userId, kind: 'login' });
  assert.deepEqual(await assent.cancelRequest(created.request_id), { status: 'cancelled' });
  await assert.rejects(assent.cancelRequest(created.request_id), (e) => e.status === 409 && e.code === 'already_decided');

  assert.deepEqual(await assent.removeDevice(userId, device.deviceId), { device_id: device.deviceId, status: 'removed' });
  const removed = await delivery('device.removed', (e) => e.data.device_id === device.deviceId);
  const event = kit.verifyWebhook({ secret, header: removed.header, rawBody: removed.raw });
  assert.deepEqual(event.data, { user_id: userId, device_id: device.deviceId });
  assert.deepEqual((await assent.listDevices(userId)).devices, []);
});

test('webhookHandler: 200 and one onEvent per id, 401 for a forgery', async () => {
  const { device } = await enrol('erin');
  const real = await delivery('activation.completed', (e) => e.data.device_id === device.deviceId);
  const got = [];
  const server = createServer(kit.webhookHandler({ secret, onEvent: (e) => got.push(e) }));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const post = (header, body) => fetch(`http://127.0.0.1:${server.address().port}/`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Assent-Signature': header }, body,
  }).then((r) => r.status);
  try {
    const fresh = signatureHeader(secret, Math.floor(Date.now() / 1000), real.raw);
    assert.equal(await post(fresh, real.raw), 200);
    assert.equal(await post(fresh, real.raw), 200, 'a retry is acknowledged…');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(got.length, 1, '…and handled once');
    assert.equal(got[0].data.device_id, device.deviceId);
    assert.equal(await post(fresh, Buffer.concat([real.raw, Buffer.from(' ')])), 401);
    assert.equal(await post(signatureHeader('whsec_wrong', Math.floor(Date.now() / 1000), real.raw), real.raw), 401);
  } finally {
    server.close();
  }
});
