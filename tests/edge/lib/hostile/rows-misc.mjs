// Hostile rows of the public endpoints (`/healthz`, the JWK Set), extension methods on read
// endpoints, and paths no route matches (within the Worker's paths: wrangler.toml
// `run_worker_first`; any other path is the app's, served by the static assets).
import { ENDPOINTS as E, ERR, methodRows } from './common.mjs';

const healthz = [
  ...methodRows(E.healthz, '/healthz', ['POST', 'PUT', 'DELETE', 'PATCH']),
  { endpoint: E.healthz, category: 'method', name: 'PROPFIND (an extension method) is not allowed', method: 'PROPFIND', path: '/healthz', expect: ERR.method },
];

const jwks = [
  ...methodRows(E.jwks, '/.well-known/jwks.json', ['POST', 'PUT', 'DELETE', 'PATCH']),
  { endpoint: E.jwks, category: 'method', name: 'PROPFIND (an extension method) is not allowed', method: 'PROPFIND', path: '/.well-known/jwks.json', expect: ERR.method },
];

// A read endpoint answering an extension method as if it were GET would hand out what GET
// does; each of these must be 405.
const extensionMethods = [
  [E.activation, 'MKCOL', (fx) => `/v1/activations/${fx.act.carol.id}`, 'demo'],
  [E.status, 'PROPFIND', (fx) => `/v1/status/${fx.req.PL.id}`, (fx) => ({ header: `Bearer ${fx.req.PL.token}` })],
  [E.devices, 'SEARCH', '/v1/users/alice/devices', 'demo'],
].map(([endpoint, method, path, auth]) => ({
  endpoint, category: 'method', name: `${method} (an extension method) is not allowed`, method, path, auth, expect: ERR.method,
}));

const unknownPaths = [
  '/v1/',
  '/v1/unknown',
  '/v1/Requests',
  '/v1//requests',
  '/v1/requests/x/y',
  (fx) => `/v1/requests/${fx.req.PL.id}/cancel/now`,
  (fx) => `/v1/status/${fx.req.PL.id}/live/x`,
  '/v1/users/alice',
  '/v1/users/alice/devices/x/y',
  '/v1/device',
  '/v1/device/activate',
  (fx) => `/v1/device/${fx.dev.G.deviceId}`,
  (fx) => `/v1/device/${fx.dev.G.deviceId}/requests`,
  (fx) => `/v1/device/${fx.dev.G.deviceId}/inbox/challenge/x`,
  '/v1/activations/x/status',
  '/.well-known/jwks',
  '/.well-known/openid-configuration',
].map((path, i) => ({
  endpoint: E.none, category: 'unknownId', name: `no such endpoint #${i + 1}${typeof path === 'string' ? ` (${path})` : ''}`,
  method: 'GET', path, auth: 'demo', expect: ERR.notFound,
}));

/** The rows of the public endpoints and of unknown paths. */
export const MISC_ROWS = [...healthz, ...jwks, ...extensionMethods, ...unknownPaths];
