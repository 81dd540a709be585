// Example Bank's server: enrolment, login with push, transfers with Push and Sign, and the
// webhook endpoint. Every decision is trusted only after its receipt verified against the
// edge's JWK Set AND matched what this bank asked for (SPEC §8) — the widget's live status
// is for the user's eyes; the receipt is what signs the user in or moves money.
import { RPS, edgeUrl, rpCredentials } from './src/config.mjs';
import { AssentApiError } from '../docs/integrators/example.mjs';
import { BankError, edgeFor } from './src/edge.mjs';
import { browserFromUserAgent, transferFields } from './src/requests.mjs';
import { checkReceipt, checkWebhook } from './src/verify.mjs';

const json = (body, status = 200) => new Response(JSON.stringify(body), {
  status,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
});
const problem = (status, code, message) => json({ error: { code, message } }, status);

async function readJson(request) {
  try {
    const body = await request.json();
    if (body && typeof body === 'object' && !Array.isArray(body)) return body;
  } catch { /* answered below */ }
  throw new BankError(400, 'invalid_json', 'the body must be a JSON object');
}

function credentialsFor(env, rp) {
  const creds = rpCredentials(env, rp);
  if (!creds) throw new BankError(400, 'invalid_request', `rp must be one of ${Object.keys(RPS).join(', ')}`);
  return creds;
}

function userId(body) {
  const id = typeof body.user_id === 'string' ? body.user_id.trim() : '';
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(id)) {
    throw new BankError(400, 'invalid_request', 'user_id: 1–64 letters, digits or . _ @ -');
  }
  return id;
}

const routes = {
  'GET /api/config': async (_request, env) => json({
    edge_url: edgeUrl(env),
    banks: Object.entries(RPS).map(([rp, { label }]) => ({ rp, label })),
  }),

  'POST /api/enrol': async (request, env) => {
    const body = await readJson(request);
    const creds = credentialsFor(env, body.rp);
    const user = userId(body);
    const displayName = typeof body.display_name === 'string' && body.display_name.trim() ? body.display_name.trim() : user;
    const created = await edgeFor(env, creds).createActivation({ user_id: user, user_name: user, display_name: displayName });
    await env.DEMO_KV.put(`activation:${created.activation_id}`, JSON.stringify({ rp: creds.rp, user_id: user }), { expirationTtl: 3600 });
    return json({ activation_id: created.activation_id, activation_url: created.activation_url, qr_svg: created.qr_svg, expires_at: created.expires_at });
  },

  'GET /api/enrol/:id': async (_request, env, id) => {
    const known = await env.DEMO_KV.get(`activation:${id}`, 'json');
    if (!known) throw new BankError(404, 'not_found', 'no such enrolment');
    const status = await edgeFor(env, credentialsFor(env, known.rp)).activationStatus(id);
    const webhook = await env.DEMO_KV.get(`activation-webhook:${id}`);
    return json({ ...status, user_id: known.user_id, rp: known.rp, webhook_received: webhook !== null });
  },

  'POST /api/login': async (request, env) => {
    const body = await readJson(request);
    const creds = credentialsFor(env, body.rp);
    const asked = {
      user_id: userId(body),
      kind: 'login',
      title: 'Sign in to Example Bank',
      context: contextOf(request),
    };
    return json(await ask(env, creds, asked));
  },

  'POST /api/transfer': async (request, env) => {
    const body = await readJson(request);
    const creds = credentialsFor(env, body.rp);
    const user = userId(body);
    const fields = transferFields(body);
    if (typeof fields === 'string') throw new BankError(400, 'invalid_request', fields);
    const asked = {
      user_id: user,
      kind: 'sign',
      title: 'Approve a transfer',
      context: contextOf(request),
      fields,
    };
    return json(await ask(env, creds, asked));
  },

  'GET /api/requests/:id': async (_request, env, id) => {
    const known = await env.DEMO_KV.get(`request:${id}`, 'json');
    if (!known) throw new BankError(404, 'not_found', 'this bank did not ask for that request');
    const creds = credentialsFor(env, known.rp);
    const status = await edgeFor(env, creds).getRequest(id);
    const answer = { request_id: id, kind: status.kind, status: status.status, reason: status.reason ?? null, verified: false };
    if (status.receipt) {
      const checked = await checkReceipt({ receipt: status.receipt, edgeUrl: edgeUrl(env), rp: known.rp, asked: known.asked, created: known.created });
      answer.verified = checked.ok;
      answer.receipt = checked.ok ? checked.summary : { error: checked.error };
    }
    // Signed in / money moved only on a verified approval. The receipt's own decision must say
    // so too: a receipt that verifies is not necessarily a "yes" (checkReceipt accepts a
    // verified deny), and the status beside it is only the edge's word.
    const approved = answer.status === 'approved' && answer.verified && answer.receipt.decision === 'approve';
    answer.signed_in = known.asked.kind === 'login' && approved;
    answer.executed = known.asked.kind === 'sign' && approved;
    return json(answer);
  },

  'POST /webhooks/:rp': async (request, env, rp) => {
    const creds = rpCredentials(env, rp);
    if (!creds?.webhookSecret) return problem(404, 'not_found', 'no webhook for that RP');
    const raw = await request.text();
    const verified = checkWebhook({ secret: creds.webhookSecret, header: request.headers.get('Assent-Signature'), body: raw });
    if (!verified.ok) return problem(400, 'invalid_signature', verified.error);
    const event = verified.event;
    // At-least-once delivery: the event id is the dedupe key.
    if (await env.DEMO_KV.get(`webhook:${event.id}`) === null) {
      const record = { id: event.id, type: event.type, created_at: event.created_at, received_at: Math.floor(Date.now() / 1000), rp, data: event.data };
      await env.DEMO_KV.put(`webhook:${event.id}`, '1', { expirationTtl: 86400 });
      await env.DEMO_KV.put(`webhooks:${String(9_999_999_999 - record.received_at).padStart(10, '0')}:${event.id}`, JSON.stringify(record), { expirationTtl: 86400 });
      if (event.type === 'activation.completed' && event.data?.activation_id) {
        await env.DEMO_KV.put(`activation-webhook:${event.data.activation_id}`, event.id, { expirationTtl: 3600 });
      }
    }
    return json({ received: true });
  },

  'GET /api/webhooks': async (_request, env) => {
    const list = await env.DEMO_KV.list({ prefix: 'webhooks:', limit: 50 });
    const events = await Promise.all(list.keys.map((k) => env.DEMO_KV.get(k.name, 'json')));
    return json({ webhooks: events.filter(Boolean) });
  },
};

async function ask(env, creds, asked) {
  const created = await edgeFor(env, creds).createRequest(asked);
  // Kept to check the receipt against: what was asked, and what the edge created (its id,
  // content hash, times and the code the page shows).
  const { request_id, request_hash, created_at, expires_at, binding_code } = created;
  const record = { rp: creds.rp, asked, created: { request_id, request_hash, created_at, expires_at, binding_code } };
  await env.DEMO_KV.put(`request:${created.request_id}`, JSON.stringify(record), { expirationTtl: 86400 });
  // The status token is meant for the page (it reads this one request's status, nothing else).
  return {
    request_id: created.request_id,
    status_token: created.status_token,
    binding_code: created.binding_code,
    expires_at: created.expires_at,
    devices_notified: created.devices_notified,
  };
}

function contextOf(request) {
  return {
    ip: request.headers.get('CF-Connecting-IP') ?? '127.0.0.1',
    browser: browserFromUserAgent(request.headers.get('User-Agent') ?? ''),
    location: request.cf?.city ? `${request.cf.city}, ${request.cf.country}` : 'Local network',
  };
}

function match(method, pathname) {
  for (const [key, handler] of Object.entries(routes)) {
    const [m, pattern] = key.split(' ');
    if (m !== method) continue;
    const names = pattern.split('/');
    const parts = pathname.split('/');
    if (names.length !== parts.length) continue;
    let param = null;
    if (names.every((n, i) => n.startsWith(':') ? ((param = decodeURIComponent(parts[i])), parts[i] !== '') : n === parts[i])) {
      return { handler, param };
    }
  }
  return null;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const found = match(request.method, url.pathname);
    if (!found) {
      if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/webhooks/')) return problem(404, 'not_found', 'no such endpoint');
      return env.ASSETS.fetch(request);
    }
    try {
      return await found.handler(request, env, found.param);
    } catch (error) {
      if (error instanceof BankError) return problem(error.status, error.code, error.message);
      // The edge's refusal, passed on in its own words (its message names the field).
      if (error instanceof AssentApiError) return problem(error.status, error.code, error.detail);
      console.error(error);
      return problem(500, 'internal', 'the bank had a problem; try again');
    }
  },
};
