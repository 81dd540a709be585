// The bank's configuration, from its environment (demo/.dev.vars under `make dev`): the edge's
// URL and, per RP, the API key and webhook secret. Secrets stay on this server.
export const RPS = {
  demo: { label: 'Standard (gateway mode)', envKey: 'DEMO' },
  'demo-secure': { label: 'High security (secure mode)', envKey: 'DEMO_SECURE' },
};

export function edgeUrl(env) {
  const url = env.ASSENT_EDGE_URL;
  if (!url) throw new Error('ASSENT_EDGE_URL is not set (run `make dev` to generate demo/.dev.vars)');
  return url.replace(/\/$/, '');
}

/** The credentials of one RP, or null for an RP this bank does not use. */
export function rpCredentials(env, rp) {
  const known = Object.hasOwn(RPS, rp) ? RPS[rp] : null;
  if (!known) return null;
  const apiKey = env[`ASSENT_API_KEY_${known.envKey}`];
  const webhookSecret = env[`ASSENT_WEBHOOK_SECRET_${known.envKey}`];
  if (!apiKey) throw new Error(`ASSENT_API_KEY_${known.envKey} is not set`);
  return { rp, apiKey, webhookSecret };
}
