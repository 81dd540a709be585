// `make bench`, Node side: times the wasm build of assent-bench and npm `web-push` in the
// same process, merges the native figures (bench/out/native.json), prints the table and the
// issue's two targets. Exit 1 when a target is missed or a sanity check fails.
//
// Every task is calibrated, then the timed rounds of all tasks are interleaved (round 1 of
// each, round 2 of each, …) so that load from other processes on the machine hits the wasm
// and web-push figures alike. Timing parameters come from the wasm module (bench/src/plan.rs),
// the same the native binary uses.
//
// The targets are computed on the edge's production path, "wasm + WebCrypto": the
// P-256 work (ephemeral ECDH key, ECDH, VAPID ES256 signature) in the host's WebCrypto with
// the calls edge/src/webcrypto.rs makes in workerd — here Node's crypto.subtle — and the
// rest (subscription parsing, VAPID cache and JWT, RFC 8291 key schedule and record, headers)
// in the wasm module (bench/src/host.rs). The pure-wasm rows (P-256 in wasm with `p256`) are
// kept as the portable fallback's figures.
//
// `node bench/run.mjs --peer-only` times only web-push's generateRequestDetails and prints
// {node, us} as JSON: run.sh uses it to time web-push under the system's Node as well, for
// reference (the targets are computed with the project's Node 22 only).
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import ece from 'http_ece';
import webpush from 'web-push';
import { hostPusher, vapidSignatureVerifies } from './host-push.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'out');
const require = createRequire(import.meta.url);
const wasm = require(path.join(out, 'wasm', 'assent_bench.js'));
const native = JSON.parse(fs.readFileSync(path.join(out, 'native.json'), 'utf8'));

const plan = JSON.parse(wasm.plan());
const fx = JSON.parse(wasm.fixtures());

// ---- The web-push side, with the same subscription, VAPID key and payload. ----------------
const audience = new URL(fx.subscription.endpoint).origin;
const requestOptions = {
  vapidDetails: fx.vapid,
  TTL: fx.ttl,
  urgency: fx.urgency,
  topic: fx.topic,
};
const uaEcdh = crypto.createECDH('prime256v1');
uaEcdh.setPrivateKey(Buffer.from(fx.ua_private, 'base64url'));
const ephemeral = crypto.createECDH('prime256v1');
ephemeral.generateKeys();
const peers = {
  push_encrypt_vapid_fresh: {
    label: 'web-push generateRequestDetails',
    run: () => webpush.generateRequestDetails(fx.subscription, fx.payload, requestOptions),
  },
  push_encrypt: {
    label: 'web-push encrypt',
    run: () => webpush.encrypt(fx.subscription.keys.p256dh, fx.subscription.keys.auth,
      fx.payload, 'aes128gcm'),
  },
  vapid_sign: {
    label: 'web-push getVapidHeaders',
    run: () => webpush.getVapidHeaders(audience, fx.vapid.subject, fx.vapid.publicKey,
      fx.vapid.privateKey, 'aes128gcm'),
  },
  p256_keygen: {
    label: 'node:crypto ECDH generateKeys',
    run: () => crypto.createECDH('prime256v1').generateKeys(),
  },
  p256_ecdh: {
    label: 'node:crypto ECDH computeSecret',
    run: () => ephemeral.computeSecret(fx.subscription.keys.p256dh, 'base64url'),
  },
};
// web-push signs a new JWT for every message: it is the peer of both push rows.
peers.push_encrypt_vapid_cached = peers.push_encrypt_vapid_fresh;

// ---- The edge's production path: P-256 in the host's WebCrypto, the rest in wasm. ----------
const subtle = globalThis.crypto.subtle;
const hostPush = await hostPusher(wasm, subtle);

// ---- Sanity: both sides really build the same kind of message. ----------------------------
function open(body) {
  return ece.decrypt(body, { version: 'aes128gcm', privateKey: uaEcdh, authSecret: fx.auth })
    .toString('utf8');
}
function jwtClaims(authorization) {
  const m = /^vapid t=([^.]+)\.([^.]+)\.([^.,]+), k=(\S+)$/.exec(authorization);
  if (!m) throw new Error(`unexpected Authorization: ${authorization}`);
  return { ...JSON.parse(Buffer.from(m[2], 'base64url')), k: m[4] };
}
const failures = [];
function check(what, ok) {
  if (!ok) failures.push(what);
}
check('payload is 200 bytes', Buffer.byteLength(fx.payload) === 200);
for (const mode of ['fresh', 'cached']) {
  const ours = JSON.parse(wasm.sample_push(mode));
  const headers = Object.fromEntries(ours.headers);
  check(`wasm ${mode} push decrypts to the payload`,
    open(Buffer.from(ours.body, 'base64url')) === fx.payload);
  const claims = jwtClaims(headers.Authorization);
  check(`wasm ${mode} VAPID aud/sub/k`, claims.aud === audience && claims.sub === fx.vapid.subject
    && claims.k === fx.vapid.publicKey);
  check(`wasm ${mode} headers`, headers.TTL === String(fx.ttl) && headers.Urgency === 'high'
    && headers.Topic === fx.topic && headers['Content-Encoding'] === 'aes128gcm');
}
{
  const samples = [];
  for (const mode of ['fresh', 'cached', 'cached']) {
    samples.push([mode, JSON.parse(await hostPush(mode, wasm.host_push_finish_sample))]);
  }
  for (const [mode, ours] of samples) {
    const headers = Object.fromEntries(ours.headers);
    check(`wasm+WebCrypto ${mode} push decrypts to the payload`,
      open(Buffer.from(ours.body, 'base64url')) === fx.payload);
    const claims = jwtClaims(headers.Authorization);
    check(`wasm+WebCrypto ${mode} VAPID aud/sub/k`, claims.aud === audience
      && claims.sub === fx.vapid.subject && claims.k === fx.vapid.publicKey);
    check(`wasm+WebCrypto ${mode} VAPID signature verifies`, await vapidSignatureVerifies(subtle, headers.Authorization));
    check(`wasm+WebCrypto ${mode} headers`, headers.TTL === String(fx.ttl) && headers.Urgency === 'high'
      && headers.Topic === fx.topic && headers['Content-Encoding'] === 'aes128gcm');
  }
  const auth = (i) => Object.fromEntries(samples[i][1].headers).Authorization;
  check('wasm+WebCrypto cached VAPID header is reused', auth(1) === auth(2));
  check('wasm+WebCrypto sender key and salt are new per message',
    new Set(samples.map(([, ours]) => Buffer.from(ours.body, 'base64url').subarray(0, 86).toString('hex'))).size === 3);
}
{
  const theirs = peers.push_encrypt_vapid_fresh.run();
  check('web-push push decrypts to the payload', open(theirs.body) === fx.payload);
  const claims = jwtClaims(theirs.headers.Authorization);
  check('web-push VAPID aud/sub/k', claims.aud === audience && claims.sub === fx.vapid.subject
    && claims.k === fx.vapid.publicKey);
  check('web-push headers', theirs.headers.TTL === fx.ttl && theirs.headers.Urgency === 'high'
    && theirs.headers.Topic === fx.topic);
}
if (failures.length) {
  console.error(`bench: sanity checks failed: ${failures.join('; ')}`);
  process.exit(1);
}

// ---- Timing. ------------------------------------------------------------------------------
let sink = 0; // keeps results observable so no call can be dropped
function wasmTask(op) {
  return { name: `wasm ${op}`, batch: (n) => { sink ^= wasm.run(op, n); } };
}
function jsTask(name, fn) {
  return {
    name,
    batch: (n) => {
      for (let i = 0; i < n; i++) sink ^= fn() ? 1 : 0;
    },
  };
}
function hostTask(mode) {
  return {
    name: `wasm+WebCrypto ${mode}`,
    batch: async (n) => {
      for (let i = 0; i < n; i++) sink ^= await hostPush(mode, wasm.host_push_finish);
    },
  };
}
// Async for the host tasks (each push awaits WebCrypto); a synchronous batch costs one await.
async function timeMs(task, n) {
  const start = performance.now();
  await task.batch(n);
  return performance.now() - start;
}
async function calibrate(task) {
  let n = 1;
  let elapsed;
  for (;;) {
    elapsed = await timeMs(task, n);
    if (elapsed >= plan.calibration_ms || n >= 1 << 24) break;
    n *= 2;
  }
  return Math.max(1, Math.ceil((n * plan.round_ms) / elapsed));
}
function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const peerOnly = process.argv.includes('--peer-only');
const tasks = [];
const HOST_OPS = { push_encrypt_vapid_fresh: 'fresh', push_encrypt_vapid_cached: 'cached' };
if (!peerOnly) {
  for (const [op, mode] of Object.entries(HOST_OPS)) tasks.push({ key: ['host', op], ...hostTask(mode) });
  for (const { name } of plan.ops) tasks.push({ key: ['wasm', name], ...wasmTask(name) });
}
const peerTasks = new Map();
for (const [op, peer] of Object.entries(peers)) {
  if (peerOnly && op !== 'push_encrypt_vapid_fresh') continue;
  if (!peerTasks.has(peer)) {
    const task = { key: ['node', peer.label], ...jsTask(peer.label, peer.run) };
    peerTasks.set(peer, task);
    tasks.push(task);
  }
}
process.stderr.write(`  calibrating ${tasks.length} tasks…\n`);
for (const task of tasks) {
  task.n = await calibrate(task);
  for (let i = 0; i < plan.warmup_rounds; i++) await timeMs(task, task.n);
  task.samples = [];
}
for (let round = 0; round < plan.rounds; round++) {
  process.stderr.write(`  round ${round + 1}/${plan.rounds}\r`);
  for (const task of tasks) task.samples.push(((await timeMs(task, task.n)) * 1e3) / task.n);
}
process.stderr.write('\n');
for (const task of tasks) task.us = median(task.samples);
if (peerOnly) {
  const us = peerTasks.get(peers.push_encrypt_vapid_fresh).us;
  console.log(JSON.stringify({ node: process.version, us }));
  process.exit(0);
}
const wasmUs = Object.fromEntries(tasks.filter((t) => t.key[0] === 'wasm').map((t) => [t.key[1], t.us]));
const hostUs = Object.fromEntries(tasks.filter((t) => t.key[0] === 'host').map((t) => [t.key[1], t.us]));

// ---- Report. ------------------------------------------------------------------------------
const fmt = (x) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1));
const rows = [['op', 'native µs', 'wasm µs', 'web-push µs', 'wasm/web-push', 'peer']];
const section = (title) => rows.push([title, '', '', '', '', '']);
const peerFreshUs = peerTasks.get(peers.push_encrypt_vapid_fresh).us;
section('— edge path: wasm + host WebCrypto (targets) —');
for (const op of Object.keys(HOST_OPS)) {
  rows.push([op, '—', fmt(hostUs[op]), fmt(peerFreshUs), `${(hostUs[op] / peerFreshUs).toFixed(2)}×`,
    peers[op].label]);
}
section('— portable fallback: P-256 in wasm (p256) —');
for (const { name, component } of plan.ops) {
  if (component && rows.length && !rows.some((r) => r[0] === '— parts of a push —')) {
    rows.push(['— parts of a push —', '', '', '', '', '']);
  }
  const peer = peers[name];
  const peerUs = peer ? peerTasks.get(peer).us : undefined;
  rows.push([
    name,
    fmt(native.ops[name]?.us_per_op),
    fmt(wasmUs[name]),
    fmt(peerUs),
    peerUs ? `${(wasmUs[name] / peerUs).toFixed(2)}×` : '—',
    peer ? peer.label : '',
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
  .join(' | ').trimEnd();
console.log('');
console.log(line(rows[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows.slice(1)) console.log(line(r));

const wasmFile = path.join(out, 'wasm', 'assent_bench_bg.wasm');
const preOpt = path.join(out, 'wasm', 'assent_bench_bg.pre-opt.wasm');
const bytes = fs.readFileSync(wasmFile);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('');
console.log(`native: ${native.target}, ${process.env.NATIVE_PROFILE ?? native.profile}; wasm: wasm32-unknown-unknown release `
  + `(opt-level "s", LTO), wasm-bindgen --target nodejs, wasm-opt ${process.env.WASM_OPT_FLAGS ?? '(none)'}`);
console.log(`wasm module: ${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzip`
  + (fs.existsSync(preOpt) ? ` (before wasm-opt: ${kb(fs.statSync(preOpt).size)} raw)` : ''));
console.log(`Node ${process.version}, web-push ${require('web-push/package.json').version}, `
  + `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average `
  + `${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${plan.rounds} rounds of `
  + `~${plan.round_ms} ms, rounds of all tasks interleaved`);
console.log('');

console.log(`"wasm µs" of the edge-path rows: wasm + Node ${process.version}'s crypto.subtle `
  + '(generateKey, importKey raw, exportKey raw, deriveBits; sign when the VAPID token is new), '
  + 'the calls the edge makes to workerd\'s WebCrypto');
console.log(`portable fallback, for reference: push+VAPID cached ${(wasmUs.push_encrypt_vapid_cached / peerFreshUs).toFixed(2)}×, `
  + `fresh ${(wasmUs.push_encrypt_vapid_fresh / peerFreshUs).toFixed(2)}× web-push`);
const peerFresh = peerFreshUs;
const targets = [
  ['push+VAPID cached', hostUs.push_encrypt_vapid_cached / peerFresh, 1.0, ' web-push'],
  ['push+VAPID fresh', hostUs.push_encrypt_vapid_fresh / peerFresh, 1.3, ''],
];
const reference = path.join(out, 'webpush-system-node.json');
if (fs.existsSync(reference)) {
  const ref = JSON.parse(fs.readFileSync(reference, 'utf8'));
  console.log(`reference only: web-push under the system's Node ${ref.node} takes ${fmt(ref.us)} µs `
    + `per message (wasm + WebCrypto cached would be ${(hostUs.push_encrypt_vapid_cached / ref.us).toFixed(2)}×, `
    + `fresh ${(hostUs.push_encrypt_vapid_fresh / ref.us).toFixed(2)}×); the targets use Node ${process.version}`);
}
let missed = 0;
for (const [label, ratio, limit, vs] of targets) {
  const pass = ratio <= limit;
  if (!pass) missed++;
  console.log(`${label}: wasm + WebCrypto ${ratio.toFixed(2)}×${vs} (target ≤ ${limit.toFixed(2)}×) ${pass ? 'PASS' : 'FAIL'}`);
}
process.exit(missed ? 1 : 0);
