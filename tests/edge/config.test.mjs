// An edge with a broken configuration refuses to work and says so in its log, never in
// its answers (SPEC §11: no stack trace, no secret).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './lib/wrangler.mjs';

let edge;
before(async () => {
  edge = await startWrangler({ vars: { VAPID_PRIVATE_KEY: 'not-a-key', ASSENT_ALLOW_LOOPBACK_PUSH: 'yes' } });
});
after(() => edge?.stop());

test('the API answers 500 internal without details; the log names each problem', async () => {
  const r = await fetch(`${edge.url}/v1/activations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${edge.config.apiKeys.demo}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: 'alice' }),
  });
  assert.equal(r.status, 500);
  const text = await r.text();
  assert.equal(JSON.parse(text).error.code, 'internal');
  for (const secret of [edge.config.vars.RECEIPT_PRIVATE_KEY, edge.config.vars.CHANNEL_PRIVATE_KEY, 'not-a-key']) {
    assert.ok(!text.includes(secret), 'no configuration value in the answer');
  }
  // Both problems are logged, by variable name, in one pass.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !/ASSENT_ALLOW_LOOPBACK_PUSH/.test(edge.logs())) {
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.match(edge.logs(), /VAPID_PRIVATE_KEY/);
  assert.match(edge.logs(), /ASSENT_ALLOW_LOOPBACK_PUSH/);
  assert.ok(!edge.logs().includes(edge.config.vars.RECEIPT_PRIVATE_KEY), 'no secret in the log');
});
