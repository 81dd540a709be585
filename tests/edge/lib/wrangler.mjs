// Starts `wrangler dev` (workerd with its local KV, Durable Objects and Queues) on loopback
// with fresh state for one test run, and stops it by its process group id.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { writeTestConfig } from './config.mjs';
import { installConformance } from './conformance.mjs';

/** Two RPs as in `make dev`: `demo` (gateway) and `demo-secure` (secure). */
export const DEFAULT_RPS = [
  { id: 'demo', name: 'Example Bank', mode: 'gateway' },
  { id: 'demo-secure', name: 'Example Bank (secure)', mode: 'secure' },
];

export const root = resolve(import.meta.dirname, '../../..');

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * One `wrangler dev` process (its own process group, so `kill()` ends workerd too) on
 * 127.0.0.1:`port` with its state under `persist` and `extraArgs` (e.g. `--config`, an env
 * file). `ready(url)` polls `url` until it answers 2xx, the process exits or `timeoutMs`
 * passes. `respawn()` starts it again with the same arguments after `kill()`.
 */
export async function spawnWranglerDev({ port, persist, extraArgs = [], timeoutMs = 60_000 }) {
  const args = [
    'wrangler', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port),
    '--inspector-ip', '127.0.0.1', '--inspector-port', String(await freePort()),
    '--persist-to', persist, '--show-interactive-dev-session=false', ...extraArgs,
  ];
  const env = {
    ...process.env,
    CI: 'true', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`,
  };
  let child = null;
  let output = '';
  const respawn = () => {
    child = spawn('npx', args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
  };
  respawn();
  return {
    respawn,
    logs: () => output,
    kill() {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    },
    exited() {
      const c = child;
      return new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)));
    },
    async ready(url) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) return false;
        try {
          if ((await fetch(url)).ok) return true;
        } catch { /* not up yet */ }
        await new Promise((r) => setTimeout(r, 250));
      }
      return false;
    },
  };
}

/**
 * Starts wrangler dev. The Worker must already be built (scripts/build-edge.sh); wrangler.toml
 * has no [build] command, so start-up stays fast and runs exactly what was built.
 * Returns {url, port, config, stop(), restart(), logs()}; url uses `localhost` (WebAuthn refuses IP
 * addresses). The configuration is always a fresh one from lib/config.mjs (`rps` as there),
 * so a developer's .dev.vars never leaks into a test.
 *
 * Once the edge is up, every answer it gives to this process's fetch is checked against
 * docs/openapi.json (lib/conformance.mjs); `stop()` prints what was checked and any
 * violation, and a violation makes the test file fail (exit code 1: a throw from `stop()`
 * in an `after` hook would skip the hook's other clean-ups and leave the file hanging).
 */
export async function startWrangler({ port, rps = DEFAULT_RPS, vars = {}, timeoutMs = 60_000 } = {}) {
  port ??= await freePort();
  const config = writeTestConfig({ port, rps });
  const persist = mkdtempSync(join(tmpdir(), 'assent-wrangler-'));
  const proc = await spawnWranglerDev({
    port,
    persist,
    timeoutMs,
    extraArgs: ['--env-file', config.file, ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
  });
  const url = `http://localhost:${port}`;
  let conformance = null;
  const stop = () => {
    proc.kill();
    rmSync(persist, { recursive: true, force: true });
    rmSync(dirname(config.file), { recursive: true, force: true });
    conformance?.report();
  };
  const ready = () => proc.ready(`${url}/healthz`);
  /**
   * Stops workerd and starts it again on the same port with the same state (KV, Durable
   * Objects) and configuration: what an edge restart or redeploy looks like to clients.
   */
  const restart = async ({ downMs = 0 } = {}) => {
    proc.kill();
    await proc.exited();
    // The port must be free again before the new workerd binds it.
    for (let i = 0; i < 40; i += 1) {
      try {
        await fetch(`${url}/healthz`);
        await new Promise((r) => setTimeout(r, 250));
      } catch {
        break;
      }
    }
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    proc.respawn();
    if (!(await ready())) throw new Error(`wrangler dev did not come back on ${url}:\n${proc.logs()}`);
  };
  if (await ready()) {
    conformance = installConformance(url);
    return { url, port, config, stop, restart, logs: proc.logs };
  }
  stop();
  throw new Error(`wrangler dev did not answer on ${url} within ${timeoutMs} ms:\n${proc.logs()}`);
}
