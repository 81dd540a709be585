// `make bench`, edge part: a load run on loopback against one `wrangler dev` (workerd with its
// local KV, Durable Objects and Queue) — requests/s and p50/p99 for the widget's status read,
// request creation with a two-device push fan-out to the strict fake push service, and the
// device's decision — and the size of the Worker's wasm. See bench/edge/README.md.
//
//   node_modules/.bin/node bench/edge/load.mjs [--no-build] [--duration 10] [--warmup 2]
//     [--concurrency 8] [--users 64] [--no-floor] [--json FILE]
//     [--direct] [--status-rate 500] [--create-rate 100]
//
// For diagnosis only: --direct sends the load to the Worker's own workerd socket, behind
// wrangler's dev proxy, instead of to wrangler's port; --status-rate / --create-rate set the
// open-loop rates (only the target rates are judged).
//
// Exit status: 0 every target met and every answer right; 1 a target missed or a wrong
// answer (the FAIL lines say which); 2 the Worker did not build or wrangler did not start.
import { spawnSync, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync, constants as zlib } from 'node:zlib';
import * as jose from 'jose';
import { startWrangler, root } from '../../tests/edge/lib/wrangler.mjs';
import { createDevice, softauthBinary } from '../../tests/edge/lib/device.mjs';
import { createPushService } from '../../tests/edge/lib/fake-push.mjs';
import { closedLoop, openLoop, summarize } from './lib/loop.mjs';
import { cpuSnapshot, cpuSpent, workerdLabels, workerdSockets } from './lib/procs.mjs';
import { startFloor } from './lib/floor.mjs';

const TARGETS = {
  status: { rps: 500, p99: 50 },
  create: { rps: 100, p99: 50 },
  wasmGzipBytes: 1024 * 1024,
};

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '8' },
    users: { type: 'string', default: '64' },
    'no-floor': { type: 'boolean', default: false },
    direct: { type: 'boolean', default: false },
    'status-rate': { type: 'string', default: '500' },
    'create-rate': { type: 'string', default: '100' },
    json: { type: 'string' },
  },
});
const DURATION_MS = Number(opts.duration) * 1000;
const WARMUP_MS = Number(opts.warmup) * 1000;
const CONCURRENCY = Number(opts.concurrency);
const USERS = Number(opts.users);
const STATUS_RATE = Number(opts['status-rate']);
const CREATE_RATE = Number(opts['create-rate']);
for (const [name, v] of [['duration', DURATION_MS], ['warmup', WARMUP_MS + 1], ['concurrency', CONCURRENCY],
  ['users', USERS], ['status-rate', STATUS_RATE], ['create-rate', CREATE_RATE]]) {
  if (!Number.isFinite(v) || v <= 0) fail(2, `--${name} must be a positive number`);
}

// One gateway-mode RP whose limits never bind: the creation budget is the largest the
// configuration accepts (a u32; limits.rs only requires ≥ 1); requests live the default
// maximum of 600 s, long enough to be decided after the status phases.
const RP = {
  id: 'bench', name: 'Bench Bank', mode: 'gateway',
  limits: { requests_per_10_min: 4_294_967_295 },
};
const TTL_SECONDS = 600;

const log = (...a) => console.error('[edge bench]', ...a);
const loadBefore = loadavg(); // before this benchmark adds its own
function fail(code, message) {
  console.error(`edge bench: ${message}`);
  process.exit(code);
}
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool(items, limit, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) {
      const k = i++;
      await fn(items[k], k);
    }
  }));
}

// ---------------------------------------------------------------------------------------
// Build, size, versions

if (!opts['no-build']) {
  log('building the Worker (scripts/build-edge.sh)…');
  const r = spawnSync('bash', ['scripts/build-edge.sh'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) fail(2, `scripts/build-edge.sh failed (${r.signal ?? `exit ${r.status}`})`);
}

let wasm;
try {
  wasm = readFileSync(join(root, 'edge/build/index_bg.wasm'));
} catch (e) {
  fail(2, `edge/build/index_bg.wasm: ${e.message} (build the Worker: bash scripts/build-edge.sh)`);
}
const wasmGzip = gzipSync(wasm, { level: zlib.Z_BEST_COMPRESSION }).length;

const pkgVersion = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
let workerdVersion = `npm workerd ${pkgVersion('workerd')}`;
try {
  const bin = join(root, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd');
  workerdVersion += `, ${execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()}`;
} catch { /* the npm version says enough */ }

// ---------------------------------------------------------------------------------------
// The edge, the push service, the accounts

log('building assent-softauth (the devices\' authenticator)…');
try {
  await softauthBinary();
} catch (e) {
  fail(2, e.message);
}
const push = await createPushService();
let edge;
let floor;
try {
  edge = await startWrangler({ rps: [RP] });
} catch (e) {
  await push.close();
  fail(2, e.message);
}
// wrangler runs in its own process group: stop it however this process ends.
let edgeRunning = true;
const stopEdge = () => {
  if (edgeRunning) edge.stop();
  edgeRunning = false;
};
process.on('exit', () => { stopEdge(); floor?.stop(); });
process.on('SIGINT', () => process.exit(130));

/** With --direct: the other workerd socket where `probe(url)` holds (the Worker's own). */
async function innerEntry(outerPort, probe) {
  for (const { port } of workerdSockets()) {
    if (port === outerPort) continue;
    const url = `http://127.0.0.1:${port}`;
    try {
      if (await probe(url)) return url;
    } catch { /* another kind of socket */ }
  }
  throw new Error(`--direct: no workerd socket besides ${outerPort} answers like the Worker`);
}

// The load goes to 127.0.0.1 rather than edge.url's `localhost`: the same socket, but
// tests/edge/lib/wrangler.mjs checks every answer fetched from edge.url against
// docs/openapi.json, which would load the client more than the edge. The devices still act
// for the edge's origin (`localhost`, as WebAuthn requires); this script checks the answers.
let base = `http://127.0.0.1:${edge.port}`;
if (opts.direct) {
  try {
    base = await innerEntry(edge.port, async (url) => {
      const r = await fetch(`${url}/.well-known/jwks.json`);
      return r.status === 200 && Array.isArray((await r.json()).keys);
    });
  } catch (e) {
    fail(2, e.message);
  }
  log(`--direct: loading the Worker's own socket ${base}, not wrangler's proxy on ${edge.port}`);
}
const edgeLabels = workerdLabels(edge.port);

const rpHeaders = { Authorization: `Bearer ${edge.config.apiKeys[RP.id]}`, 'Content-Type': 'application/json' };
const rpPost = async (path, body) => {
  const r = await fetch(`${base}${path}`, { method: 'POST', headers: rpHeaders, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
};

/** One user: two activated devices, each with its own subscription on the fake push service. */
async function enrol(index) {
  const user_id = `user-${String(index).padStart(4, '0')}`;
  const devices = [];
  for (let d = 0; d < 2; d++) {
    const a = await rpPost('/v1/activations', { user_id });
    if (a.status !== 201) throw new Error(`activation for ${user_id}: ${a.status} ${JSON.stringify(a.body)}`);
    const device = createDevice({ edgeUrl: base, origin: edge.config.edgeOrigin });
    const sub = push.newSubscription();
    const r = await device.activate(a.body.code, { subscription: sub.subscription });
    if (r.status !== 200) throw new Error(`activating a device of ${user_id}: ${r.status} ${JSON.stringify(r.body)}`);
    devices.push({ device, pushId: sub.id });
  }
  users[index] = { user_id, devices, requests: [] };
}

const users = new Array(USERS);
let started = performance.now();
log(`enrolling ${USERS} users × 2 devices…`);
await pool(Array.from({ length: USERS }, (_, i) => i), 4, enrol);
log(`enrolled in ${seconds(performance.now() - started)}`);

// ---------------------------------------------------------------------------------------
// Phases

const results = {};
const problems = []; // wrong answers found after a phase (also counted in its row's errors)

/**
 * One phase: with a closed loop, a warm-up first (untimed, its answers checked too); then the
 * timed run, with the CPU each process spent meanwhile. `makeLoad()` gives `next` (and `done`).
 */
async function phase(key, label, load, makeLoad, labels = edgeLabels) {
  const how = load.rate ? `${load.rate}/s open loop` : `concurrency ${CONCURRENCY}`;
  log(`${label}: ${load.rate ? '' : `warm-up ${seconds(WARMUP_MS)}, then `}${seconds(DURATION_MS)} at ${how}…`);
  const warmErrors = load.rate ? [] : (await closedLoop({ concurrency: CONCURRENCY, durationMs: WARMUP_MS, ...makeLoad() })).errors;
  const before = cpuSnapshot();
  const run = load.rate
    ? await openLoop({ rate: load.rate, durationMs: DURATION_MS, ...makeLoad() })
    : await closedLoop({ concurrency: CONCURRENCY, durationMs: DURATION_MS, ...makeLoad() });
  const cpu = cpuSpent(before, cpuSnapshot(), labels);
  const summary = summarize(run);
  results[key] = {
    label, load: load.rate ? `${load.rate}/s` : `c=${CONCURRENCY}`, ...summary,
    errors: summary.errors + warmErrors.length,
    errorSamples: [...new Set([...warmErrors, ...run.errors])].slice(0, 3),
    cores: Object.fromEntries([...cpu].filter(([, s]) => s > 0.005).map(([name, s]) => [name, s / summary.seconds])),
  };
}

// The Assent Worker with no KV and no Durable Object: routing, configuration, one JSON answer.
const jwksRead = () => ({
  next: () => async () => {
    const r = await fetch(`${base}/.well-known/jwks.json`);
    const text = await r.text();
    return r.status === 200 ? null : `jwks: ${r.status} ${text.slice(0, 200)}`;
  },
});
await phase('baseline', 'GET /.well-known/jwks.json', {}, jwksRead);

// Creations, round robin over the users. `sign` requests: a sign request never supersedes
// another (a new login cancels the user's pending one), so every request created here stays
// pending for the status and decision phases.
const created = [];
let nextUser = 0;
const createBody = (user_id) => JSON.stringify({
  user_id, kind: 'sign', title: 'Transfer', ttl_seconds: TTL_SECONDS,
  fields: [
    { label: 'Amount', value: 'EUR 1,250.00' }, { label: 'Payee', value: 'ACME NV' },
    { label: 'IBAN', value: 'BE71 0961 2345 6769' },
  ],
});
const creations = () => ({
  next: () => {
    const user = users[nextUser++ % users.length];
    const body = createBody(user.user_id);
    return async () => {
      const r = await fetch(`${base}/v1/requests`, { method: 'POST', headers: rpHeaders, body });
      const text = await r.text();
      if (r.status !== 201) return `POST /v1/requests: ${r.status} ${text.slice(0, 200)}`;
      const c = JSON.parse(text);
      const request = { user, id: c.request_id, token: c.status_token, hash: c.request_hash, expiresAt: c.expires_at };
      created.push(request);
      user.requests.push(request);
      if (c.devices !== 2 || c.devices_notified !== 2) {
        return `POST /v1/requests: ${c.devices_notified} of ${c.devices} devices notified, not 2 of 2`;
      }
      return null;
    };
  },
});
await phase('create', 'POST /v1/requests (2 pushes)', {}, creations);
await phase('createOpen', 'POST /v1/requests (2 pushes)', { rate: CREATE_RATE }, creations);

// Every created request reached both of its user's devices exactly once, decrypted and with
// valid VAPID (the fake push service refuses anything else), and nothing else was pushed.
{
  let wrong = 0;
  for (const user of users) {
    for (const { pushId } of user.devices) {
      const counts = new Map();
      for (const m of push.received(pushId)) {
        const id = m.json?.assent?.request_id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const request of user.requests) {
        if (counts.get(request.id) !== 1) wrong++;
        counts.delete(request.id);
      }
      for (const n of counts.values()) wrong += n;
    }
  }
  const refused = push.attempts().filter((a) => !a.verified || a.status !== 201);
  if (wrong > 0) problems.push(`push: ${wrong} device pushes missing, repeated or unexpected`);
  if (refused.length > 0) problems.push(`push: ${refused.length} pushes refused, e.g. ${refused[0].status} ${refused[0].reason}`);
  results.create.errors += wrong + refused.length;
  log(`created ${created.length} requests; the fake push service accepted ${push.attempts().length - refused.length} pushes`);
}

let nextRead = 0;
const statusReads = () => ({
  next: () => {
    const request = created[nextRead++ % created.length];
    const headers = { Authorization: `Bearer ${request.token}` };
    return async () => {
      const r = await fetch(`${base}/v1/status/${request.id}`, { headers });
      const text = await r.text();
      if (r.status !== 200) return `GET /v1/status: ${r.status} ${text.slice(0, 200)}`;
      const s = JSON.parse(text);
      if (s.status !== 'pending' || s.expires_at !== request.expiresAt) return `GET /v1/status: ${text.slice(0, 200)}`;
      return null;
    };
  },
});
await phase('status', 'GET /v1/status/{id}', {}, statusReads);
await phase('statusOpen', 'GET /v1/status/{id}', { rate: STATUS_RATE }, statusReads);

// Decisions: each body carries a fresh assertion over its own statement, made before the
// timed phase, after fetching what the device is shown and checking its hash. A device's
// signature counter must grow, so each user's bodies are posted in the order they were
// signed, one at a time per user; a user's requests alternate between its two devices.
const SIGNED = Symbol('signed');
started = performance.now();
log(`preparing ${created.length} decisions (one assertion each)…`);
await pool(users, 4, async (user) => {
  user.decisions = [];
  for (const [j, request] of user.requests.entries()) {
    const { device } = user.devices[j % 2];
    const shown = await device.getRequest(request.id);
    if (shown.status !== 200 || shown.body.request_hash !== request.hash || device.requestHash(shown.body.request) !== request.hash) {
      throw new Error(`GET device request ${request.id}: ${shown.status} ${JSON.stringify(shown.body).slice(0, 200)}`);
    }
    let body;
    try {
      await device.decide(request.id, {
        request: shown.body.request, decision: 'approve',
        mutate: (b) => { body = b; throw SIGNED; }, // captured, not sent
      });
    } catch (e) {
      if (e !== SIGNED) throw e;
    }
    user.decisions.push({
      request,
      url: `${base}/v1/device/${device.deviceId}/requests/${request.id}/decision`,
      body: JSON.stringify(body),
    });
  }
});
log(`prepared in ${seconds(performance.now() - started)}`);

const receipts = [];
const queues = users.map((user) => ({ busy: false, items: user.decisions }));
let unsent = created.length;
let cursor = 0;
await phase('decide', 'POST /v1/device/{id}/requests/{id}/decision', {}, () => ({
  next: () => {
    for (let k = 0; k < queues.length; k++) {
      const q = queues[(cursor + k) % queues.length];
      if (q.busy || q.items.length === 0) continue;
      cursor = (cursor + k + 1) % queues.length;
      const item = q.items.shift();
      q.busy = true;
      unsent--;
      return async () => {
        try {
          const r = await fetch(item.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: item.body });
          const text = await r.text();
          if (r.status !== 200) return `decision: ${r.status} ${text.slice(0, 200)}`;
          const d = JSON.parse(text);
          if (d.status !== 'approved' || typeof d.receipt !== 'string') return `decision: ${text.slice(0, 200)}`;
          receipts.push({ request: item.request, receipt: d.receipt });
          return null;
        } finally {
          q.busy = false;
        }
      };
    }
    return null;
  },
  done: () => unsent === 0,
}));

// Every receipt verifies with the edge's JWK Set and records this request's approval.
{
  const jwks = jose.createLocalJWKSet(await (await fetch(`${base}/.well-known/jwks.json`)).json());
  let bad = 0;
  for (const { request, receipt } of receipts) {
    try {
      const { payload } = await jose.jwtVerify(receipt, jwks, {
        issuer: edge.config.edgeOrigin, audience: RP.id, algorithms: ['ES256'],
      });
      if (payload.jti !== request.id || payload.decision !== 'approve' || payload.sub !== request.user.user_id) bad++;
    } catch {
      bad++;
    }
  }
  if (bad > 0) problems.push(`receipts: ${bad} of ${receipts.length} do not verify or record another decision`);
  results.decide.errors += bad;
}

stopEdge();
await push.close();

// The floor: a plain JavaScript Worker (bench/edge/floor) under the same `wrangler dev`,
// making the round trips of each Assent endpoint and nothing else.
if (!opts['no-floor']) {
  try {
    floor = await startFloor({ users: USERS });
  } catch (e) {
    fail(2, e.message);
  }
  let floorBase = floor.url;
  if (opts.direct) {
    floorBase = await innerEntry(floor.port, async (url) => (await (await fetch(`${url}/hello`)).text()) === 'ok');
  }
  const floorLabels = workerdLabels(floor.port);
  const simple = (path, query) => () => {
    let i = 0;
    return {
      next: () => {
        const url = `${floorBase}${path}?u=${i++ % USERS}${query}`;
        return async () => {
          const r = await fetch(url);
          const text = await r.text();
          return r.status === 200 ? null : `${path}: ${r.status} ${text.slice(0, 200)}`;
        };
      },
    };
  };
  await phase('floorHello', 'floor: JS Worker, nothing', {}, simple('/hello', ''), floorLabels);
  await phase('floorRead', 'floor: JS Worker, KV get + DO get', {}, simple('/read', ''), floorLabels);
  await phase('floorWrite', 'floor: JS Worker, DO write + KV put + 2 POSTs', {},
    simple('/write', `&sink=${encodeURIComponent(floor.sink)}`), floorLabels);
  floor.stop();
  floor = null;
}

// ---------------------------------------------------------------------------------------
// Report

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const missed = [];
/** PASS/FAIL of one row: req/s (closed loop) or p99 at the target rate (open loop), errors. */
function verdict(key, { rps, p99 } = {}) {
  const r = results[key];
  const why = [];
  if (rps !== undefined && r.rps < rps) why.push(`${fmt(r.rps, 0)} req/s < ${rps}`);
  if (p99 !== undefined && !(r.p99 <= p99)) why.push(`p99 ${fmt(r.p99)} ms > ${p99} ms at ${r.load}`);
  if (r.errors > 0) why.push(`${r.errors} wrong answers`);
  if (why.length > 0) missed.push(`FAIL ${r.label} (${r.load}): ${why.join('; ')}`);
  return why.length === 0 ? 'PASS' : 'FAIL';
}
const rows = [
  ['status', `≥ ${TARGETS.status.rps}/s`, { rps: TARGETS.status.rps }],
  STATUS_RATE === TARGETS.status.rps
    ? ['statusOpen', `p99 ≤ ${TARGETS.status.p99} ms`, { p99: TARGETS.status.p99 }]
    : ['statusOpen', '— (not the target rate)', {}],
  ['create', `≥ ${TARGETS.create.rps}/s`, { rps: TARGETS.create.rps }],
  CREATE_RATE === TARGETS.create.rps
    ? ['createOpen', `p99 ≤ ${TARGETS.create.p99} ms`, { p99: TARGETS.create.p99 }]
    : ['createOpen', '— (not the target rate)', {}],
  ['decide', '— (answers checked)', {}],
  ['baseline', '— (no KV, no DO)', {}],
  ...(results.floorHello ? ['floorHello', 'floorRead', 'floorWrite'].map((k) => [k, '— (floor)', {}]) : []),
];
const table = [
  ['endpoint', 'load', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'target', 'result'],
  ...rows.map(([key, text, target]) => {
    const r = results[key];
    return [r.label, r.load, String(r.requests), fmt(r.rps), fmt(r.p50), fmt(r.p99), fmt(r.max), text, verdict(key, target)];
  }),
];
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
const leftAligned = new Set([0, 1, 7, 8]);
const line = (row) => row.map((cell, c) => (leftAligned.has(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ').trimEnd();

const wasmOk = wasmGzip <= TARGETS.wasmGzipBytes;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
if (!wasmOk) missed.push(`FAIL worker wasm: ${kb(wasmGzip)} gzip > ${kb(TARGETS.wasmGzipBytes)}`);
const out = [];
const loads = (l) => l.map((x) => x.toFixed(2)).join(' ');
out.push(`machine: ${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'unknown CPU'}; load average ${loads(loadBefore)} before the run, ${loads(loadavg())} at its end (its own load included); Node ${process.version}`);
out.push(`edge: wrangler ${pkgVersion('wrangler')} dev --local (miniflare ${pkgVersion('miniflare')}, ${workerdVersion}) on 127.0.0.1${opts.direct ? '; --direct: load sent to the Worker\'s own workerd socket, past wrangler\'s dev proxy' : ''}`);
out.push(`load: c=${CONCURRENCY} closed loop for ${seconds(DURATION_MS)} after ${seconds(WARMUP_MS)} warm-up; N/s open loop for ${seconds(DURATION_MS)}, latency from when each request was due; ${USERS} users × 2 devices`);
out.push(`note: the load client, the fake push service (this Node process), wrangler and workerd all share the ${cpus().length} cores`);
out.push('');
out.push(line(table[0]));
out.push(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of table.slice(1)) out.push(line(row));
out.push('');
out.push('CPU in each timed phase, in cores busy ("bench" = this process: load client and fake push service):');
for (const [key] of rows) {
  const r = results[key];
  const total = Object.values(r.cores).reduce((a, b) => a + b, 0);
  const parts = Object.entries(r.cores).sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c.toFixed(2)}`);
  const worker = r.cores['workerd (Worker)'] ?? Number.NaN;
  out.push(`  ${r.label} (${r.load}): ${parts.join(', ')}; CPU per request ${fmt((total / r.rps) * 1000, 2)} ms, in the Worker's workerd ${fmt((worker / r.rps) * 1000, 2)} ms`);
}
if (results.decide.seconds < DURATION_MS / 1000 - 0.5) {
  out.push(`note: the ${created.length} prepared decisions were all used after ${fmt(results.decide.seconds)} s of the decision phase`);
}
out.push('');
out.push(`worker wasm (edge/build/index_bg.wasm): ${kb(wasm.length)} raw, ${kb(wasmGzip)} gzip -9 (target ≤ ${kb(TARGETS.wasmGzipBytes)} gzip) ${wasmOk ? 'PASS' : 'FAIL'}`);
for (const [key] of rows) {
  for (const sample of results[key].errorSamples) out.push(`error (${results[key].label}): ${sample}`);
}
for (const p of problems) out.push(`error: ${p}`);
out.push(...missed);
if (missed.length === 0) out.push('edge: every target met, every answer right');
console.log(out.join('\n'));

if (opts.json) {
  writeFileSync(opts.json, `${JSON.stringify({
    date: new Date().toISOString(), cpus: cpus().length, loadavgBefore: loadBefore, loadavgAfter: loadavg(), concurrency: CONCURRENCY,
    durationSeconds: DURATION_MS / 1000, users: USERS, direct: opts.direct,
    wasm: { raw: wasm.length, gzip: wasmGzip }, results,
  }, null, 2)}\n`);
}
process.exit(missed.length === 0 ? 0 : 1);
