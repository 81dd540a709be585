// The whole system as `make dev` runs it, with fresh keys and state per test file: the edge
// (`wrangler dev` of wrangler.toml) and Example Bank (`wrangler dev` of demo/wrangler.toml) on
// their own loopback origins, the bank configured as the RPs `demo` (gateway) and
// `demo-secure` (secure) with its webhooks, and the bank's server holding the API keys.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, root, startWrangler } from '../../edge/lib/wrangler.mjs';

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
  const child = spawn('npx', [
    'wrangler', 'dev', '--config', 'demo/wrangler.toml', '--local', '--ip', '127.0.0.1', '--port', String(bankPort),
    '--inspector-ip', '127.0.0.1', '--inspector-port', String(await freePort()), '--persist-to', join(dir, 'state'),
    '--show-interactive-dev-session=false', '--env-file', envFile,
  ], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` },
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const stopBank = () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${bankUrl}/api/config`)).ok) break;
    } catch { /* not yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      stopBank();
      edge.stop();
      throw new Error(`the demo bank did not start on ${bankUrl}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    edge,
    bank: { url: bankUrl, logs: () => output },
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
