// The vocabulary of the corpus: the endpoints (edge/src/router.rs, one per arm), the
// categories of hostility, the expected SPEC §11 answers, and the generic rows every JSON
// endpoint gets (bad JSON, wrong content type, oversize bodies, unknown members).
import { padded, whitespacePadded } from './forge.mjs';

/** Every arm of edge/src/router.rs, plus the fall-through for unknown paths. */
export const ENDPOINTS = {
  healthz: '/healthz',
  jwks: '/.well-known/jwks.json',
  activations: '/v1/activations',
  activation: '/v1/activations/{activation_id}',
  begin: '/v1/device/activate/begin',
  finish: '/v1/device/activate/finish',
  requests: '/v1/requests',
  request: '/v1/requests/{request_id}',
  cancel: '/v1/requests/{request_id}/cancel',
  status: '/v1/status/{request_id}',
  live: '/v1/status/{request_id}/live',
  push: '/v1/device/{device_id}/push',
  deactivate: '/v1/device/{device_id}/deactivate',
  devices: '/v1/users/{user_id}/devices',
  device: '/v1/users/{user_id}/devices/{device_id}',
  challenge: '/v1/device/{device_id}/inbox/challenge',
  inbox: '/v1/device/{device_id}/inbox',
  pending: '/v1/device/{device_id}/pending',
  deviceRequest: '/v1/device/{device_id}/requests/{request_id}',
  decision: '/v1/device/{device_id}/requests/{request_id}/decision',
  none: '(no route)',
};

/** The kinds of hostility the corpus covers (issue 3 item 4, and the SPEC §10 limits). */
export const CATEGORIES = {
  json: 'bad JSON',
  type: 'wrong type',
  unknown: 'unknown member',
  value: 'invalid value',
  size: 'oversize body',
  media: 'wrong content type',
  key: 'missing or wrong API key or token',
  other: "another RP's or account's ids",
  forged: 'forged assertion or attestation',
  tampered: 'tampered assertion or attestation',
  replayed: 'replayed',
  origin: 'wrong origin or rpId',
  uv: 'UV or UP off',
  sealed: 'tampered sealed payload',
  expired: 'expired',
  unknownId: 'unknown or malformed id',
  method: 'wrong method',
  final: 'already final',
  mode: 'secure mode',
  abuse: 'abuse limits (SPEC §10)',
};

/** SPEC §11: each code with its status. */
export const ERR = {
  json: { status: 400, code: 'invalid_json' },
  invalid: { status: 400, code: 'invalid_request' },
  unauthorized: { status: 401, code: 'unauthorized' },
  forbidden: { status: 403, code: 'forbidden' },
  notFound: { status: 404, code: 'not_found' },
  method: { status: 405, code: 'method_not_allowed' },
  decided: { status: 409, code: 'already_decided' },
  expired: { status: 410, code: 'expired' },
  tooLarge: { status: 413, code: 'payload_too_large' },
  media: { status: 415, code: 'unsupported_media_type' },
  noDevices: { status: 422, code: 'no_devices' },
  attestation: { status: 422, code: 'invalid_attestation' },
  assertion: { status: 422, code: 'invalid_assertion' },
  rateLimited: { status: 429, code: 'rate_limited' },
  frozen: { status: 429, code: 'account_frozen' },
};

/** SPEC §10: bodies are at most 16 KiB. */
export const MAX_BODY = 16 * 1024;

/**
 * Syntactically broken bodies (SPEC §11 `invalid_json`), by name: functions of a member the
 * body really has and the JSON text of an acceptable body, so that the syntax error is the
 * body's first and only fault (a parser stops at the first error, syntax or not).
 */
export const BAD_JSON = {
  truncated: (member, valid) => valid.slice(0, -1),
  'trailing comma': (member, valid) => `${valid.slice(0, -1)},}`,
  'single quotes': (member) => `{'${member}': 'x'}`,
  'empty body': () => '',
  'not UTF-8': (member) => Buffer.concat([Buffer.from(`{"${member}": "`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
  NaN: (member) => `{"${member}": NaN}`,
  'two documents': (member, valid) => `${valid} {}`,
  'a comment': (member) => `{/* hi */ "${member}": "x"}`,
  'lone surrogate escape': (member) => `{"${member}": "\\ud800"}`,
  'unquoted member': (member) => `{${member}: "x"}`,
  'a bare word': () => 'undefined',
  'missing colon': (member) => `{"${member}" "x"}`,
};

/** Content types that are not JSON (SPEC §10: JSON only, `415`); `null` sends none. */
export const NOT_JSON = ['text/plain', null, 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'text/json', 'application/xml'];

/**
 * The generic rows of one JSON endpoint. `valid(fx)` (async) is a body the endpoint would
 * accept — so each row differs from an accepted call only by its one fault, and a fault the
 * edge failed to notice would show as a changed state. `json`: names in BAD_JSON; `media`:
 * entries of NOT_JSON; `member`: a member name the body really has; `stream`: also send an
 * oversize body chunked, without Content-Length.
 */
export function jsonRows({ endpoint, method, path, auth, valid, member, json, media, stream = false }) {
  const base = { endpoint, method, path, auth };
  const rows = [];
  for (const name of json) {
    rows.push({
      ...base, category: 'json', name: `bad JSON: ${name}`,
      prepare: async (fx) => ({ body: BAD_JSON[name](member, JSON.stringify(await valid(fx))) }),
      expect: ERR.json,
    });
  }
  for (const type of media) {
    rows.push({
      ...base, category: 'media', name: `Content-Type ${type ?? '(none)'} with an acceptable body`,
      prepare: async (fx) => ({ body: Buffer.from(JSON.stringify(await valid(fx))), headers: { 'Content-Type': type } }),
      expect: ERR.media,
    });
  }
  rows.push({
    ...base, category: 'size', name: `${MAX_BODY + 1} bytes: an acceptable body padded with spaces`,
    prepare: async (fx) => ({ body: whitespacePadded(await valid(fx), MAX_BODY + 1) }),
    expect: ERR.tooLarge,
  });
  rows.push({
    ...base, category: 'size', name: '64 KiB: an acceptable body with a huge member',
    prepare: async (fx) => ({ body: padded(await valid(fx), 64 * 1024) }),
    expect: ERR.tooLarge,
  });
  if (stream) {
    rows.push({
      ...base, category: 'size', name: '20 KiB chunked, without Content-Length', stream: true,
      prepare: async (fx) => ({ body: whitespacePadded(await valid(fx), 20 * 1024) }),
      expect: ERR.tooLarge,
    });
  }
  rows.push({
    ...base, category: 'unknown', name: 'an acceptable body plus an unknown member',
    prepare: async (fx) => ({ body: { ...(await valid(fx)), is_admin: true } }),
    expect: ERR.invalid,
  });
  rows.push({
    ...base, category: 'unknown', name: 'an acceptable body with a member spelled in another case',
    prepare: async (fx) => {
      const body = await valid(fx);
      const [first] = Object.keys(body);
      const { [first]: value, ...rest } = body;
      return { body: { [first.toUpperCase()]: value, ...rest } };
    },
    expect: ERR.invalid,
  });
  return rows;
}

/** `405 method_not_allowed` rows for each of `methods` on `path`. */
export function methodRows(endpoint, path, methods, extra = {}) {
  return methods.map((method) => ({
    endpoint, category: 'method', name: `${method} is not allowed`, method, path,
    ...(['POST', 'PUT', 'PATCH'].includes(method) ? { body: {} } : {}),
    ...extra, expect: ERR.method,
  }));
}
