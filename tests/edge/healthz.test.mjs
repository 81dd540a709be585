// The edge skeleton answers under a real workerd (wrangler dev), on loopback only.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './lib/wrangler.mjs';

let edge;
before(async () => { edge = await startWrangler(); });
after(() => edge?.stop());

test('GET /healthz answers ok once KV, the Durable Object and the Queue answer', async () => {
  const r = await fetch(`${edge.url}/healthz`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/json/);
  assert.deepEqual(await r.json(), {
    status: 'ok', service: 'assent-edge', kv: true, durable_object: true, queue: true,
  });
});

test('an unknown API path is a JSON 404; other paths serve the app (hash routes)', async () => {
  const api = await fetch(`${edge.url}/v1/no-such-path`);
  assert.equal(api.status, 404);
  assert.equal((await api.json()).error.code, 'not_found');
  const app = await fetch(`${edge.url}/some/page`);
  assert.equal(app.status, 200);
  assert.match(app.headers.get('content-type'), /text\/html/);
  assert.match(await app.text(), /<title>Assent<\/title>/);
});
