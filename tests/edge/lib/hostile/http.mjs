// Sending one row of the hostile corpus and checking its answer against SPEC §11.
//
// Rows go through the global `fetch`, which lib/wrangler.mjs wraps with the OpenAPI
// conformance check (lib/conformance.mjs), so every answer is also checked against
// docs/openapi.json. Two exceptions:
// - rows marked `todo` (a known discrepancy of the edge, listed in the report) go through the
//   fetch captured before that wrapper exists, so the discrepancy is reported once, by the
//   todo, and does not also fail the file through the conformance report; when the edge is
//   fixed and the `todo` removed, the row is checked by both again;
// - rows with `upgrade` (the widget's WebSocket endpoint) use node:http, since fetch refuses
//   an `Upgrade` header.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';

// Captured at import, before startWrangler() installs the conformance wrapper.
const unmonitoredFetch = globalThis.fetch;

/** A value or a function of the fixtures. */
export const resolve = (value, fx) => (typeof value === 'function' ? value(fx) : value);

/**
 * The HTTP request of `row` with the fixtures `fx`: `{method, path, headers, payload,
 * stream, upgrade}`. `row.auth` is an RP id (its API key as a Bearer token), `{header}` (that
 * exact Authorization value) or absent (no Authorization). A `body` that is a string or a
 * Buffer is sent as is; anything else as JSON. A body gets `Content-Type: application/json`
 * unless `headers` sets another or `null` (none). `prepare(fx)` may return `{body, path,
 * headers}` computed right before sending (fresh challenges, timestamps, assertions).
 */
export async function requestOf(row, fx) {
  const prepared = row.prepare ? await row.prepare(fx) : {};
  const path = prepared.path ?? resolve(row.path, fx);
  const body = 'body' in prepared ? prepared.body : resolve(row.body, fx);
  const headers = {};
  const auth = resolve(row.auth, fx);
  if (typeof auth === 'string') headers.Authorization = `Bearer ${fx.keys[auth]}`;
  else if (auth && typeof auth.header === 'string') headers.Authorization = auth.header;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  for (const [name, value] of Object.entries({ ...resolve(row.headers, fx), ...prepared.headers })) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  // Bytes, so that fetch adds no `text/plain` of its own when the row removes Content-Type.
  if (typeof payload === 'string') payload = Buffer.from(payload, 'utf8');
  return { method: row.method, path, headers, payload, stream: row.stream, upgrade: row.upgrade };
}

/** Sends a request of `requestOf` to `baseUrl`; `{status, headers, text}`. */
export async function send(baseUrl, req, { monitored = true } = {}) {
  if (req.upgrade) return sendUpgrade(baseUrl, req);
  const init = { method: req.method, headers: req.headers, redirect: 'manual' };
  if (req.payload !== undefined) {
    if (req.stream) {
      // Chunked, with no Content-Length: the edge must count the bytes it reads.
      const bytes = req.payload;
      init.body = new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.subarray(i, i + 4096));
          controller.close();
        },
      });
      init.duplex = 'half';
    } else {
      init.body = req.payload;
    }
  }
  const fetchFn = monitored ? globalThis.fetch : unmonitoredFetch;
  const r = await fetchFn(`${baseUrl}${req.path}`, init);
  return { status: r.status, headers: r.headers, text: await r.text() };
}

/** A WebSocket opening handshake with node:http; a `101` is closed at once. */
function sendUpgrade(baseUrl, req) {
  return new Promise((resolvePromise, reject) => {
    const r = httpRequest(new URL(`${baseUrl}${req.path}`), {
      method: req.method,
      headers: {
        Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'), ...req.headers,
      },
    });
    const toHeaders = (raw) => new Headers(Object.entries(raw).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])));
    r.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode, headers: toHeaders(res.headers), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('upgrade', (res, socket) => {
      socket.destroy();
      resolvePromise({ status: 101, headers: toHeaders(res.headers), text: '' });
    });
    r.on('error', reject);
    r.end();
  });
}

// What a leaked stack trace or panic looks like (JS, Rust, wasm).
const STACK = /\n\s+at\s|^\s*at\s.+:\d+:\d+|panicked at|stack backtrace|RUST_BACKTRACE|wasm-function|\.rs:\d+|\.m?js:\d+:\d+|RuntimeError|unreachable executed/m;

/**
 * Asserts a SPEC §11 error answer: the expected status (never 500), `application/json`, a
 * body that is exactly `{"error": {"code", "message"}}` with the expected code and a
 * non-empty message that is no stack trace; `Retry-After` (positive seconds) on a 429.
 */
export function assertError(res, expect, what) {
  const shown = `${what} → ${res.status} ${res.text.slice(0, 300)}`;
  assert.notEqual(res.status, 500, `never 500: ${shown}`);
  assert.equal(res.status, expect.status, shown);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/i, `JSON error body: ${shown}`);
  let body;
  try {
    body = JSON.parse(res.text);
  } catch {
    assert.fail(`the body is not JSON: ${shown}`);
  }
  assert.ok(body !== null && typeof body === 'object' && !Array.isArray(body), shown);
  assert.deepEqual(Object.keys(body), ['error'], `exactly {error}: ${shown}`);
  assert.ok(body.error !== null && typeof body.error === 'object', shown);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message'], `exactly {code, message}: ${shown}`);
  assert.equal(body.error.code, expect.code, shown);
  assert.equal(typeof body.error.message, 'string', shown);
  assert.ok(body.error.message.trim().length > 0, `a message: ${shown}`);
  assert.doesNotMatch(body.error.message, STACK, `no stack trace: ${shown}`);
  if (expect.status === 429) {
    const retry = res.headers.get('retry-after');
    assert.match(retry ?? '', /^[1-9]\d*$/, `Retry-After on a 429: ${shown}`);
  }
  return body;
}
