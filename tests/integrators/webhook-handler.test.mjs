// docs/integrators/example.mjs's webhookHandler on a loopback server, without an edge: it is
// at least once end to end — 200 only after onEvent has succeeded, 500 (and the id not
// recorded) when onEvent throws or rejects, so a redelivery is handled again — and a
// duplicate of a handled event is acknowledged without calling onEvent.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { webhookHandler } from '../../docs/integrators/example.mjs';

const secret = `whsec_${randomBytes(32).toString('base64url')}`;

function delivery(id, sign = secret) {
  const raw = JSON.stringify({ id, type: 'request.approved', created_at: 1767225660, data: { request_id: id } });
  const t = Math.floor(Date.now() / 1000);
  const mac = createHmac('sha256', sign).update(`${t}.`).update(raw).digest('hex');
  return { raw, header: `t=${t},v1=${mac}` };
}

async function withHandler(options, run) {
  const server = createServer(webhookHandler({ secret, ...options }));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const post = ({ raw, header }) => fetch(`http://127.0.0.1:${server.address().port}/`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Assent-Signature': header }, body: raw,
  }).then((r) => r.status);
  try {
    await run(post);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
}

test('onEvent rejecting: 500, not recorded, and the redelivery is handled', async (t) => {
  t.mock.method(console, 'error', () => {});
  const seen = new Set();
  const calls = [];
  let fail = true;
  const onEvent = async (event) => {
    calls.push(event.id);
    await new Promise((r) => setTimeout(r, 5));
    if (fail) throw new Error('database down');
  };
  await withHandler({ onEvent, seen }, async (post) => {
    const d = delivery('evt_reject');
    assert.equal(await post(d), 500, 'a failure is not acknowledged');
    assert.equal(seen.has('evt_reject'), false, 'a failed event is not recorded as seen');
    assert.equal(await post(d), 500, 'still failing: still not acknowledged');
    assert.deepEqual(calls, ['evt_reject', 'evt_reject'], 'each redelivery is handled again');
    fail = false;
    assert.equal(await post(d), 200);
    assert.equal(seen.has('evt_reject'), true);
    assert.equal(await post(d), 200, 'a duplicate of a handled event is acknowledged…');
    assert.equal(calls.length, 3, '…without calling onEvent');
  });
});

test('onEvent throwing synchronously: 500, and the process survives', async (t) => {
  t.mock.method(console, 'error', () => {});
  let calls = 0;
  await withHandler({ onEvent: () => { calls += 1; throw new Error('bug'); } }, async (post) => {
    const d = delivery('evt_throw');
    assert.equal(await post(d), 500);
    assert.equal(await post(d), 500);
    assert.equal(calls, 2);
  });
});

test('200 only once onEvent has finished', async () => {
  let finished = false;
  const onEvent = async () => {
    await new Promise((r) => setTimeout(r, 50));
    finished = true;
  };
  await withHandler({ onEvent }, async (post) => {
    assert.equal(await post(delivery('evt_slow')), 200);
    assert.equal(finished, true, 'the answer came after the work');
  });
});

test('forgeries are refused without calling onEvent', async () => {
  let calls = 0;
  await withHandler({ onEvent: () => { calls += 1; } }, async (post) => {
    assert.equal(await post(delivery('evt_forged', 'whsec_wrong')), 401);
    const d = delivery('evt_tampered');
    assert.equal(await post({ ...d, raw: `${d.raw} ` }), 401);
    assert.equal(calls, 0);
  });
});
