// A strict webhook receiver (SPEC §9) on loopback for the edge's integration tests.
//
// It verifies `Assent-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` the
// way an RP should (constant-time compare, timestamps older or newer than 5 minutes refused),
// requires `Content-Type: application/json` and a `{id, type, created_at, data}` body, records
// every attempt, can fail on demand to exercise the edge's retries, and dedupes by `id` as the
// SPEC tells receivers to.
//
//   const hooks = await createWebhookReceiver({ secret });
//   … configure the RP with webhook_url = hooks.url …
//   const ev = await hooks.waitFor((e) => e.type === 'request.approved');
//   await hooks.close();
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signatures whose `t` is further than this from now (either way) are refused. */
export const TOLERANCE_SECONDS = 300;
const MAX_BODY_BYTES = 1 << 20;
const PATH = '/webhook';
const DEFAULT_WAIT_MS = 10_000;

class Rejection extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}
const reject = (status, reason) => new Rejection(status, reason);

/** The header the edge must send for `raw` at time `t` (also used by tests to sign). */
export function signatureHeader(secret, t, raw) {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(raw).digest('hex');
  return `t=${t},v1=${mac}`;
}

function readBody(req, limit) {
  return new Promise((resolve, fail) => {
    const chunks = [];
    let length = 0;
    req.on('data', (chunk) => {
      length += chunk.length;
      if (length <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(length <= limit ? Buffer.concat(chunks) : null));
    req.on('error', fail);
  });
}

/** `t=<digits>,v1=<64 lowercase hex>`, exactly these two, each once. */
function parseSignature(header) {
  if (header === undefined) throw reject(401, 'missing Assent-Signature header');
  const parts = {};
  for (const part of header.split(',')) {
    const kv = /^([a-z0-9]+)=(.*)$/.exec(part.trim());
    if (!kv) throw reject(400, 'malformed Assent-Signature');
    if (kv[1] !== 't' && kv[1] !== 'v1') throw reject(400, `unexpected Assent-Signature part ${kv[1]}`);
    if (kv[1] in parts) throw reject(400, `duplicate Assent-Signature part ${kv[1]}`);
    parts[kv[1]] = kv[2];
  }
  if (!/^[0-9]{1,12}$/.test(parts.t ?? '')) throw reject(400, 'Assent-Signature t is not a Unix time');
  if (!/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) throw reject(400, 'Assent-Signature v1 is not 64 hex digits');
  return { t: Number(parts.t), v1: Buffer.from(parts.v1, 'hex') };
}

function parseEvent(raw) {
  let body;
  try { body = JSON.parse(raw.toString('utf8')); } catch { throw reject(400, 'body is not JSON'); }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw reject(400, 'body is not an object');
  const { id, type, created_at: createdAt, data } = body;
  if (typeof id !== 'string' || id.length === 0) throw reject(400, 'id is not a non-empty string');
  if (typeof type !== 'string' || type.length === 0) throw reject(400, 'type is not a non-empty string');
  if (!Number.isInteger(createdAt) || createdAt < 0) throw reject(400, 'created_at is not a Unix time');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw reject(400, 'data is not an object');
  const extra = Object.keys(body).filter((k) => !['id', 'type', 'created_at', 'data'].includes(k));
  if (extra.length > 0) throw reject(400, `unexpected members ${extra.join(', ')}`);
  return { id, type, created_at: createdAt, data };
}

/**
 * Starts a receiver on 127.0.0.1 on a free port. Resolves to:
 * - `url` — `http://127.0.0.1:<port>/webhook` (other paths 404, other methods 405).
 * - `events()` → accepted events, first delivery of each `id` only, oldest first:
 *   `{id, type, created_at, data, raw (string), t (the signature's timestamp)}`.
 * - `attempts()` → every request, oldest first, duplicates and failures included:
 *   `{status, accepted, reason?, headers, raw, id?, type?, t?}`.
 * - `waitFor(predicate, timeoutMs)` → the first event in `events()` matching `predicate`.
 * - `failNext(n, status = 500)` — the next `n` requests that pass every check are answered
 *   `status` instead of 200 (and not recorded as events), to exercise retries.
 * - `close()` — stops listening, drops connections, fails pending waits.
 */
export async function createWebhookReceiver({ secret } = {}) {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new Error('webhook receiver: secret is required');
  }
  const log = [];
  const seen = new Map();
  const waiters = new Set();
  let failures = { left: 0, status: 500 };

  async function handle(req, res) {
    const headers = { ...req.headers };
    const raw = await readBody(req, MAX_BODY_BYTES);
    const attempt = { status: 0, accepted: false, headers, raw: raw?.toString('utf8') ?? null };
    try {
      if (new URL(req.url, 'http://x').pathname !== PATH) throw reject(404, 'no such path');
      if (req.method !== 'POST') throw reject(405, 'webhooks are POSTed');
      if (raw === null) throw reject(413, 'body too large');
      const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') throw reject(415, 'Content-Type is not application/json');
      const { t, v1 } = parseSignature(headers['assent-signature']);
      attempt.t = t;
      const now = Math.floor(Date.now() / 1000);
      if (Math.abs(now - t) > TOLERANCE_SECONDS) throw reject(400, `stale timestamp ${t} (now ${now})`);
      const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
      if (!timingSafeEqual(expected, v1)) throw reject(401, 'signature does not match');
      const event = parseEvent(raw);
      attempt.id = event.id;
      attempt.type = event.type;
      if (failures.left > 0) {
        failures.left -= 1;
        throw reject(failures.status, 'failing on demand');
      }
      attempt.status = 200;
      attempt.accepted = true;
      if (!seen.has(event.id)) seen.set(event.id, { ...event, raw: attempt.raw, t });
    } catch (e) {
      if (!(e instanceof Rejection)) throw e;
      attempt.status = e.status;
      attempt.reason = e.message;
    }
    log.push(attempt);
    res.writeHead(attempt.status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(attempt.reason ?? 'ok');
    for (const w of waiters) w.check();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      log.push({ status: 500, accepted: false, reason: `receiver bug: ${e.stack}`, headers: req.headers, raw: null });
      if (!res.headersSent) res.writeHead(500);
      res.end('internal error');
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const url = `http://127.0.0.1:${server.address().port}${PATH}`;
  const events = () => [...seen.values()];

  return {
    url,
    events,
    attempts: () => log.slice(),
    waitFor(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      return new Promise((resolve, fail) => {
        const w = {
          check() {
            const hit = events().find(predicate);
            if (hit !== undefined) { clearTimeout(w.timer); waiters.delete(w); resolve(hit); }
          },
          fail(err) { clearTimeout(w.timer); waiters.delete(w); fail(err); },
        };
        w.timer = setTimeout(() => w.fail(new Error(
          `webhook receiver: no matching event within ${timeoutMs} ms; attempts: ${JSON.stringify(
            log.map(({ status, reason, id, type }) => ({ status, reason, id, type })))}`)), timeoutMs);
        waiters.add(w);
        w.check();
      });
    },
    failNext(n, status = 500) {
      if (!Number.isInteger(n) || n < 0 || !Number.isInteger(status) || status < 300 || status > 599) {
        throw new Error('webhook receiver: failNext(n ≥ 0, status 300–599)');
      }
      failures = { left: n, status };
    },
    async close() {
      for (const w of [...waiters]) w.fail(new Error('webhook receiver: closed'));
      server.closeAllConnections();
      await new Promise((ok) => server.close(() => ok()));
    },
  };
}
