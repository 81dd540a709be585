// The Rust kit (pkg/rp) against a real edge (wrangler dev), through its example binary
// pkg/rp/examples/rp-cli.rs (a std::net HTTP/1.1 transport): calls built by the kit and
// answers parsed by it, webhooks and receipts verified by it, and a bad body refused
// locally with exactly the message the edge answers for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startWrangler } from '../edge/lib/wrangler.mjs';
import { createDevice, run } from '../edge/lib/device.mjs';
import { createWebhookReceiver } from '../edge/lib/webhook-receiver.mjs';

const RP = 'kit';
let edge;
let hooks;
let secret;
let cli;

/** Builds the example once and returns its path (from cargo's own artifact report). */
async function buildCli() {
  const out = await run('cargo', ['build', '-q', '-p', 'assent-rp', '--example', 'rp-cli', '--message-format=json']);
  const artifact = out.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .find((m) => m.reason === 'compiler-artifact' && m.target?.name === 'rp-cli' && m.executable);
  assert.ok(artifact, 'cargo reported the rp-cli executable');
  return artifact.executable;
}

/** One kit command: `{op, …}` in, `{ok, value | error, kind}` out. */
async function kit(op, args = {}) {
  const input = { op, edge: edge.url, api_key: edge.config.apiKeys[RP], ...args };
  return JSON.parse(await run(cli, [], { input: JSON.stringify(input) }));
}
const ok = async (op, args) => {
  const r = await kit(op, args);
  assert.equal(r.ok, true, `${op}: ${JSON.stringify(r)}`);
  return r.value;
};

before(async () => {
  secret = `whsec_${randomBytes(32).toString('base64url')}`;
  [cli, hooks] = await Promise.all([buildCli(), createWebhookReceiver({ secret })]);
  edge = await startWrangler({
    rps: [{ id: RP, name: 'Kit Bank', mode: 'gateway', webhook_url: hooks.url, webhook_secret: secret }],
    vars: { ASSENT_ALLOW_LOOPBACK_PUSH: '1' },
  });
});
after(async () => { edge?.stop(); await hooks?.close(); });

async function delivered(type, predicate) {
  const event = await hooks.waitFor((e) => e.type === type && predicate(e), 20_000);
  const attempt = hooks.attempts().find((a) => a.accepted && a.id === event.id);
  const now = Math.floor(Date.now() / 1000);
  return ok('verify_webhook', { secret, header: attempt.headers['assent-signature'], body: attempt.raw, now });
}

test('the kit enrols, asks, reads, and verifies webhooks and receipts against the edge', async () => {
  const userId = 'zoë/42 +x?#%';
  const activation = await ok('create_activation', { body: { user_id: userId } });
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(activation.code)).status, 200);
  const completed = await delivered('activation.completed', () => true);
  assert.equal(completed.type, 'activation.completed');
  const recorded = completed.public_key;
  assert.equal((await ok('activation_status', { id: activation.activation_id })).status, 'completed');
  const { devices } = await ok('list_devices', { user_id: userId });
  assert.deepEqual(devices.map((d) => d.device_id), [device.deviceId], 'the edge decoded the kit\'s encoding');
  assert.equal(devices[0].public_key.x, recorded.x);

  const ask = { user_id: userId, kind: 'sign', title: 'Pay ACME NV', fields: [{ label: 'Amount', value: 'EUR 1,250.00' }], number_matching: true };
  const created = await ok('create_request', { body: ask });
  const shown = (await device.getRequest(created.request_id)).body;
  assert.equal((await device.decide(created.request_id, { request: shown.request, decision: 'approve', binding_code: created.binding_code })).status, 200);
  const approved = await delivered('request.approved', () => true);
  const status = await ok('get_request', { id: created.request_id });
  assert.equal(status.status, 'approved');
  assert.equal(approved.receipt, status.receipt);

  const verdict = await ok('verify_receipt', { rp_id: RP, jws: status.receipt, device_public_jwk: recorded, created, ask });
  assert.deepEqual(verdict, { jwks: 'ok', independent: 'ok', matches: 'ok', approves: 'ok' });

  // Tampered: the title changed in the payload, not re-signed.
  const [h, p, s] = status.receipt.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  claims.request.title = 'Pay EVIL NV';
  const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  const refused = await ok('verify_receipt', { rp_id: RP, jws: tampered, device_public_jwk: recorded, created, ask });
  assert.match(refused.jwks, /signature does not verify/);
  assert.match(refused.independent, /assertion does not verify/);
  // Another RP's view, and a key the RP never recorded.
  const otherRp = await ok('verify_receipt', { rp_id: 'other', jws: status.receipt, device_public_jwk: recorded, created, ask });
  assert.match(otherRp.jwks, /aud/);
  const strangerKey = (await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const stranger = await ok('verify_receipt', { rp_id: RP, jws: status.receipt, device_public_jwk: strangerKey, created, ask });
  assert.match(stranger.independent, /device key other than the recorded one/);

  // A forged webhook.
  const forged = await kit('verify_webhook', { secret: 'whsec_wrong', header: `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, body: '{}', now: Math.floor(Date.now() / 1000) });
  assert.equal(forged.ok, false);
  assert.match(forged.kind, /NoMatchingSignature/);

  // Final is final; removal.
  const again = await kit('cancel_request', { id: created.request_id });
  assert.equal(again.kind, 'Api:already_decided');
  assert.deepEqual(await ok('remove_device', { user_id: userId, id: device.deviceId }), { device_id: device.deviceId, status: 'removed' });
  assert.deepEqual((await ok('list_devices', { user_id: userId })).devices, []);
});

test('a binding mismatch verifies both ways but is no approval; errors come back typed', async () => {
  const activation = await ok('create_activation', { body: { user_id: 'bob' } });
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(activation.code)).status, 200);
  const completed = await delivered('activation.completed', (e) => e.data.user_id === 'bob');
  const ask = { user_id: 'bob', kind: 'login' };
  const created = await ok('create_request', { body: ask });
  const wrong = created.binding_code === '00' ? '01' : '00';
  const shown = (await device.getRequest(created.request_id)).body;
  await device.decide(created.request_id, { request: shown.request, decision: 'approve', binding_code: wrong });
  const status = await ok('get_request', { id: created.request_id });
  assert.equal(status.reason, 'binding_mismatch');
  const verdict = await ok('verify_receipt', { rp_id: RP, jws: status.receipt, device_public_jwk: completed.public_key, created, ask });
  assert.deepEqual(verdict, { jwks: 'ok', independent: 'ok', matches: 'ok', approves: 'receipt binding code is not the one the website showed' });

  assert.equal((await kit('get_request', { id: 'AAAAAAAAAAAAAAAAAAAAAA' })).kind, 'Api:not_found');
  assert.equal((await kit('list_devices', { user_id: 'bob', api_key: 'ak_wrong' })).kind, 'Api:unauthorized');
  assert.equal((await kit('create_request', { body: { user_id: 'nobody', kind: 'login' } })).kind, 'Api:no_devices');
  assert.equal((await kit('get_request', { id: '../healthz' })).kind, 'Invalid');
});

test('a bad body is refused locally with the message the edge gives for it', async () => {
  for (const body of [
    { user_id: 'bob', kind: 'sign' },
    { user_id: 'bob', kind: 'login', fields: [{ label: 'Amount', value: '1' }] },
    { user_id: 'bob', kind: 'login', title: 't'.repeat(81) },
    { user_id: 'bob', kind: 'login', context: { location: 'Brussels\u202EEB' } },
    { user_id: 'bob', kind: 'login', ttl_seconds: 601 },
    { user_id: 'bob', kind: 'sign', fields: [{ label: 'Amount', value: '1' }, { label: ' ', value: '2' }] },
  ]) {
    const local = await kit('create_request', { body });
    assert.equal(local.kind, 'Invalid', JSON.stringify(local));
    const r = await fetch(`${edge.url}/v1/requests`, {
      method: 'POST', headers: { Authorization: `Bearer ${edge.config.apiKeys[RP]}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await r.json();
    assert.equal(r.status, 400);
    assert.equal(answer.error.code, 'invalid_request');
    assert.equal(local.error, answer.error.message, JSON.stringify(body));
  }
});
