// docs/openapi.json: a well-formed OpenAPI 3.1 description that covers every route the edge
// serves and agrees with the wire types of pkg/proto; and the conformance checker
// (lib/conformance.mjs) that holds the edge's answers in the other tests to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import {
  NOT_DESCRIBED, STATIC, createChecker, installConformance, loadSpec, resolvePointer,
} from './lib/conformance.mjs';

const root = resolve(import.meta.dirname, '../..');
const source = (path) => readFileSync(resolve(root, path), 'utf8');
const spec = loadSpec();
// Every schema compiled up front (Ajv strict): a schema mistake fails here.
const checker = createChecker(spec, { workerPaths: ['/v1/*', '/.well-known/*', '/healthz'], compileAll: true });

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = [
  ...Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ where: `${method.toUpperCase()} ${path}`, path, item, method, op: item[method] }))),
  ...Object.entries(spec.webhooks).flatMap(([name, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ where: `webhook ${name}`, path: null, item, method, op: item[method] }))),
];
const deref = (node) => (node?.$ref ? deref(resolvePointer(spec, node.$ref)) : node);

/** Every `[key, value, parent, path]` in `node`, depth first. */
function* walk(node, path = '#') {
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const here = `${path}/${key}`;
    yield [key, value, node, here];
    yield* walk(value, here);
  }
}

/** The strings of `impl <name> { fn as_str … match self { Self::X => "x", … } }` in a Rust file. */
function rustSpellings(file, name) {
  const text = source(file);
  const block = text.match(new RegExp(`impl ${name} \\{[\\s\\S]*?fn as_str[\\s\\S]*?match self \\{([\\s\\S]*?)\\n\\s*\\}`));
  assert.ok(block, `${name}::as_str in ${file}`);
  return [...block[1].matchAll(/=>\s*"([^"]+)"/g)].map((m) => m[1]);
}

const schema = (name) => spec.components.schemas[name];
const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const HASH = 'B'.repeat(43);
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const answer = (method, path, status, body, headers = JSON_HEADERS) =>
  checker.check({ method, path, status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

// ---------------------------------------------------------------------------------------
// The document

test('an OpenAPI 3.1.0 document for the local edge', () => {
  assert.equal(spec.openapi, '3.1.0');
  assert.equal(typeof spec.info.title, 'string');
  assert.equal(typeof spec.info.version, 'string');
  assert.deepEqual(spec.servers.map((s) => s.url), ['http://localhost:8787']);
  for (const path of Object.keys(spec.paths)) assert.match(path, /^\//, path);
  assert.ok(Object.keys(spec.webhooks).length > 0, 'webhooks are described');
});

test('every $ref resolves inside the document', () => {
  let refs = 0;
  for (const [key, value, , where] of walk(spec)) {
    if (key !== '$ref') continue;
    refs += 1;
    assert.match(value, /^#\//, `${where}: only local references`);
    assert.notEqual(resolvePointer(spec, value), undefined, `${where}: ${value} does not resolve`);
  }
  assert.ok(refs > 100, `${refs} references walked`);
});

test('every operation: a unique operationId, a summary, responses with descriptions and valid status keys', () => {
  const ids = new Set();
  for (const { where, op } of operations) {
    assert.equal(typeof op.operationId, 'string', `${where}: operationId`);
    assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} is not unique`);
    ids.add(op.operationId);
    assert.equal(typeof op.summary, 'string', `${where}: summary`);
    const responses = Object.entries(op.responses ?? {});
    assert.ok(responses.length > 0, `${where}: responses`);
    for (const [status, response] of responses) {
      assert.match(status, /^([1-5]\d\d|[1-5]XX|default)$/, `${where}: status key ${status}`);
      assert.equal(typeof deref(response).description, 'string', `${where} ${status}: description`);
    }
  }
  assert.ok(ids.size >= 20, `${ids.size} operations`);
});

test('path templates and path parameters agree', () => {
  for (const [path, item] of Object.entries(spec.paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const method of METHODS.filter((m) => item[m])) {
      const params = [...(item.parameters ?? []), ...(item[method].parameters ?? [])].map(deref);
      const inPath = params.filter((p) => p.in === 'path');
      assert.deepEqual(inPath.map((p) => p.name).sort(), names, `${method.toUpperCase()} ${path}`);
      for (const p of inPath) assert.equal(p.required, true, `${path}: ${p.name} is required`);
    }
  }
});

test('security: RP API key on the RP API, the status token on /v1/status, nothing on the device API', () => {
  const schemes = spec.components.securitySchemes;
  for (const { where, op } of operations) {
    assert.ok(Array.isArray(op.security), `${where}: security is explicit`);
    for (const requirement of op.security) {
      for (const name of Object.keys(requirement)) assert.ok(schemes[name], `${where}: scheme ${name}`);
    }
    const names = op.security.flatMap((r) => Object.keys(r));
    if (op.tags.includes('rp')) assert.deepEqual(names, ['rpApiKey'], where);
    if (op.tags.includes('device')) assert.deepEqual(names, [], where);
  }
  assert.deepEqual(schemes.rpApiKey, { ...schemes.rpApiKey, type: 'http', scheme: 'bearer' });
  assert.deepEqual(spec.paths['/v1/status/{request_id}'].get.security, [{ statusToken: [] }]);
  assert.deepEqual(spec.paths['/v1/status/{request_id}/live'].get.security, [{ statusTokenQuery: [] }]);
  assert.equal(schemes.statusTokenQuery.in, 'query');
  assert.equal(schemes.statusTokenQuery.name, 'token');
});

test('the live status is a WebSocket upgrade (101) whose messages are the status object', () => {
  const live = spec.paths['/v1/status/{request_id}/live'].get;
  assert.ok(live.responses['101']);
  assert.equal(live.responses['101'].content, undefined);
  assert.equal(deref(live['x-websocket-message']), schema('StatusView'));
});

test('request and response objects forbid unknown members (WebAuthn credentials excepted)', () => {
  // Browsers may add members to what they produce; the edge ignores them there (and only
  // there), as pkg/webauthn does.
  const open = new Set(['RegistrationResponseJSON', 'AuthenticationResponseJSON', 'PushPlaintext']);
  const closed = (node) => node?.additionalProperties === false;
  // An overlay narrows a closed base (`allOf: [{$ref}]`, maybe itself an overlay) without
  // defining members of its own.
  const overlay = (node) => !closed(node)
    && (node.allOf ?? []).some((s) => s.$ref && (closed(deref(s)) || overlay(deref(s))));
  let checked = 0;
  for (const [name, s] of Object.entries(spec.components.schemas)) {
    if (open.has(name)) continue;
    const skip = [];
    for (const [key, value, parent, where] of walk({ [name]: s })) {
      if (skip.some((p) => where.startsWith(p))) continue;
      // Conditionals and overlays constrain, they do not define.
      if (['if', 'then', 'else', 'not'].includes(key) || (value && typeof value === 'object' && overlay(value))) {
        skip.push(`${where}/`);
        continue;
      }
      if (key === 'properties' && parent.type === 'object') {
        checked += 1;
        assert.ok(closed(parent), `${where}: additionalProperties must be false`);
      }
    }
  }
  assert.ok(checked > 40, `${checked} object schemas checked`);
  // Every JSON body (request or answer) of an operation is a closed object.
  for (const { where, op } of operations) {
    const bodies = [op.requestBody, ...Object.values(op.responses)].map(deref).filter(Boolean);
    for (const body of bodies) {
      const s = body.content?.['application/json']?.schema;
      if (!s) continue;
      const target = deref(s);
      assert.ok(closed(target) || overlay(target), `${where}: ${JSON.stringify(s)} admits unknown members`);
    }
  }
});

test('every JSON body an operation takes is limited as SPEC §10 says: 400, 413 and 415 described', () => {
  for (const { where, op, path } of operations) {
    if (!path || !op.requestBody) continue;
    for (const status of ['400', '413', '415', '500']) assert.ok(op.responses[status], `${where}: ${status}`);
  }
  for (const { where, op } of operations.filter((o) => o.op.tags.includes('rp'))) {
    assert.ok(op.responses['401'], `${where}: 401`);
  }
});

// ---------------------------------------------------------------------------------------
// Agreement with the code

test('every route of edge/src/router.rs is described, with each of its methods', () => {
  const router = source('edge/src/router.rs');
  const arms = [...router.matchAll(/\[\s*((?:"[^"]*"|\w+)(?:\s*,\s*(?:"[^"]*"|\w+))*)\s*,?\s*\]\s*=>\s*match method \{([\s\S]*?)_\s*=>/g)];
  assert.equal(arms.length, router.match(/=>\s*match method/g).length, 'every route arm of router.rs is read');
  assert.ok(arms.length >= 19, `${arms.length} routes found in router.rs`);
  const described = new Map(Object.entries(spec.paths).map(([p, item]) => [p.replace(/\{[^}]+\}/g, '{}'), item]));
  for (const [, segments, body] of arms) {
    const path = `/${segments.split(',').map((s) => s.trim()).map((s) => (s.startsWith('"') ? s.slice(1, -1) : '{}')).join('/')}`;
    const item = described.get(path);
    assert.ok(item, `${path} is served but not described`);
    const methods = [...body.matchAll(/Method::(\w+)\s*=>/g)].map((m) => m[1].toLowerCase());
    assert.ok(methods.length > 0, path);
    for (const method of methods) assert.ok(item[method], `${method.toUpperCase()} ${path} is served but not described`);
  }
});

test('the enums are the wire spellings of pkg/proto and pkg/webhook', () => {
  const pairs = [
    ['Status', 'pkg/proto/src/api/status.rs', 'Status'],
    ['Reason', 'pkg/proto/src/api/status.rs', 'Reason'],
    ['Mode', 'pkg/proto/src/api/status.rs', 'Mode'],
    ['ActivationState', 'pkg/proto/src/api/status.rs', 'ActivationState'],
    ['Kind', 'pkg/proto/src/content.rs', 'Kind'],
    ['Decision', 'pkg/proto/src/content.rs', 'Decision'],
    ['DenyReason', 'pkg/proto/src/content.rs', 'DenyReason'],
    ['ErrorCode', 'pkg/proto/src/api/errors.rs', 'ErrorCode'],
    ['WebhookEventType', 'pkg/webhook/src/event.rs', 'EventType'],
  ];
  for (const [name, file, rust] of pairs) {
    assert.deepEqual([...schema(name).enum].sort(), rustSpellings(file, rust).sort(), name);
  }
  assert.deepEqual(Object.keys(spec.webhooks).sort(), [...schema('WebhookEventType').enum].sort());
});

test('each error status admits exactly the codes pkg/proto answers with it (SPEC §11)', () => {
  const errors = source('pkg/proto/src/api/errors.rs');
  const block = errors.match(/fn http_status\(self\) -> u16 \{\s*match self \{([\s\S]*?)\n\s*\}/)[1];
  const codeOf = Object.fromEntries(rustSpellings('pkg/proto/src/api/errors.rs', 'ErrorCode')
    .map((code) => [code.replace(/(^|_)(\w)/g, (_, __, c) => c.toUpperCase()), code]));
  const byStatus = {};
  for (const [, variants, status] of block.matchAll(/((?:Self::\w+\s*\|?\s*)+)=>\s*(\d{3})/g)) {
    byStatus[status] = [...variants.matchAll(/Self::(\w+)/g)].map((m) => codeOf[m[1]]);
  }
  assert.equal(Object.values(byStatus).flat().length, 16);
  for (const [status, codes] of Object.entries(byStatus)) {
    const s = schema(`ErrorBody${status}`);
    assert.ok(s, `ErrorBody${status}`);
    assert.deepEqual([...s.properties.error.properties.code.enum].sort(), codes.sort(), status);
  }
  // And every error answer of an operation uses the schema of its status.
  for (const { where, op, path } of operations) {
    if (!path) continue;
    for (const [status, response] of Object.entries(op.responses)) {
      if (!/^(4\d\d|500)$/.test(status)) continue;
      const s = deref(response).content['application/json'].schema;
      const named = s.$ref ?? s.allOf[0].$ref;
      assert.equal(named, `#/components/schemas/ErrorBody${status}`, `${where} ${status}`);
    }
  }
});

// ---------------------------------------------------------------------------------------
// The checker

const created = {
  request_id: ID, status: 'pending', created_at: 1_800_000_000, expires_at: 1_800_000_120,
  binding_code: '42', status_token: HASH, request_hash: HASH, devices: 1, devices_notified: 1,
};

test('checker: correct answers pass', () => {
  assert.deepEqual(answer('POST', '/v1/requests', 201, created).errors, []);
  assert.equal(answer('POST', '/v1/requests', 201, created).operation, 'createRequest');
  assert.deepEqual(answer('POST', '/v1/requests', 201, { ...created, binding_code: null }).errors, []);
  assert.deepEqual(answer('GET', `/v1/requests/${ID}`, 200, {
    request_id: ID, kind: 'sign', status: 'denied', created_at: 1, expires_at: 2, decided_at: 2,
    device_id: ID, reason: 'binding_mismatch', receipt: 'a.b.c',
  }).errors, []);
  assert.deepEqual(answer('GET', `/v1/requests/${ID}`, 200, {
    request_id: ID, kind: 'login', status: 'cancelled', created_at: 1, expires_at: 2, reason: 'superseded',
  }).errors, []);
  assert.deepEqual(answer('POST', `/v1/device/${ID}/requests/${ID}/decision`, 200, { status: 'approved', receipt: null }).errors, []);
  assert.deepEqual(answer('GET', `/v1/device/${ID}/pending`, 200, { pending: [] }).errors, []);
  assert.deepEqual(answer('GET', `/v1/device/${ID}/pending`, 200, { pending: [{ request_id: ID, kind: 'sign', expires_at: 2 }] }).errors, []);
  assert.deepEqual(answer('GET', `/v1/activations/${ID}`, 404, { error: { code: 'not_found', message: 'no such activation' } }).errors, []);
  assert.deepEqual(answer('POST', '/v1/requests', 429, { error: { code: 'account_frozen', message: 'm' } },
    { ...JSON_HEADERS, 'retry-after': '1200' }).errors, []);
  assert.deepEqual(answer('OPTIONS', `/v1/status/${ID}`, 204, '', {
    'access-control-allow-origin': 'https://bank.example', 'access-control-allow-methods': 'GET',
    'access-control-allow-headers': 'Authorization',
  }).errors, []);
});

test('checker: an extra member, a wrong type, a broken pattern or a missing member is flagged', () => {
  const extra = answer('POST', '/v1/requests', 201, { ...created, debug: true }).errors;
  assert.equal(extra.length, 1);
  assert.match(extra[0], /additional properties "debug"/);
  assert.match(answer('POST', '/v1/requests', 201, { ...created, expires_at: '1800000120' }).errors.join(), /\/expires_at must be integer/);
  assert.match(answer('POST', '/v1/requests', 201, { ...created, binding_code: '123' }).errors.join(), /\/binding_code/);
  assert.match(answer('POST', '/v1/requests', 201, { ...created, request_id: 'short' }).errors.join(), /\/request_id must match pattern/);
  const { devices: _, ...missing } = created;
  assert.match(answer('POST', '/v1/requests', 201, missing).errors.join(), /required property 'devices'/);
  // Nested objects are closed too.
  const finish = {
    device_id: ID,
    account: { rp_id: 'demo', rp_name: 'Example Bank', user_name: 'alice', display_name: 'Alice', mode: 'gateway', admin: true },
  };
  assert.match(answer('POST', '/v1/device/activate/finish', 200, finish).errors.join(), /\/account must NOT have additional properties "admin"/);
  assert.match(answer('POST', '/v1/device/activate/finish', 200, { ...finish, account: { ...finish.account, admin: undefined, mode: 'open' } }).errors.join(), /\/account\/mode/);
  // The pending list carries no more than a push: a title would be flagged.
  const entry = { request_id: ID, kind: 'login', expires_at: 2 };
  assert.match(answer('GET', `/v1/device/${ID}/pending`, 200, { pending: [{ ...entry, title: 'Sign in' }] }).errors.join(), /\/pending\/0 must NOT have additional properties "title"/);
  assert.match(answer('GET', `/v1/device/${ID}/pending`, 200, { pending: [{ ...entry, kind: 'pay' }] }).errors.join(), /\/pending\/0\/kind/);
  assert.match(answer('GET', `/v1/device/${ID}/pending`, 200, {}).errors.join(), /required property 'pending'/);
});

test('checker: status, reason and decision time must go together', () => {
  const base = { request_id: ID, kind: 'login', created_at: 1, expires_at: 2 };
  const errors = (body) => answer('GET', `/v1/requests/${ID}`, 200, { ...base, ...body }).errors.join('\n');
  assert.match(errors({ status: 'denied', decided_at: 2, device_id: ID }), /required property 'reason'/);
  assert.match(errors({ status: 'cancelled', reason: 'fraud' }), /\/reason must be equal to one of the allowed values/);
  assert.match(errors({ status: 'approved', decided_at: 2, device_id: ID, reason: 'rp' }), /must NOT be valid/);
  assert.match(errors({ status: 'pending', decided_at: 2 }), /must NOT be valid/);
  assert.match(errors({ status: 'approved', device_id: ID }), /required property 'decided_at'/);
  assert.equal(errors({ status: 'expired' }), '');
});

test('checker: an undescribed status, a code of another status, a missing header or media type is flagged', () => {
  assert.match(answer('GET', `/v1/requests/${ID}`, 418, { error: { code: 'internal', message: 'm' } }).errors.join(), /status 418 is not described/);
  assert.match(answer('GET', `/v1/requests/${ID}`, 404, { error: { code: 'unauthorized', message: 'm' } }).errors.join(), /\/error\/code/);
  assert.match(answer('GET', `/v1/requests/${ID}`, 404, { error: { code: 'not_found', message: 'm', stack: 'at …' } }).errors.join(), /"stack"/);
  assert.match(answer('POST', '/v1/requests', 429, { error: { code: 'rate_limited', message: 'm' } }).errors.join(), /header Retry-After is required/);
  assert.match(answer('POST', '/v1/requests', 429, { error: { code: 'rate_limited', message: 'm' } }, { ...JSON_HEADERS, 'retry-after': 'soon' }).errors.join(), /header Retry-After/);
  assert.match(answer('GET', `/v1/requests/${ID}`, 500, 'Internal Server Error', { 'content-type': 'text/plain' }).errors.join(), /Content-Type "text\/plain" is not described/);
  assert.match(answer('GET', `/v1/requests/${ID}`, 500, '{"error":', JSON_HEADERS).errors.join(), /not JSON/);
  assert.match(answer('OPTIONS', `/v1/status/${ID}`, 204, '', {}).errors.join(), /header Access-Control-Allow-Origin is required/);
});

test('checker: paths and methods the document does not describe', () => {
  const unknown = answer('GET', '/v1/nothing-here', 404, { error: { code: 'not_found', message: 'no such endpoint' } });
  assert.deepEqual(unknown, { operation: NOT_DESCRIBED, template: null, errors: [] });
  const wrongMethod = answer('DELETE', `/v1/activations/${ID}`, 405, { error: { code: 'method_not_allowed', message: 'allowed methods: GET' } });
  assert.deepEqual(wrongMethod.errors, []);
  assert.equal(wrongMethod.template, '/v1/activations/{activation_id}');
  assert.match(answer('GET', '/v1/nothing-here', 404, { error: { code: 'not_found' } }).errors.join(), /required property 'message'/);
  assert.match(answer('GET', '/v1/secret', 200, { ok: true }).errors.join(), /is not described, yet answered 200/);
  assert.match(answer('GET', '/v1/x', 404, '<h1>Not found</h1>', { 'content-type': 'text/html' }).errors.join(), /text\/html/);
  // Outside the Worker's paths: the app's static files, only counted.
  assert.deepEqual(answer('GET', '/some/page', 200, '<html></html>', { 'content-type': 'text/html' }),
    { operation: STATIC, template: null, errors: [] });
});

test('checker: literal path segments win over templates', () => {
  const op = (method, path) => checker.route(method, path).operation?.operationId;
  assert.equal(op('POST', '/v1/device/activate/begin'), 'activateBegin');
  assert.equal(op('POST', '/v1/device/activate/finish'), 'activateFinish');
  assert.equal(op('POST', `/v1/device/${ID}/inbox/challenge`), 'inboxChallenge');
  assert.equal(op('POST', `/v1/device/${ID}/inbox`), 'inboxOpen');
  assert.equal(op('GET', `/v1/device/${ID}/pending`), 'listPendingRequests');
  assert.equal(op('GET', `/v1/status/${ID}/live`), 'liveStatus');
  assert.equal(op('OPTIONS', `/v1/status/${ID}`), 'statusPreflight');
  assert.equal(op('DELETE', `/v1/users/alice%40example.com/devices/${ID}`), 'removeDevice');
  assert.equal(op('GET', '/'), 'getApp');
});

test('checker: webhook payloads and WebSocket messages', () => {
  const approved = {
    id: ID, type: 'request.approved', created_at: 1,
    data: { request_id: ID, kind: 'login', status: 'approved', created_at: 1, expires_at: 2, decided_at: 2, device_id: ID, receipt: 'a.b.c' },
  };
  assert.deepEqual(checker.checkWebhook('request.approved', approved), []);
  assert.notDeepEqual(checker.checkWebhook('request.approved', { ...approved, data: { ...approved.data, status: 'denied', reason: 'rejected' } }), []);
  assert.notDeepEqual(checker.checkWebhook('request.denied', approved), []);
  assert.match(checker.checkWebhook('device.locked', { id: ID, type: 'device.locked', created_at: 1, data: { user_id: 'alice', device_id: ID, why: 'x' } }).join(), /"why"/);
  assert.match(checker.checkWebhook('device.exploded', approved).join(), /not described/);
  const live = `/v1/status/${ID}/live`;
  assert.deepEqual(checker.checkMessage(live, JSON.stringify({ status: 'pending', expires_at: 2, binding_code: null })).errors, []);
  assert.match(checker.checkMessage(live, JSON.stringify({ status: 'pending', expires_at: 2 })).errors.join(), /binding_code/);
  assert.match(checker.checkMessage(`/v1/requests/${ID}`, '{}').errors.join(), /no WebSocket messages/);
});

test('installConformance: wraps fetch for one origin, leaves bodies readable, collects and reports', async () => {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === `/v1/activations/${ID}`) {
      res.end(JSON.stringify({ activation_id: ID, status: 'pending', leaked: 'x' }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such endpoint' } }));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  const original = globalThis.fetch;
  const OriginalWebSocket = globalThis.WebSocket;
  const exitCode = process.exitCode;
  const monitor = installConformance(url);
  try {
    assert.notEqual(globalThis.fetch, original);
    assert.ok(new URL(`${url}/`).origin === monitor.origin);
    assert.notEqual(globalThis.WebSocket, OriginalWebSocket);
    const r = await fetch(`${url}/v1/activations/${ID}`, { headers: { Authorization: 'Bearer k' } });
    assert.equal((await r.json()).leaked, 'x', 'the caller still reads the body');
    assert.equal((await fetch(new URL(`${url}/v1/nothing`))).status, 404);
    assert.deepEqual(monitor.counts(), { getActivation: 1, [NOT_DESCRIBED]: 1 });
    const [v, ...more] = monitor.violations();
    assert.deepEqual(more, []);
    assert.deepEqual({ ...v, errors: undefined }, {
      method: 'GET', path: `/v1/activations/${ID}`, status: 200, operation: 'getActivation', errors: undefined,
      body: JSON.stringify({ activation_id: ID, status: 'pending', leaked: 'x' }),
    });
    assert.match(v.errors.join(), /additional properties "leaked"/);
    let printed = '';
    const sink = new Writable({ write(chunk, _, done) { printed += chunk; done(); } });
    assert.equal(monitor.report({ stream: sink }), false);
    assert.match(printed, /2 answers .* 1 violation/);
    assert.match(printed, /conformance violation: GET \/v1\/activations\/\S+ -> 200 \(getActivation\)/);
    assert.equal(process.exitCode, 1, 'a violation fails the test file');
  } finally {
    process.exitCode = exitCode;
    monitor.uninstall();
    await new Promise((ok) => server.close(ok));
  }
  assert.equal(globalThis.fetch, original, 'uninstall restores fetch');
  assert.equal(globalThis.WebSocket, OriginalWebSocket, 'and WebSocket');
});
