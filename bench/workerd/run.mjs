// `make bench`, workerd part: the edge's push path timed in workerd (the runtime the edge
// runs in), with workerd's own WebCrypto — the figure bench/run.mjs can only approximate with
// Node's crypto.subtle — next to npm web-push in this Node process. For information: the
// issue's targets are judged by bench/run.mjs. Needs bench/out/workerd-wasm (bench/run.sh
// builds it: wasm-bindgen --target web, wasm-opt).
//
// Starts `wrangler dev` on a temporary copy of this directory (worker.js) with
// bench/host-push.mjs and the wasm module. workerd's clock stands still while a request
// computes, so each figure is timed from here: a request doing N operations minus one doing
// none, sent back to back, over N; N calibrated to ~100 ms; median of 9 rounds, the rounds of
// all tasks (and of web-push here) interleaved.
//
// Exit status: 0 figures printed; 1 a sanity check failed; 2 wrangler did not start.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ece from 'http_ece';
import webpush from 'web-push';
import { freePort, root } from '../../tests/edge/lib/wrangler.mjs';
import { vapidSignatureVerifies } from '../host-push.mjs';

const CALIBRATION_MS = 20;
const ROUND_MS = 100;
const ROUNDS = 9;

const dir = mkdtempSync(join(tmpdir(), 'assent-bench-workerd-'));
cpSync(import.meta.dirname, dir, { recursive: true, filter: (src) => !src.endsWith('run.mjs') });
cpSync(join(root, 'bench/host-push.mjs'), join(dir, 'host-push.mjs'));
cpSync(join(root, 'bench/out/workerd-wasm'), join(dir, 'wasm'), { recursive: true });
const port = await freePort();
const child = spawn(join(root, 'node_modules/.bin/wrangler'), [
  'dev', '--local', '--ip', '127.0.0.1', '--port', String(port),
  '--inspector-ip', '127.0.0.1', '--inspector-port', String(await freePort()),
  '--persist-to', join(dir, 'state'), '--show-interactive-dev-session=false',
], {
  cwd: dir,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    CI: 'true', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`,
  },
});
let output = '';
child.stdout.on('data', (d) => { output += d; });
child.stderr.on('data', (d) => { output += d; });
function stop() {
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  rmSync(dir, { recursive: true, force: true });
}
function fail(code, message) {
  console.error(`bench/workerd: ${message}`);
  stop();
  process.exit(code);
}

const base = `http://127.0.0.1:${port}`;
async function get(path) {
  const r = await fetch(base + path);
  const text = await r.text();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${text}`);
  return text;
}
{
  const deadline = Date.now() + 60_000;
  let up = false;
  while (!up && Date.now() < deadline && child.exitCode === null) {
    try {
      await get('/wasm?op=seal_open&n=0');
      up = true;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  if (!up) fail(2, `wrangler dev did not answer on ${base}:\n${output}`);
}

// ---- Sanity: the pushes workerd builds open for the user agent and carry a valid VAPID. -----
const fx = JSON.parse(await get('/fixtures'));
const subtle = globalThis.crypto.subtle;
const { createECDH } = await import('node:crypto');
const ua = createECDH('prime256v1');
ua.setPrivateKey(Buffer.from(fx.ua_private, 'base64url'));
const failures = [];
const samples = [];
for (const mode of ['fresh', 'cached', 'cached']) {
  samples.push([mode, JSON.parse(await get(`/sample?mode=${mode}`))]);
}
for (const [mode, sample] of samples) {
  const headers = Object.fromEntries(sample.headers);
  let plaintext;
  try {
    plaintext = ece.decrypt(Buffer.from(sample.body, 'base64url'),
      { version: 'aes128gcm', privateKey: ua, authSecret: fx.auth }).toString('utf8');
  } catch (e) {
    plaintext = `(${e.message})`;
  }
  if (plaintext !== fx.payload) failures.push(`${mode} push does not decrypt to the payload`);
  if (!(await vapidSignatureVerifies(subtle, headers.Authorization))
    || !headers.Authorization.endsWith(`, k=${fx.vapid.publicKey}`)) {
    failures.push(`${mode} VAPID signature does not verify`);
  }
}
const auth = (i) => Object.fromEntries(samples[i][1].headers).Authorization;
if (auth(1) !== auth(2)) failures.push('cached VAPID header is not reused');
if (failures.length) fail(1, `sanity checks failed: ${failures.join('; ')}`);

// ---- Timing. -------------------------------------------------------------------------------
const path = (task, n) => `${task.path}&n=${n}`;
async function elapsedMs(task, n) {
  // One request with N operations minus one with none: the request's own cost cancels.
  let start = performance.now();
  await get(path(task, 0));
  const empty = performance.now() - start;
  start = performance.now();
  await get(path(task, n));
  return performance.now() - start - empty;
}
const tasks = [
  { label: 'wasm + WebCrypto, VAPID fresh', path: '/host?mode=fresh' },
  { label: 'wasm + WebCrypto, VAPID cached', path: '/host?mode=cached' },
  { label: 'pure wasm (fallback), VAPID fresh', path: '/wasm?op=push_encrypt_vapid_fresh' },
  { label: 'pure wasm (fallback), VAPID cached', path: '/wasm?op=push_encrypt_vapid_cached' },
];
for (const task of tasks) {
  let n = 1;
  let ms;
  for (;;) {
    ms = await elapsedMs(task, n);
    if (ms >= CALIBRATION_MS || n >= 1 << 16) break;
    n *= 2;
  }
  task.n = Math.max(1, Math.ceil((n * ROUND_MS) / Math.max(ms, 0.001)));
  await elapsedMs(task, task.n); // warm-up
  task.samples = [];
}
const fixturesSubscription = fx.subscription;
const requestOptions = { vapidDetails: fx.vapid, TTL: fx.ttl, urgency: fx.urgency, topic: fx.topic };
const peer = { label: `web-push generateRequestDetails (Node ${process.version})`, samples: [] };
function peerRound() {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ROUND_MS) {
    webpush.generateRequestDetails(fixturesSubscription, fx.payload, requestOptions);
    n++;
  }
  return ((performance.now() - start) * 1e3) / n;
}
peerRound(); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  process.stderr.write(`  round ${round + 1}/${ROUNDS}\r`);
  for (const task of tasks) task.samples.push(((await elapsedMs(task, task.n)) * 1e3) / task.n);
  peer.samples.push(peerRound());
}
process.stderr.write('\n');
stop();

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const peerUs = median(peer.samples);
const rows = [['push (200-byte payload) in workerd', 'µs', `vs ${peer.label}`]];
for (const task of tasks) {
  const us = median(task.samples);
  rows.push([task.label, us.toFixed(1), `${(us / peerUs).toFixed(2)}×`]);
}
rows.push([peer.label, peerUs.toFixed(1), '1.00×']);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
console.log('');
console.log(line(rows[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows.slice(1)) console.log(line(r));
console.log('');
console.log(`workerd under wrangler ${output.match(/wrangler (\d+\.\d+\.\d+)/)?.[1] ?? '?'} dev (local); each figure: `
  + `(request with N pushes − request with none) / N, median of ${ROUNDS} rounds, interleaved with web-push; `
  + 'for information (the targets are judged by bench/run.mjs in Node)');
