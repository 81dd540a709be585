// The webhook receiver accepts exactly the correctly signed SPEC §9 webhooks, records every
// attempt, fails on demand and dedupes by id. Signatures here are computed with node:crypto
// directly from the SPEC's formula, not with the module's own helper.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createWebhookReceiver } from './lib/webhook-receiver.mjs';

const SECRET = 'whsec_test_0123456789abcdef';
let hooks;

before(async () => { hooks = await createWebhookReceiver({ secret: SECRET }); });
after(() => hooks?.close());

const now = () => Math.floor(Date.now() / 1000);
let counter = 0;
const event = (over = {}) => ({
  id: `evt_${(counter += 1)}`, type: 'request.approved', created_at: now(),
  data: { id: 'req_1', status: 'approved' }, ...over,
});
const sign = (secret, t, raw) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex')}`;

async function deliver(body, { secret = SECRET, t = now(), raw = JSON.stringify(body), signed = raw,
  headers = {}, url = hooks.url, method = 'POST' } = {}) {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'assent-signature': sign(secret, t, signed), ...headers },
    body: method === 'POST' ? raw : undefined,
  });
  return { status: r.status, text: await r.text() };
}

function assertRejected(res, status, reason) {
  assert.equal(res.status, status, res.text);
  assert.match(res.text, reason);
  const last = hooks.attempts().at(-1);
  assert.equal(last.status, status);
  assert.equal(last.accepted, false);
  assert.match(last.reason, reason);
}

test('a correctly signed event is accepted and recorded', async () => {
  const ev = event();
  const t = now();
  const raw = JSON.stringify(ev);
  const res = await deliver(ev, { t });
  assert.equal(res.status, 200, res.text);
  assert.match(hooks.url, /^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
  const got = hooks.events().find((e) => e.id === ev.id);
  assert.deepEqual(got, { ...ev, raw, t });
  const last = hooks.attempts().at(-1);
  assert.equal(last.accepted, true);
  assert.equal(last.id, ev.id);
  assert.equal(last.raw, raw);
  assert.equal(last.headers['assent-signature'], sign(SECRET, t, raw));
});

test('a charset parameter on application/json is fine; other media types are 415', async () => {
  assert.equal((await deliver(event(), { headers: { 'content-type': 'application/json; charset=utf-8' } })).status, 200);
  assertRejected(await deliver(event(), { headers: { 'content-type': 'text/plain' } }), 415, /application\/json/);
  assertRejected(await deliver(event(), { headers: { 'content-type': 'application/jsonx' } }), 415, /application\/json/);
});

test('a signature made with another secret is 401', async () => {
  const ev = event();
  assertRejected(await deliver(ev, { secret: 'whsec_other' }), 401, /does not match/);
  assert.equal(hooks.events().some((e) => e.id === ev.id), false);
});

test('a body changed after signing is 401', async () => {
  const ev = event();
  const signed = JSON.stringify(ev);
  const raw = JSON.stringify({ ...ev, data: { id: 'req_1', status: 'denied' } });
  assertRejected(await deliver(ev, { raw, signed }), 401, /does not match/);
  // Same JSON value, different bytes: the MAC is over the raw body.
  assertRejected(await deliver(ev, { raw: JSON.stringify(ev, null, 1), signed }), 401, /does not match/);
  assert.equal(hooks.events().some((e) => e.id === ev.id), false);
});

test('timestamps more than 300 s away are 400; 299 s is fine', async () => {
  assertRejected(await deliver(event(), { t: now() - 301 }), 400, /stale timestamp/);
  assertRejected(await deliver(event(), { t: now() + 305 }), 400, /stale timestamp/);
  assert.equal((await deliver(event(), { t: now() - 299 })).status, 200);
  assert.equal((await deliver(event(), { t: now() + 299 })).status, 200);
});

test('a missing or malformed Assent-Signature is refused', async () => {
  const ev = event();
  const raw = JSON.stringify(ev);
  const t = now();
  const mac = createHmac('sha256', SECRET).update(`${t}.${raw}`).digest('hex');
  const post = (sig) => fetch(hooks.url, {
    method: 'POST', body: raw,
    headers: { 'content-type': 'application/json', ...(sig === undefined ? {} : { 'assent-signature': sig }) },
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
  assertRejected(await post(undefined), 401, /missing Assent-Signature/);
  assertRejected(await post(`v1=${mac}`), 400, /t is not/);
  assertRejected(await post(`t=${t}`), 400, /v1 is not/);
  assertRejected(await post(`t=${t},v1=${mac.toUpperCase()}`), 400, /v1 is not/);
  assertRejected(await post(`t=${t},v1=${mac.slice(2)}`), 400, /v1 is not/);
  assertRejected(await post(`t=${t},v1=${mac},v0=${mac}`), 400, /unexpected/);
  assertRejected(await post(`t=${t},t=${t},v1=${mac}`), 400, /duplicate/);
  assert.equal((await post(`t=${t},v1=${mac}`)).status, 200);
});

test('a signed body that is not a {id, type, created_at, data} object is 400', async () => {
  const bad = [
    [[], /not an object/],
    [{ type: 'x', created_at: 1, data: {} }, /id is not/],
    [{ id: 'evt_x', created_at: 1, data: {} }, /type is not/],
    [{ id: 'evt_x', type: 'x', created_at: '1', data: {} }, /created_at/],
    [{ id: 'evt_x', type: 'x', created_at: 1 }, /data is not/],
    [{ id: 'evt_x', type: 'x', created_at: 1, data: {}, extra: 1 }, /unexpected members extra/],
  ];
  for (const [body, reason] of bad) assertRejected(await deliver(body), 400, reason);
  assertRejected(await deliver(null, { raw: '{not json' }), 400, /not JSON/);
});

test('other paths are 404 and other methods 405', async () => {
  const res = await deliver(event(), { url: hooks.url.replace('/webhook', '/other') });
  assert.equal(res.status, 404);
  assert.equal((await deliver(event(), { method: 'GET' })).status, 405);
});

test('failNext(3) fails three valid deliveries, then the fourth is accepted', async () => {
  const ev = event({ type: 'request.denied' });
  const before = hooks.attempts().length;
  hooks.failNext(3);
  const statuses = [];
  for (let i = 0; i < 4; i += 1) statuses.push((await deliver(ev)).status);
  assert.deepEqual(statuses, [500, 500, 500, 200]);
  const mine = hooks.attempts().slice(before);
  assert.deepEqual(mine.map((a) => [a.status, a.accepted, a.id]),
    [[500, false, ev.id], [500, false, ev.id], [500, false, ev.id], [200, true, ev.id]]);
  assert.equal(hooks.events().filter((e) => e.id === ev.id).length, 1);
});

test('failNext counts only deliveries that pass verification, and takes a status', async () => {
  hooks.failNext(1, 503);
  assert.equal((await deliver(event(), { secret: 'wrong' })).status, 401);
  assert.equal((await deliver(event())).status, 503);
  assert.equal((await deliver(event())).status, 200);
});

test('a redelivered id is answered 200 and recorded once in events(), twice in attempts()', async () => {
  const ev = event({ type: 'device.removed' });
  const first = now() - 5;
  assert.equal((await deliver(ev, { t: first })).status, 200);
  assert.equal((await deliver(ev)).status, 200);
  assert.equal(hooks.events().filter((e) => e.id === ev.id).length, 1);
  assert.equal(hooks.attempts().filter((a) => a.id === ev.id && a.accepted).length, 2);
  assert.equal(hooks.events().find((e) => e.id === ev.id).t, first, 'the first delivery is kept');
});

test('waitFor resolves on a later event and times out with the attempts so far', async () => {
  const ev = event({ type: 'request.expired' });
  const waiting = hooks.waitFor((e) => e.type === 'request.expired' && e.id === ev.id, 5000);
  await deliver(ev);
  assert.equal((await waiting).id, ev.id);
  await assert.rejects(hooks.waitFor((e) => e.type === 'never', 200), /no matching event within 200 ms/);
});

test('close() stops the receiver and fails pending waits', async () => {
  const local = await createWebhookReceiver({ secret: SECRET });
  const pending = local.waitFor(() => false, 60_000);
  await local.close();
  await assert.rejects(pending, /closed/);
  await assert.rejects(fetch(local.url, { method: 'POST', body: '{}' }));
  await assert.rejects(createWebhookReceiver({}), /secret is required/);
});
