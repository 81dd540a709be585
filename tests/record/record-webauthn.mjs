// Records real Chromium WebAuthn responses (virtual CTAP2 authenticator) as test vectors for
// the `assent-webauthn` crate: tests/vectors/webauthn/*.json.
//
// Run from the repository root:  node_modules/.bin/node tests/record/record-webauthn.mjs
//
// It serves a tiny page on http://localhost:<free port> (bound to 127.0.0.1; WebAuthn refuses
// IP addresses as RP ID, so the page is opened by host name), drives Debian's Chromium through
// playwright-core, and writes one JSON file per ceremony with everything a verifier needs:
// rp_id, origin, challenge (b64u), the options JSON given to the browser, the credential's
// toJSON(), and for assertions the stored credential (id, 65-byte public key, sign count,
// backup eligibility) as it stood before the assertion.
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, createHash, webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const outDir = fileURLToPath(new URL('../vectors/webauthn/', import.meta.url));
const b64u = (buf) => Buffer.from(buf).toString('base64url');

// The page defines two helpers that take/return the WebAuthn JSON forms, so the options pass
// through the browser's own parse*OptionsFromJSON and the responses through toJSON().
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>assent webauthn recorder</title></head>
<body><p>assent webauthn recorder</p>
<script>
window.doCreate = async (json) => {
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(json);
  const cred = await navigator.credentials.create({ publicKey });
  return cred.toJSON();
};
window.doGet = async (json) => {
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(json);
  try {
    const cred = await navigator.credentials.get({ publicKey });
    return { ok: cred.toJSON() };
  } catch (e) {
    return { error: e.name + ': ' + e.message };
  }
};
</script></body></html>`;

function startServer() {
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// SPKI (DER) of a P-256 key -> 65-byte uncompressed SEC1 point, through WebCrypto rather
// than by slicing, so a malformed SPKI fails loudly.
async function spkiToRaw(spkiB64u) {
  const key = await webcrypto.subtle.importKey(
    'spki', Buffer.from(spkiB64u, 'base64url'),
    { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  return Buffer.from(await webcrypto.subtle.exportKey('raw', key));
}

// Sign count from authenticatorData (bytes 33..37, big-endian).
const signCountOf = (authDataB64u) => Buffer.from(authDataB64u, 'base64url').readUInt32BE(33);
const flagsOf = (authDataB64u) => Buffer.from(authDataB64u, 'base64url')[32];

function write(name, value) {
  writeFileSync(join(outDir, name), JSON.stringify(value, null, 2) + '\n');
  console.log(`wrote tests/vectors/webauthn/${name}`);
}

const server = await startServer();
const port = server.address().port;
const origin = `http://localhost:${port}`;
const rpId = 'localhost';
const profile = mkdtempSync(join(tmpdir(), 'assent-webauthn-rec-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${origin}/`);
  const browserVersion = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  const recordedWith = `Chromium ${browserVersion} virtual authenticator (ctap2, internal), playwright-core`;

  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const addAuthenticator = async (extra) => (await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true, ...extra,
    },
  })).authenticatorId;
  const authenticatorId = await addAuthenticator({});

  const creationOptions = (challenge, userId, attestation, userVerification = 'required') => ({
    rp: { id: rpId, name: 'Assent' },
    user: { id: b64u(userId), name: 'alice', displayName: 'Alice' },
    challenge: b64u(challenge),
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    timeout: 60000,
    authenticatorSelection: { residentKey: 'preferred', userVerification },
    attestation,
  });
  const requestOptions = (challenge, credId, userVerification = 'required') => ({
    challenge: b64u(challenge),
    rpId,
    allowCredentials: [{ type: 'public-key', id: credId }],
    userVerification,
    timeout: 60000,
  });

  async function register(file, description, attestation, userVerification) {
    const challenge = randomBytes(32);
    const options = creationOptions(challenge, randomBytes(16), attestation, userVerification);
    const response = await page.evaluate((o) => window.doCreate(o), options);
    const attObj = Buffer.from(response.response.attestationObject, 'base64url');
    console.log(`${file}: attestationObject ${attObj.length} bytes, flags 0x${flagsOf(response.response.authenticatorData).toString(16)}`);
    write(file, {
      description, recorded_with: recordedWith, kind: 'registration',
      rp_id: rpId, origin, challenge: b64u(challenge), options, response,
    });
    return {
      id: response.id,
      public_key: b64u(await spkiToRaw(response.response.publicKey)),
      sign_count: signCountOf(response.response.authenticatorData),
      backup_eligible: (flagsOf(response.response.authenticatorData) & 0x08) !== 0,
    };
  }

  // One navigator.credentials.get; the file is written only when `keep(clientDataText)` holds
  // (always, by default), but the counter moves on regardless.
  async function assert(file, description, credential, challenge, userVerification = 'required',
    keep = () => true) {
    const options = requestOptions(challenge, credential.id, userVerification);
    const result = await page.evaluate((o) => window.doGet(o), options);
    if (result.error) return { error: result.error };
    const response = result.ok;
    const next = { ...credential, sign_count: signCountOf(response.response.authenticatorData) };
    if (!keep(Buffer.from(response.response.clientDataJSON, 'base64url').toString())) {
      return { credential: next, skipped: true };
    }
    console.log(`${file}: signCount ${signCountOf(response.response.authenticatorData)}, flags 0x${flagsOf(response.response.authenticatorData).toString(16)}`);
    write(file, {
      description, recorded_with: recordedWith, kind: 'assertion',
      rp_id: rpId, origin, challenge: b64u(challenge), options, credential: { ...credential }, response,
    });
    return { credential: next };
  }

  mkdirSync(outDir, { recursive: true });

  // 1. Registration, attestation "none" (what the edge asks for, SPEC §7).
  let cred = await register('registration-none.json',
    'navigator.credentials.create, attestation "none", userVerification "required"', 'none', 'required');

  // 2. Registration, attestation "direct": records whatever Chromium's virtual authenticator
  //    returns (see tests/record/README.md for what that was).
  const direct = await register('registration-direct.json',
    'navigator.credentials.create, attestation "direct", userVerification "required"', 'direct', 'required');

  // 3. Assertions with UV on the "none" credential, chained: each file's stored sign_count is
  //    the previous assertion's. The second one's challenge is a decision challenge: the 32-byte
  //    SHA-256 of a statement (SPEC §7), the third a random one.
  let r = await assert('assertion-uv-1.json',
    'navigator.credentials.get, userVerification "required", first assertion of registration-none',
    cred, randomBytes(32));
  if (r.error) throw new Error(r.error);
  cred = r.credential;
  const statement = '{"decision":"approve","request_hash":"' + b64u(randomBytes(32)) + '","v":1}';
  r = await assert('assertion-uv-2.json',
    'navigator.credentials.get, userVerification "required", second assertion (chained signCount); challenge = SHA-256 of a decision statement',
    cred, createHash('sha256').update(statement).digest());
  if (r.error) throw new Error(r.error);
  cred = r.credential;
  r = await assert('assertion-uv-3.json',
    'navigator.credentials.get, userVerification "required", third assertion (chained signCount)',
    cred, randomBytes(32));
  if (r.error) throw new Error(r.error);
  cred = r.credential;

  // 3b. Chromium adds an "other_keys_can_be_added_here" member to about one clientDataJSON in
  //     five, at random, so that relying parties do not compare against a template. Keep
  //     asking until one has it, so the tests always cover it.
  let extra = false;
  for (let i = 0; i < 60 && !extra; i++) {
    r = await assert('assertion-uv-extra-member.json',
      'navigator.credentials.get, userVerification "required"; Chromium added its random "other_keys_can_be_added_here" clientDataJSON member',
      cred, randomBytes(32), 'required', (text) => text.includes('"other_keys_can_be_added_here"'));
    if (r.error) throw new Error(r.error);
    cred = r.credential;
    extra = !r.skipped;
  }
  if (!extra) throw new Error('Chromium never added other_keys_can_be_added_here in 60 assertions');

  // 4. An assertion of the "direct" credential (its own counter).
  r = await assert('assertion-direct-1.json',
    'navigator.credentials.get, userVerification "required", first assertion of registration-direct',
    direct, randomBytes(32));
  if (r.error) throw new Error(r.error);

  // 5. Negative vector: the authenticator does not verify the user. First try the same
  //    authenticator with isUserVerified=false and userVerification "preferred".
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  r = await assert('assertion-no-uv.json',
    'navigator.credentials.get, userVerification "preferred", virtual authenticator isUserVerified=false: UV flag clear (must be rejected)',
    cred, randomBytes(32), 'preferred');
  if (r.error) {
    console.log(`isUserVerified=false with "preferred" failed (${r.error}); trying an authenticator without UV`);
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    await addAuthenticator({ hasUserVerification: false, isUserVerified: false });
    const noUv = await register('registration-no-uv.json',
      'navigator.credentials.create on an authenticator without UV, userVerification "discouraged": UV flag clear (must be rejected)',
      'none', 'discouraged');
    r = await assert('assertion-no-uv.json',
      'navigator.credentials.get on an authenticator without UV, userVerification "preferred": UV flag clear (must be rejected)',
      noUv, randomBytes(32), 'preferred');
    if (r.error) console.log(`no UV-less assertion recorded: ${r.error}`);
  }
} finally {
  await context?.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
