// A fake Web Push service (RFC 8030) on loopback for the edge's integration tests.
//
// It is as strict as FCM / Mozilla autopush about what an application server sends (VAPID per
// RFC 8292, aes128gcm per RFC 8291, TTL / Urgency / Topic per RFC 8030) and it also plays the
// user agent: it holds each subscription's private key and auth secret, so it decrypts every
// accepted push and tests read exactly what the edge sent. Rejections are answered with the
// status a real service uses and a short reason, and recorded so tests can assert on them.
//
//   const push = await createPushService();
//   const { subscription, id } = push.newSubscription();
//   … the edge pushes to subscription.endpoint …
//   const [msg] = await push.waitFor(id, 1);  // msg.json, msg.vapid.claims, msg.headers.topic
//   await push.close();
import { createServer } from 'node:http';
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import ece from 'http_ece';
import { importJWK, jwtVerify } from 'jose';

/** RFC 8291 §4 / what FCM and autopush accept: the whole request body, header included. */
export const MAX_BODY_BYTES = 4096;
/** RFC 8292 §2: a push service may reject a JWT whose `exp` is more than 24 hours ahead. */
export const MAX_VAPID_LIFETIME_SECONDS = 24 * 60 * 60;
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);
// RFC 8030 §5.4: at most 32 characters from the URL and filename safe base64 alphabet.
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const B64U = /^[A-Za-z0-9_-]+$/;
// aes128gcm header (RFC 8188 §2.1): salt (16) || rs (4) || idlen (1) || keyid (idlen).
const SALT_LEN = 16;
const KEYID_LEN = 65; // RFC 8291 §4: keyid is the sender's uncompressed P-256 point.
const HEADER_LEN = SALT_LEN + 4 + 1 + KEYID_LEN;
const TAG_LEN = 16;
const DEFAULT_WAIT_MS = 10_000;

class Rejection extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}
const reject = (status, reason) => new Rejection(status, reason);

/** Strict unpadded base64url: decodes only canonical text (Buffer's decoder accepts junk). */
function b64uDecode(text) {
  if (typeof text !== 'string' || !B64U.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function readBody(req, limit) {
  return new Promise((resolve, fail) => {
    const chunks = [];
    let length = 0;
    req.on('data', (chunk) => {
      length += chunk.length;
      // Keep draining past the limit (so the 413 reaches the client) but keep nothing.
      if (length <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve({ length, bytes: length <= limit ? Buffer.concat(chunks) : null }));
    req.on('error', fail);
  });
}

/** `vapid t=<jwt>, k=<key>` (RFC 8292 §3): exactly the two parameters, each once. */
function parseVapidAuthorization(header) {
  if (header === undefined) throw reject(401, 'missing Authorization header');
  const m = /^vapid[ \t]+(.+)$/i.exec(header.trim());
  if (!m) throw reject(401, 'Authorization scheme is not vapid');
  const params = {};
  for (const part of m[1].split(',')) {
    const kv = /^[ \t]*([A-Za-z]+)=([^ \t"]+)[ \t]*$/.exec(part);
    if (!kv) throw reject(401, 'malformed vapid auth-param');
    const name = kv[1].toLowerCase();
    if (name !== 't' && name !== 'k') throw reject(401, `unexpected vapid parameter ${name}`);
    if (name in params) throw reject(401, `duplicate vapid parameter ${name}`);
    params[name] = kv[2];
  }
  if (!params.t) throw reject(401, 'vapid t (JWT) missing');
  if (!params.k) throw reject(401, 'vapid k (public key) missing');
  return params;
}

/** RFC 8292 §2–§3: the JWT is ES256 under the key in `k`, for this origin, short-lived. */
async function verifyVapid(header, audience) {
  const { t, k } = parseVapidAuthorization(header);
  const point = b64uDecode(k);
  if (!point || point.length !== 65 || point[0] !== 0x04) {
    throw reject(401, 'vapid k is not an uncompressed P-256 point in base64url');
  }
  let key;
  try {
    key = await importJWK({
      kty: 'EC', crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url'),
    }, 'ES256');
  } catch {
    throw reject(401, 'vapid k is not a point on P-256');
  }
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(t, key, {
      algorithms: ['ES256'], requiredClaims: ['aud', 'exp', 'sub'],
    }));
  } catch (e) {
    throw reject(401, `vapid JWT rejected: ${e.code ?? e.name}: ${e.message}`);
  }
  if (claims.aud !== audience) {
    throw reject(401, `vapid aud ${JSON.stringify(claims.aud)} is not ${JSON.stringify(audience)}`);
  }
  const now = Math.floor(Date.now() / 1000);
  if (claims.exp > now + MAX_VAPID_LIFETIME_SECONDS) {
    throw reject(401, `vapid exp ${claims.exp} is more than 24 h ahead of ${now}`);
  }
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) {
    throw reject(401, 'vapid sub is not a mailto: or https: URI');
  }
  return { claims, publicKey: k };
}

/** RFC 8030 §5.2–§5.4 headers. */
function checkPushHeaders(headers) {
  const encoding = headers['content-encoding'];
  if (encoding === undefined) throw reject(400, 'missing Content-Encoding (aes128gcm required)');
  if (encoding.trim().toLowerCase() !== 'aes128gcm') {
    throw reject(400, `Content-Encoding ${JSON.stringify(encoding)} is not aes128gcm`);
  }
  const ttl = headers.ttl;
  if (ttl === undefined) throw reject(400, 'missing TTL header');
  if (!/^[0-9]+$/.test(ttl)) throw reject(400, `TTL ${JSON.stringify(ttl)} is not a non-negative integer`);
  const urgency = headers.urgency;
  if (urgency !== undefined && !URGENCIES.has(urgency)) {
    throw reject(400, `Urgency ${JSON.stringify(urgency)} is not very-low|low|normal|high`);
  }
  const topic = headers.topic;
  if (topic !== undefined && !TOPIC.test(topic)) {
    throw reject(400, `Topic ${JSON.stringify(topic)} is not 1–32 base64url characters`);
  }
  return { ttl: Number(ttl), urgency, topic };
}

/** Decrypts as the user agent does (RFC 8291 §3–§4), via http_ece. */
function decryptBody(body, sub) {
  if (body.length < HEADER_LEN + TAG_LEN + 1) throw reject(400, 'body too short for aes128gcm');
  const rs = body.readUInt32BE(SALT_LEN);
  const idlen = body[SALT_LEN + 4];
  if (idlen !== KEYID_LEN) throw reject(400, `keyid is ${idlen} bytes, not a 65-byte P-256 point`);
  // RFC 8291 §4: one record, rs greater than plaintext + delimiter + padding + tag.
  if (rs <= body.length - HEADER_LEN) throw reject(400, `rs ${rs} makes more than one record`);
  try {
    return ece.decrypt(body, { version: 'aes128gcm', privateKey: sub.ecdh, authSecret: sub.auth });
  } catch (e) {
    throw reject(400, `payload does not decrypt: ${e.message}`);
  }
}

function headerObject(req) {
  const out = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Starts the service on 127.0.0.1 on a free port. Resolves to:
 * - `origin` — `http://127.0.0.1:<port>`, the VAPID `aud` every push must carry.
 * - `newSubscription({applicationServerKey?})` → `{subscription, id}`: a fresh user-agent key
 *   pair and auth secret; `subscription` is PushSubscriptionJSON. With `applicationServerKey`
 *   (b64u, as passed to `pushManager.subscribe`) pushes signed with another VAPID key get 403,
 *   like FCM.
 * - `received(id)` → accepted (2xx) pushes, oldest first:
 *   `{headers, plaintext: Buffer, json?, vapid: {claims, publicKey}, ttl, urgency?, topic?}`.
 * - `attempts(id?)` → every request (to `id`, or all when omitted), oldest first:
 *   `{id, method, path, status, reason?, verified, headers, bodyLength, message?}`;
 *   `verified` is true when every check passed (the status then is the configured one).
 * - `waitFor(id, n, timeoutMs)` → `received(id)` once it holds ≥ n pushes.
 * - `waitForAttempts(id, n, timeoutMs)` → `attempts(id)` once it holds ≥ n requests.
 * - `respondWith(id, status | [statuses…], {retryAfter?})`: how verified pushes are answered.
 *   A single status applies to every later push (410 stays gone); an array is used once per
 *   push in order, then answers return to 201. `retryAfter` (seconds) is sent with 429 / 5xx.
 * - `close()` — stops listening, drops connections, fails pending waits.
 */
export async function createPushService() {
  const subs = new Map();
  const log = [];
  const waiters = new Set();
  let origin;

  const notify = () => { for (const w of waiters) w.check(); };

  function until(ready, timeoutMs, what) {
    return new Promise((resolve, fail) => {
      const w = {
        check() {
          const v = ready();
          if (v !== undefined) { clearTimeout(w.timer); waiters.delete(w); resolve(v); }
        },
        fail(err) { clearTimeout(w.timer); waiters.delete(w); fail(err); },
      };
      w.timer = setTimeout(() => w.fail(new Error(
        `fake push: timed out after ${timeoutMs} ms waiting for ${what}; attempts so far: ${
          JSON.stringify(log.map(({ id, status, reason }) => ({ id, status, reason })))}`)), timeoutMs);
      waiters.add(w);
      w.check();
    });
  }

  function nextAnswer(sub) {
    if (sub.queue.length > 0) return sub.queue.shift();
    return sub.sticky ?? 201;
  }

  async function handle(req, res) {
    const path = new URL(req.url, origin).pathname;
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(path)?.[1] ?? null;
    const sub = id === null ? undefined : subs.get(id);
    const headers = headerObject(req);
    const { length, bytes } = await readBody(req, MAX_BODY_BYTES);
    const attempt = { id, method: req.method, path, status: 0, verified: false, headers, bodyLength: length };
    const extra = {};
    try {
      if (!sub) throw reject(404, 'no such subscription');
      if (req.method !== 'POST') throw reject(405, 'push requires POST');
      if (bytes === null) throw reject(413, `body of ${length} bytes exceeds ${MAX_BODY_BYTES}`);
      const vapid = await verifyVapid(headers.authorization, origin);
      if (sub.applicationServerKey !== undefined && vapid.publicKey !== sub.applicationServerKey) {
        throw reject(403, 'vapid k is not the applicationServerKey of this subscription');
      }
      const { ttl, urgency, topic } = checkPushHeaders(headers);
      const plaintext = decryptBody(bytes, sub);
      let json;
      try { json = JSON.parse(plaintext.toString('utf8')); } catch { /* not JSON: plaintext only */ }
      attempt.verified = true;
      attempt.message = { headers, plaintext, json, vapid, ttl, urgency, topic };
      attempt.status = nextAnswer(sub);
      if (attempt.status === 201) extra.Location = `${origin}/message/${randomUUID()}`;
      if ((attempt.status === 429 || attempt.status >= 500) && sub.retryAfter !== undefined) {
        extra['Retry-After'] = String(sub.retryAfter);
      }
      if (attempt.status < 200 || attempt.status > 299) attempt.reason = 'configured answer';
    } catch (e) {
      if (!(e instanceof Rejection)) throw e;
      attempt.status = e.status;
      attempt.reason = e.message;
    }
    log.push(attempt);
    const body = attempt.reason ?? '';
    res.writeHead(attempt.status, { 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(body);
    notify();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      log.push({ id: null, method: req.method, path: req.url, status: 500, reason: `fake push bug: ${e.stack}`, verified: false });
      if (!res.headersSent) res.writeHead(500);
      res.end('internal error');
      notify();
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  origin = `http://127.0.0.1:${server.address().port}`;

  const known = (id) => {
    const sub = subs.get(id);
    if (!sub) throw new Error(`fake push: unknown subscription ${id}`);
    return sub;
  };
  const received = (id) => {
    known(id);
    return log.filter((a) => a.id === id && a.verified && a.status >= 200 && a.status <= 299)
      .map((a) => a.message);
  };
  const attempts = (id) => (id === undefined ? log.slice() : log.filter((a) => a.id === id));

  return {
    origin,
    newSubscription({ applicationServerKey } = {}) {
      if (applicationServerKey !== undefined) {
        const key = Buffer.isBuffer(applicationServerKey)
          ? applicationServerKey : b64uDecode(applicationServerKey);
        if (!key || key.length !== 65 || key[0] !== 0x04) {
          throw new Error('fake push: applicationServerKey must be a 65-byte P-256 point');
        }
        applicationServerKey = key.toString('base64url');
      }
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomBytes(16).toString('base64url');
      subs.set(id, { ecdh, auth, applicationServerKey, queue: [], sticky: undefined, retryAfter: undefined });
      return {
        id,
        subscription: {
          endpoint: `${origin}/push/${id}`,
          expirationTime: null,
          keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
        },
      };
    },
    received,
    attempts,
    waitFor(id, n, timeoutMs = DEFAULT_WAIT_MS) {
      known(id);
      return until(() => { const r = received(id); return r.length >= n ? r : undefined; },
        timeoutMs, `${n} push(es) delivered to ${id}`);
    },
    waitForAttempts(id, n, timeoutMs = DEFAULT_WAIT_MS) {
      return until(() => { const r = attempts(id); return r.length >= n ? r : undefined; },
        timeoutMs, `${n} request(s) to ${id}`);
    },
    respondWith(id, statuses, { retryAfter } = {}) {
      const sub = known(id);
      const valid = (s) => Number.isInteger(s) && s >= 200 && s <= 599;
      if (Array.isArray(statuses)) {
        if (!statuses.every(valid)) throw new Error(`fake push: bad statuses ${statuses}`);
        sub.queue = statuses.slice();
        sub.sticky = undefined;
      } else {
        if (!valid(statuses)) throw new Error(`fake push: bad status ${statuses}`);
        sub.queue = [];
        sub.sticky = statuses;
      }
      sub.retryAfter = retryAfter;
    },
    async close() {
      for (const w of [...waiters]) w.fail(new Error('fake push: closed'));
      server.closeAllConnections();
      await new Promise((ok) => server.close(() => ok()));
    },
  };
}
