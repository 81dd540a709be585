// Checks the edge's answers against docs/openapi.json (OpenAPI 3.1, JSON Schema 2020-12).
//
//   const monitor = installConformance(edge.url);   // wraps globalThis.fetch and WebSocket
//   ... tests call fetch(`${edge.url}/...`) as usual ...
//   monitor.report();                               // prints; exit code 1 on violations
//
// Every answer from `edgeUrl` is checked against the operation's response for its status:
// the status must be described, the media type must be the described one, the JSON body must
// match the schema (unknown members included: response schemas forbid them), and required
// headers (`Retry-After` on 429…) must be there. An answer from a path or method the document
// does not describe must be a SPEC §11 error body when the path is one the Worker answers
// (wrangler.toml's `run_worker_first`: a deliberately unknown API path answered 404); any
// other path is a static file of the app (the SPA fallback) and is only counted.
// Violations are collected, never thrown: tests keep their own assertions, and the report
// makes the test file fail at the end (wrangler.mjs's `stop()` calls it). WebSockets opened
// with the global `WebSocket` are checked too: the `101`, and each message against the
// operation's `x-websocket-message` schema.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const root = resolve(import.meta.dirname, '../../..');
export const SPEC_PATH = resolve(root, 'docs/openapi.json');

/** The OpenAPI document, parsed. */
export function loadSpec(path = SPEC_PATH) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * The path patterns the Worker answers before static assets (wrangler.toml `[assets]`
 * `run_worker_first`, e.g. `/v1/*`); every other path is a static file or the app. Without
 * that setting every path reaches the Worker: `['/*']`.
 */
export function loadWorkerPaths(path = resolve(root, 'wrangler.toml')) {
  const match = readFileSync(path, 'utf8').match(/^run_worker_first\s*=\s*\[([^\]]*)\]/m);
  if (!match) return ['/*'];
  return [...match[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
}

/** A wrangler route pattern (`*` matches anything, even `/`) as a RegExp. */
const patternRegex = (pattern) =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

// Where the component schemas live for Ajv: `#/components/schemas/X` becomes `SCHEMAS#/$defs/X`.
const SCHEMAS = 'urn:assent:openapi:schemas';
const COMPONENT_SCHEMA = '#/components/schemas/';
const BODY_EXCERPT = 400;
/** The `operation` of an answer to a Worker path or method the document does not describe. */
export const NOT_DESCRIBED = '(not described)';
/** The `operation` of an answer outside the Worker's paths: a static file or the app. */
export const STATIC = '(static asset)';

/** The value at a local JSON pointer (`#/a/b~1c`) of `doc`, or undefined. */
export function resolvePointer(doc, ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  const tokens = ref.slice(1).split('/').slice(1)
    .map((t) => decodeURIComponent(t).replaceAll('~1', '/').replaceAll('~0', '~'));
  let node = doc;
  for (const token of tokens) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return node;
}

/** Follows OpenAPI-level `$ref`s (responses, parameters, headers) to the object itself. */
function deref(doc, node) {
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) throw new Error(`circular $ref ${node.$ref}`);
    seen.add(node.$ref);
    const target = resolvePointer(doc, node.$ref);
    if (target === undefined) throw new Error(`unresolved $ref ${node.$ref}`);
    node = target;
  }
  return node;
}

/** A copy of `schema` whose component `$ref`s point into the schema set Ajv holds. */
function forAjv(schema) {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [
    k,
    k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENT_SCHEMA)
      ? `${SCHEMAS}#/$defs/${v.slice(COMPONENT_SCHEMA.length)}`
      : forAjv(v),
  ]));
}

/** One Ajv error as text: where, what, and the detail Ajv keeps in `params`. */
function describeError(e) {
  const where = e.instancePath === '' ? '(body)' : e.instancePath;
  const detail = e.params?.additionalProperty !== undefined ? ` "${e.params.additionalProperty}"`
    : e.params?.allowedValues !== undefined ? ` ${JSON.stringify(e.params.allowedValues)}`
      : e.params?.allowedValue !== undefined ? ` ${JSON.stringify(e.params.allowedValue)}`
        : '';
  return `${where} ${e.message}${detail}`;
}

/** The media type of a Content-Type value, lower case, without parameters. */
const mediaType = (value) => (value ?? '').split(';')[0].trim().toLowerCase();

/**
 * A checker for answers described by `spec`, in Ajv strict mode (an unknown keyword or a
 * type mistake is an error, not a silent pass). Schemas compile when first used, or all up
 * front with `compileAll` (openapi.test.mjs does that).
 *
 * `check({method, path, status, headers, body})` → `{operation, errors}`: `path` is the
 * URL's pathname, `headers` a `Headers` or a plain object, `body` the body text.
 * `operation` is the operationId, `NOT_DESCRIBED` for an answer of the Worker to a
 * path/method the document does not describe, `STATIC` for a static file or the app.
 * `checkWebhook(type, event)` → errors of a webhook payload. `workerPaths`: see
 * `loadWorkerPaths`.
 */
export function createChecker(spec = loadSpec(), { workerPaths = loadWorkerPaths(), compileAll = false } = {}) {
  const worker = workerPaths.map(patternRegex);
  // Strict, except `required` inside `if`/`then`, which names members defined alongside.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SCHEMAS, $defs: forAjv(spec.components?.schemas ?? {}) });
  if (compileAll) {
    for (const name of Object.keys(spec.components?.schemas ?? {})) {
      if (!ajv.getSchema(`${SCHEMAS}#/$defs/${name}`)) throw new Error(`schema ${name} does not compile`);
    }
  }
  const compiled = new Map();
  const validator = (schema) => {
    const key = JSON.stringify(schema);
    if (!compiled.has(key)) compiled.set(key, ajv.compile(forAjv(schema)));
    return compiled.get(key);
  };
  const validate = (schema, value) => {
    const fn = validator(schema);
    // An `if` failure only says "must match the then schema"; the errors inside say why.
    return fn(value) ? [] : fn.errors.filter((e) => e.keyword !== 'if').map(describeError);
  };
  const errorSchema = { $ref: `${COMPONENT_SCHEMA}ErrorBody` };

  // Path templates, most literal segments first, so `/v1/device/activate/begin` is never
  // taken for `/v1/device/{device_id}/…`.
  const routes = Object.entries(spec.paths ?? {}).map(([template, item]) => {
    const segments = template.split('/');
    const pattern = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    return {
      template, item, regex: new RegExp(`^${pattern}$`),
      literals: segments.filter((s) => !s.startsWith('{')).length,
    };
  }).sort((a, b) => b.literals - a.literals);

  /** The path template and operation for `method` `path` (either may be missing). */
  function route(method, path) {
    const found = routes.find((r) => r.regex.test(path));
    if (!found) return { template: null, operation: null };
    const operation = found.item[method.toLowerCase()] ?? null;
    return { template: found.template, operation };
  }

  function responseFor(operation, status) {
    const all = operation.responses ?? {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => Object.hasOwn(all, k));
    return key === undefined ? null : deref(spec, all[key]);
  }

  const header = (headers, name) => (typeof headers?.get === 'function'
    ? headers.get(name)
    : Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? null);

  function checkHeaders(response, headers) {
    const errors = [];
    for (const [name, raw] of Object.entries(response.headers ?? {})) {
      const h = deref(spec, raw);
      const value = header(headers, name);
      if (value === null || value === undefined) {
        if (h.required) errors.push(`header ${name} is required`);
        continue;
      }
      if (h.schema) {
        const typed = h.schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
        errors.push(...validate(h.schema, typed).map((e) => `header ${name}: ${e.replace('(body) ', '')}`));
      }
    }
    return errors;
  }

  function checkBody(content, headers, body) {
    if (!content || Object.keys(content).length === 0) {
      return body ? [`no body is described, got ${body.length} bytes`] : [];
    }
    const type = mediaType(header(headers, 'content-type'));
    const media = content[type];
    if (!media) {
      return [`Content-Type ${JSON.stringify(type || null)} is not described (${Object.keys(content).join(', ')})`];
    }
    if (type !== 'application/json' || !media.schema) return [];
    let value;
    try {
      value = JSON.parse(body);
    } catch {
      return ['the body is not JSON'];
    }
    return validate(media.schema, value);
  }

  function check({ method, path, status, headers, body = '' }) {
    const { template, operation } = route(method, path);
    if (!operation && !worker.some((r) => r.test(path))) {
      return { operation: STATIC, template, errors: [] };
    }
    if (!operation) {
      // Not described: the only acceptable answer is a SPEC §11 error.
      const errors = status >= 400 ? [] : [`${method} ${template ?? path} is not described, yet answered ${status}`];
      errors.push(...checkBody({ 'application/json': { schema: errorSchema } }, headers, body));
      return { operation: NOT_DESCRIBED, template, errors };
    }
    const response = responseFor(operation, status);
    if (!response) {
      const described = Object.keys(operation.responses ?? {}).join(', ');
      return { operation: operation.operationId, template, errors: [`status ${status} is not described (described: ${described})`] };
    }
    return {
      operation: operation.operationId,
      template,
      errors: [...checkHeaders(response, headers), ...checkBody(response.content, headers, body)],
    };
  }

  /**
   * Errors of one WebSocket message (text) received on `path`, against the GET operation's
   * `x-websocket-message` schema.
   */
  function checkMessage(path, data) {
    const { operation } = route('GET', path);
    const schema = operation?.['x-websocket-message'];
    if (!schema) return { operation: operation?.operationId ?? NOT_DESCRIBED, errors: [`no WebSocket messages are described for ${path}`] };
    let value;
    try {
      value = JSON.parse(String(data));
    } catch {
      return { operation: operation.operationId, errors: ['the message is not JSON'] };
    }
    return { operation: operation.operationId, errors: validate(schema, value) };
  }

  /** Errors of a webhook `event` (parsed JSON) of `type`, against `webhooks[type]`. */
  function checkWebhook(type, event) {
    const operation = spec.webhooks?.[type]?.post;
    if (!operation) return [`webhook type ${JSON.stringify(type)} is not described`];
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    return validate(schema, event);
  }

  return { spec, route, check, checkMessage, checkWebhook, validate };
}

// ---------------------------------------------------------------------------------------
// The fetch and WebSocket wrappers

const state = { original: null, originalWebSocket: null, checker: null, monitors: new Set(), exitHook: false };

/** Every violation recorded by the installed monitors, oldest first. */
export function violations() {
  return [...state.monitors].flatMap((m) => m.violations());
}

function excerpt(text) {
  return text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}…` : text;
}

async function conformingFetch(input, init) {
  const response = await state.original.call(globalThis, input, init);
  let url;
  try {
    url = new URL(input instanceof Request ? input.url : String(input));
  } catch {
    return response;
  }
  const monitor = [...state.monitors].find((m) => m.origin === url.origin);
  if (!monitor) return response;
  const method = String(init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  // Read a clone, so the caller still has the body; awaited so that a violation is on
  // record before the test goes on (edge answers are small and finite).
  let body = '';
  try {
    body = await response.clone().text();
  } catch (e) {
    monitor.record({ method, path: url.pathname, status: response.status, operation: NOT_DESCRIBED, errors: [`body unreadable: ${e.message}`], body: '' });
    return response;
  }
  let result;
  try {
    result = state.checker.check({ method, path: url.pathname, status: response.status, headers: response.headers, body });
  } catch (e) {
    result = { operation: NOT_DESCRIBED, errors: [`conformance check failed: ${e.stack ?? e}`] };
  }
  monitor.record({ method, path: url.pathname, status: response.status, operation: result.operation, errors: result.errors, body });
  return response;
}

/**
 * `globalThis.WebSocket` that also checks, for a monitored edge, the opening (a described
 * `101`) and every message against the operation's `x-websocket-message` schema.
 */
function conformingWebSocketClass(Base) {
  return class ConformingWebSocket extends Base {
    constructor(url, protocols) {
      super(url, protocols);
      const target = new URL(this.url);
      const origin = `${target.protocol === 'wss:' ? 'https:' : 'http:'}//${target.host}`;
      const monitor = [...state.monitors].find((m) => m.origin === origin);
      if (!monitor) return;
      const path = target.pathname;
      this.addEventListener('open', () => {
        const result = state.checker.check({ method: 'GET', path, status: 101, headers: {}, body: '' });
        monitor.record({ method: 'GET', path, status: 101, operation: result.operation, errors: result.errors, body: '' });
      });
      this.addEventListener('message', (event) => {
        const result = state.checker.checkMessage(path, event.data);
        monitor.record({ method: 'WS', path, status: 'message', operation: `${result.operation} message`, errors: result.errors, body: String(event.data) });
      });
    }
  };
}

function report(monitor, stream) {
  const found = monitor.violations();
  const counts = Object.entries(monitor.counts()).map(([op, n]) => `${op} ${n}`).join(', ');
  stream.write(`conformance: ${monitor.checked()} answers of ${monitor.origin} checked against docs/openapi.json (${counts || 'none'}): ${found.length} violation(s)\n`);
  for (const v of found) {
    stream.write(`conformance violation: ${v.method} ${v.path} -> ${v.status} (${v.operation}): ${v.errors.join('; ')}\n  body: ${v.body}\n`);
  }
  if (found.length > 0) process.exitCode = 1;
  return found.length === 0;
}

/**
 * Starts checking every answer from `edgeUrl`'s origin; wraps `globalThis.fetch` (and
 * `WebSocket`) once per process. Returns a monitor:
 * - `violations()` → `[{method, path, status, operation, errors, body}]` (body excerpt);
 * - `counts()` → answers checked per operationId (or `NOT_DESCRIBED`, `STATIC`; WebSocket
 *   messages as `<operationId> message`); `checked()` → their total;
 * - `report({stream})` → prints a summary and each violation, sets `process.exitCode = 1`
 *   when there is one, and returns true when there is none;
 * - `uninstall()` → stops checking this origin, discarding what it found; the original
 *   fetch and WebSocket come back when no monitor is left.
 *
 * Violations never reported by `report()` are reported when the process exits.
 */
export function installConformance(edgeUrl) {
  const origin = new URL(edgeUrl).origin;
  state.checker ??= createChecker();
  const found = [];
  const counts = new Map();
  let reportedUpTo = 0;
  const monitor = {
    origin,
    record({ method, path, status, operation, errors, body }) {
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      if (errors.length > 0) found.push({ method, path, status, operation, errors, body: excerpt(body) });
    },
    violations: () => [...found],
    counts: () => Object.fromEntries(counts),
    checked: () => [...counts.values()].reduce((a, b) => a + b, 0),
    report({ stream = process.stderr } = {}) {
      reportedUpTo = found.length;
      return report(monitor, stream);
    },
    get unreported() { return found.length - reportedUpTo; },
    uninstall() {
      state.monitors.delete(monitor);
      if (state.monitors.size === 0 && state.original) {
        globalThis.fetch = state.original;
        state.original = null;
        if (state.originalWebSocket) globalThis.WebSocket = state.originalWebSocket;
        state.originalWebSocket = null;
      }
    },
  };
  state.monitors.add(monitor);
  if (!state.original) {
    state.original = globalThis.fetch;
    globalThis.fetch = conformingFetch;
    if (typeof globalThis.WebSocket === 'function') {
      state.originalWebSocket = globalThis.WebSocket;
      globalThis.WebSocket = conformingWebSocketClass(state.originalWebSocket);
    }
  }
  if (!state.exitHook) {
    state.exitHook = true;
    process.once('exit', () => {
      for (const m of state.monitors) if (m.unreported > 0) m.report();
    });
  }
  return monitor;
}
