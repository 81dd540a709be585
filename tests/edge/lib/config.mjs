// A fresh edge configuration (SPEC §13) for one test run, written as an env file that
// `wrangler dev --env-file` loads instead of any developer's .dev.vars. Generated here with
// node:crypto, independently of the Rust keygen, so the edge's parser is checked against
// what an operator could write by hand.
import { createECDH, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scalar = () => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  // getPrivateKey() drops leading zero bytes; the edge wants exactly 32.
  const hex = ecdh.getPrivateKey().toString('hex').padStart(64, '0');
  return Buffer.from(hex, 'hex').toString('base64url');
};

/**
 * rps: [{id, name, mode, origins?, webhook_url?, webhook_secret?, limits?}]. Returns
 * {file, edgeOrigin, apiKeys: {rp_id: key}, webhookSecrets: {rp_id: secret}}.
 */
export function writeTestConfig({ port, rps }) {
  const edgeOrigin = `http://localhost:${port}`;
  const apiKeys = {};
  const webhookSecrets = {};
  const relyingParties = rps.map((rp) => {
    const apiKey = `ak_${randomBytes(32).toString('base64url')}`;
    apiKeys[rp.id] = apiKey;
    const entry = {
      id: rp.id, name: rp.name, mode: rp.mode, origins: rp.origins ?? [edgeOrigin],
      api_key_sha256: createHash('sha256').update(apiKey).digest('hex'),
    };
    if (rp.webhook_url) {
      webhookSecrets[rp.id] = rp.webhook_secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
      entry.webhook_url = rp.webhook_url;
      entry.webhook_secret = webhookSecrets[rp.id];
    }
    if (rp.limits) entry.limits = rp.limits;
    return entry;
  });
  const vars = {
    ASSENT_EDGE_ORIGIN: edgeOrigin,
    VAPID_PRIVATE_KEY: scalar(),
    VAPID_SUBJECT: 'mailto:tests@assent.invalid',
    RECEIPT_PRIVATE_KEY: scalar(),
    CHANNEL_PRIVATE_KEY: scalar(),
    ASSENT_ALLOW_LOOPBACK_PUSH: '1',
    ASSENT_RELYING_PARTIES: JSON.stringify(relyingParties),
  };
  const dir = mkdtempSync(join(tmpdir(), 'assent-config-'));
  const file = join(dir, 'test.env');
  // Single quotes: wrangler's dotenv keeps the JSON's backslashes and double quotes as is.
  writeFileSync(file, Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join('\n') + '\n', { mode: 0o600 });
  return { file, edgeOrigin, apiKeys, webhookSecrets, vars };
}
