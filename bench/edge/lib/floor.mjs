// Starts `wrangler dev` on bench/edge/floor (a plain JavaScript Worker) with the same flags as
// tests/edge/lib/wrangler.mjs, from a temporary copy so nothing is written into the repository.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, root } from '../../../tests/edge/lib/wrangler.mjs';

/**
 * Returns {url, port, sink, stop()} once `/hello` answers, with `users` accounts seeded;
 * `sink` is a loopback server that answers every POST `201`, standing for the push service.
 */
export async function startFloor({ users, timeoutMs = 60_000 }) {
  const sinkServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(201); res.end(); });
  });
  await new Promise((ok) => sinkServer.listen(0, '127.0.0.1', ok));
  const sink = `http://127.0.0.1:${sinkServer.address().port}/push`;
  const dir = mkdtempSync(join(tmpdir(), 'assent-bench-floor-'));
  cpSync(join(import.meta.dirname, '../floor'), dir, { recursive: true });
  const port = await freePort();
  const args = [
    'dev', '--local', '--ip', '127.0.0.1', '--port', String(port),
    '--inspector-ip', '127.0.0.1', '--inspector-port', String(await freePort()),
    '--persist-to', join(dir, 'state'), '--show-interactive-dev-session=false',
  ];
  const env = {
    ...process.env,
    CI: 'true', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`,
  };
  const child = spawn(join(root, 'node_modules/.bin/wrangler'), args,
    { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const stop = () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
    sinkServer.closeAllConnections();
    sinkServer.close();
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/hello`)).ok) {
        for (let u = 0; u < users; u++) {
          const r = await fetch(`${url}/seed?u=${u}`);
          if (!r.ok) throw new Error(`floor: seeding account ${u}: ${r.status}`);
        }
        return { url, port, sink, stop };
      }
    } catch (e) {
      if (e.message.startsWith('floor:')) { stop(); throw e; }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`floor: wrangler dev did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
}
