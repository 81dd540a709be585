// What "the state is unchanged" compares, before and after the corpus.
//
// The API view: every fixture request's `GET /v1/requests/{id}` and `GET /v1/status/{id}`
// objects, every activation's status, every snapshotted account's device list, what each
// gateway device is shown of its requests, and every device's pending list. The mutable state (statuses, decisions,
// devices, counters, activation-code use) lives in the accounts' Durable Objects (SPEC §12),
// which only the API shows.
//
// The KV view: the edge's write-once records (`req:`, `act:`, `activation:`, `dev:`) are
// read by the Worker only, so the API shows them only indirectly. Here they are also listed
// directly from the local KV store of `wrangler dev` (`wrangler kv key list` and `kv bulk get`
// with `--local --persist-to`): names, expirations and values. The probe key `healthz`
// (rewritten with a fresh 60-second expiration by every `GET /healthz`) is left out.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from '../wrangler.mjs';

const run = promisify(execFile);

async function get(fx, path, authorization) {
  const r = await fetch(`${fx.url}${path}`, { headers: authorization ? { Authorization: authorization } : {} });
  const text = await r.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* keep the text */ }
  return { status: r.status, body };
}

/** The API view of every fixture (see the module comment). */
export async function apiSnapshot(fx) {
  const bearer = (rp) => `Bearer ${fx.keys[rp]}`;
  const snap = { requests: {}, status: {}, activations: {}, devices: {}, views: {}, pending: {} };
  for (const [name, r] of Object.entries(fx.req)) {
    snap.requests[name] = await get(fx, `/v1/requests/${r.id}`, bearer(r.rp));
    snap.status[name] = await get(fx, `/v1/status/${r.id}`, `Bearer ${r.token}`);
  }
  for (const [name, a] of Object.entries(fx.act)) {
    snap.activations[name] = await get(fx, `/v1/activations/${a.id}`, bearer(a.rp));
  }
  for (const [rp, user] of fx.users) {
    snap.devices[`${rp}/${user}`] = await get(fx, `/v1/users/${encodeURIComponent(user)}/devices`, bearer(rp));
  }
  for (const [device, request] of fx.views) {
    snap.views[`${device}→${request}`] = await get(fx, `/v1/device/${fx.dev[device].deviceId}/requests/${fx.req[request].id}`);
  }
  for (const [name, device] of Object.entries(fx.dev)) {
    snap.pending[name] = await get(fx, `/v1/device/${device.deviceId}/pending`);
  }
  return snap;
}

/**
 * The `--persist-to` directory of the `wrangler dev` serving `port`, read from its command
 * line (lib/wrangler.mjs keeps it to itself); `edge.persist` first, should it ever expose it.
 */
export function persistDir(edge) {
  if (typeof edge.persist === 'string') return edge.persist;
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null; // no procfs: the KV comparison reports that it could not find the store
  }
  for (const pid of pids) {
    let argv;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const port = argv.indexOf('--port');
    const persist = argv.indexOf('--persist-to');
    if (port >= 0 && persist >= 0 && argv[port + 1] === String(edge.port)) return argv[persist + 1];
  }
  return null;
}

async function wrangler(args) {
  const env = {
    ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false',
    PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`,
  };
  const { stdout } = await run('wrangler', args, { cwd: root, env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Every KV record but `healthz`: `[{name, expiration, value}]` by name. */
export async function kvSnapshot(persist) {
  const local = ['--local', '--persist-to', persist, '--binding', 'ASSENT_KV'];
  const listed = JSON.parse(await wrangler(['kv', 'key', 'list', ...local]))
    .filter((k) => k.name !== 'healthz')
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  if (listed.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'assent-kv-'));
  try {
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify(listed.map((k) => k.name)));
    const out = await wrangler(['kv', 'bulk', 'get', file, ...local]);
    const values = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1));
    return listed.map((k) => ({ name: k.name, expiration: k.expiration ?? null, value: values[k.name]?.value ?? null }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
