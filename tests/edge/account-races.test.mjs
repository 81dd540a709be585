// The account Durable Object under concurrent commands: a command that awaits the webhook
// Queue (which lets the object take other requests meanwhile) must not write back a stale
// copy of the account over what those requests recorded (a lost update).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler, DEFAULT_RPS } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';

let edge;
before(async () => {
  edge = await startWrangler({
    rps: [...DEFAULT_RPS, { id: 'burst', name: 'Burst Bank', mode: 'gateway', limits: { requests_per_10_min: 1000 } }],
  });
});
after(() => edge?.stop());

const rpCall = async (method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys.burst}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};

test('concurrent logins for one account: every request is kept, exactly one stays pending', async () => {
  const a = (await rpCall('POST', '/v1/activations', { user_id: 'racer' })).body;
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(a.code, { subscription: null })).status, 200);

  // Each login supersedes the pending one, so each sends `request.cancelled` webhooks
  // through the Queue while the next creations arrive.
  const rounds = 4;
  const perRound = 40;
  const created = [];
  for (let round = 0; round < rounds; round += 1) {
    const answers = await Promise.all(Array.from({ length: perRound }, () =>
      rpCall('POST', '/v1/requests', { user_id: 'racer', kind: 'login' })));
    for (const r of answers) {
      assert.equal(r.status, 201, JSON.stringify(r.body));
      created.push(r.body.request_id);
    }
  }

  const statuses = await Promise.all(created.map(async (id) => {
    const r = await rpCall('GET', `/v1/requests/${id}`);
    return { id, status: r.status, body: r.body };
  }));
  const lost = statuses.filter((s) => s.status !== 200);
  assert.deepEqual(lost.map((s) => s.id), [], `${lost.length} of ${created.length} created requests are unknown to the account`);
  const pending = statuses.filter((s) => s.body.status === 'pending');
  assert.equal(pending.length, 1, `pending: ${pending.map((s) => s.id).join(', ')}`);
  for (const s of statuses) {
    if (s.body.status !== 'pending') assert.deepEqual([s.body.status, s.body.reason], ['cancelled', 'superseded']);
  }
});
