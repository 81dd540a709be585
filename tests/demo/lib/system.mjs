// The whole system as `make dev` runs it, with fresh keys and state per test file: the edge
// (`wrangler dev` of wrangler.toml) and Example Bank (`wrangler dev` of demo/wrangler.toml) on
// their own loopback origins, the bank configured as the RPs `demo` (gateway) and
// `demo-secure` (secure) with its webhooks, and the bank's server holding the API keys.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, spawnWranglerDev, startWrangler } from '../../edge/lib/wrangler.mjs';

/** Starts the edge and the bank. `limits` applies to both RPs (SPEC §13). */
export async function startSystem({ limits } = {}) {
  const bankPort = await freePort();
  const bankUrl = `http://localhost:${bankPort}`;
  const rp = (id, name, mode) => ({
    id, name, mode, origins: [bankUrl], webhook_url: `${bankUrl}/webhooks/${id}`, ...(limits ? { limits } : {}),
  });
  const edge = await startWrangler({ rps: [rp('demo', 'Example Bank', 'gateway'), rp('demo-secure', 'Example Bank (secure)', 'secure')] });
  const dir = mkdtempSync(join(tmpdir(), 'assent-bank-'));
  const envFile = join(dir, 'bank.env');
  const { apiKeys, webhookSecrets } = edge.config;
  writeFileSync(envFile, [
    `ASSENT_EDGE_URL='${edge.url}'`,
    `ASSENT_API_KEY_DEMO='${apiKeys.demo}'`,
    `ASSENT_API_KEY_DEMO_SECURE='${apiKeys['demo-secure']}'`,
    `ASSENT_WEBHOOK_SECRET_DEMO='${webhookSecrets.demo}'`,
    `ASSENT_WEBHOOK_SECRET_DEMO_SECURE='${webhookSecrets['demo-secure']}'`,
  ].join('\n') + '\n', { mode: 0o600 });
  const bank = await spawnWranglerDev({
    port: bankPort,
    persist: join(dir, 'state'),
    extraArgs: ['--config', 'demo/wrangler.toml', '--env-file', envFile],
  });
  const stopBank = () => {
    bank.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await bank.ready(`${bankUrl}/api/config`))) {
    stopBank();
    edge.stop();
    throw new Error(`the demo bank did not start on ${bankUrl}:\n${bank.logs()}`);
  }
  return {
    edge,
    bank: { url: bankUrl, logs: bank.logs },
    stop() {
      stopBank();
      edge.stop();
    },
  };
}

/** Calls the bank's own server API as its pages do. */
export async function bankApi(bankUrl, method, path, body) {
  const r = await fetch(`${bankUrl}${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
}
