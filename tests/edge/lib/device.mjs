// One phone with the Assent PWA, for the edge's integration tests: a passkey answered by
// `assent-softauth` (pkg/webauthn's software authenticator, which answers as Chromium's
// virtual platform authenticator does and is checked against the recorded Chromium vectors),
// the secure channel done with WebCrypto as the PWA does it (SPEC §3), and the device API
// calls of SPEC §7. Every call returns `{status, body}` and never throws on an HTTP error
// status: tests assert statuses. A refused WebAuthn ceremony (what a browser rejects) throws.
//
//   const phone = createDevice({ edgeUrl: edge.url });
//   const { status, body } = await phone.activate(code, { subscription });
//   const { body: details } = await phone.getRequest(requestId);
//   await phone.decide(requestId, { request: details.request, decision: 'approve', binding_code });
import { spawn } from 'node:child_process';
import { createECDH, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

const { subtle } = globalThis.crypto;
const root = resolve(import.meta.dirname, '../../..');
const enc = new TextEncoder();
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
const NONCE_LEN = 12;
const TAG_LEN = 16;
const B64U = /^[A-Za-z0-9_-]*$/;
// The order n of P-256's group (SEC 2 §2.4.2): a private scalar is in [1, n − 1].
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

/** Strict unpadded base64url: decodes only canonical text (Buffer's decoder accepts junk). */
export function b64uDecode(text) {
  if (typeof text !== 'string' || !B64U.test(text)) throw new Error(`not base64url: ${text}`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw new Error(`not canonical base64url: ${text}`);
  return new Uint8Array(bytes);
}

// ---------------------------------------------------------------------------------------
// RFC 8785 (JCS) canonical JSON, request hash and decision statement (SPEC §5, §7)

/**
 * RFC 8785 canonical JSON of a JSON value: object members sorted by the UTF-16 code units of
 * their names (§3.2.3; Array.prototype.sort's default order), strings and numbers serialized
 * as ECMAScript's JSON.stringify does (§3.2.2), no whitespace. Members whose value is
 * `undefined` are left out (as absent optional members are); anything that is not JSON is an
 * error.
 */
export function canonicalJson(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`JCS: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      // §3.2.2.2: strings must be valid Unicode; JSON.stringify would escape a lone surrogate.
      if (!value.isWellFormed()) throw new TypeError('JCS: string with a lone surrogate');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item) => {
          if (item === undefined) throw new TypeError('JCS: undefined in an array');
          return canonicalJson(item);
        }).join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`JCS: ${proto?.constructor?.name ?? 'object'} is not a JSON object`);
      }
      const names = Object.keys(value).filter((k) => value[k] !== undefined).sort();
      return `{${names.map((k) => `${canonicalJson(k)}:${canonicalJson(value[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`JCS: a ${typeof value} is not JSON`);
  }
}

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest();

/** SPEC §5: `b64u(SHA-256(JCS(request content)))`, computed from the content shown. */
export function requestHash(content) {
  return b64u(sha256(canonicalJson(content)));
}

/**
 * SPEC §7's statement `{"v":1, request_hash, decision, reason?, binding_code?}` in canonical
 * form. Members given as `undefined` or `null` are absent.
 */
export function canonicalStatement({ request_hash, decision, reason, binding_code }) {
  const statement = { v: 1, request_hash, decision };
  if (reason !== undefined && reason !== null) statement.reason = reason;
  if (binding_code !== undefined && binding_code !== null) statement.binding_code = binding_code;
  for (const [k, v] of Object.entries(statement)) {
    if (k !== 'v' && typeof v !== 'string') throw new TypeError(`statement ${k} must be a string`);
  }
  return canonicalJson(statement);
}

/** The decision's WebAuthn challenge, b64u: `SHA-256(JCS(statement))` (SPEC §7). */
export function statementChallenge(statement) {
  return b64u(sha256(canonicalStatement(statement)));
}

// ---------------------------------------------------------------------------------------
// The software authenticator (tools/softauth)

/** Runs `command` in the repository with `input` on stdin; resolves with its stdout. */
export function run(command, args, { input } = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.once('error', fail);
    child.once('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) ok(stdout);
      else fail(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
    child.stdin.end(input ?? '');
  });
}

let softauthPath;
/** Builds `assent-softauth` once per process and returns the binary's path. */
export function softauthBinary() {
  softauthPath ??= (async () => {
    await run('cargo', ['build', '-q', '-p', 'assent-softauth']);
    let targetDir = join(root, 'target');
    try {
      const meta = JSON.parse(await run('cargo', ['metadata', '--format-version', '1', '--no-deps']));
      if (typeof meta.target_directory === 'string') targetDir = meta.target_directory;
    } catch { /* keep <repo>/target */ }
    return join(targetDir, 'debug', 'assent-softauth');
  })();
  return softauthPath;
}

/** One `assent-softauth` run: the request object in, the answer object out. */
export async function softauth(request) {
  return JSON.parse(await run(await softauthBinary(), [], { input: JSON.stringify(request) }));
}

/** A fresh P-256 private scalar, 32 bytes big-endian, checked to lie in [1, n − 1]. */
function newPrivateScalar() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  // getPrivateKey() drops leading zero bytes; the authenticator wants exactly 32.
  const hex = ecdh.getPrivateKey().toString('hex').padStart(64, '0');
  const k = BigInt(`0x${hex}`);
  if (k === 0n || k >= P256_ORDER) throw new Error('P-256 key generation gave an invalid scalar');
  return Buffer.from(hex, 'hex');
}

// ---------------------------------------------------------------------------------------
// The device

/**
 * A device (the PWA on one phone) talking to the edge at `edgeUrl` from `origin` (the
 * edge's own origin, as the PWA is served by the edge). Returns (synchronously) an object with:
 *
 * State (read-only): `deviceId`, `channelPublicKey` (own, b64u 65 bytes), `edgeChannelPublicKey`,
 * `vapidPublicKey`, `beginBody` (the last activate/begin answer), `account` (from
 * activate/finish), `pushSeq`, `passkey` → `{credentialId, privateKey, publicKey, signCount,
 * userHandle, rpId}` (b64u; `publicKey` once created).
 *
 * WebAuthn (assent-softauth; throws if the "browser" refuses):
 * - `create(creationOptions, tweaks?)` → RegistrationResponseJSON.
 * - `assert(requestOptions, tweaks?)` → AuthenticationResponseJSON.
 *   `tweaks`: {omit_user_verification, omit_user_presence, rp_id, sign_count, cross_origin,
 *   client_data_type, top_origin, other_keys_member, backup_eligible, backup_state}.
 * Secure channel (SPEC §3, WebCrypto, non-extractable private key):
 * - `setChannel({deviceId, channelPublicKey})` (activate does it from activate/begin).
 * - `seal(purpose, object)` → b64u; `open(purpose, sealed)` → object (throws if it fails).
 * Hashes (SPEC §5, §7): `requestHash(content)`, `canonicalStatement(statement)`,
 * `statementChallenge(statement)` (b64u), `decisionOptions(statement)` → request options.
 * Device API (SPEC §7), each → `{status, body, headers}`:
 * - `activate(code, {subscription = null, tweaks, mutate})`: begin, create, finish; the
 *   answer is finish's (or begin's when begin fails: `stage` says which). `mutate(body)` may
 *   change the finish body before it is sent (negative tests).
 * - `pushUpdate(subscription, {seq})`: `PUT /v1/device/{id}/push`, seq = last + 1 by default.
 * - `getRequest(requestId)`: gateway-mode details.
 * - `inbox({tweaks})`: challenge, assertion, inbox; adds `plaintext` (the opened inbox) on 200.
 * - `decide(requestId, {request, decision, reason?, binding_code?, tweaks?, request_hash?,
 *   sign?, mutate?})`: signs the statement over `requestHash(request)` (or the given
 *   `request_hash`; `sign` overrides members of the signed statement only) and posts it.
 * - `deactivate({ts})`: `seal("deactivate", {ts})`, ts = now by default.
 */
export function createDevice({ edgeUrl, origin = edgeUrl } = {}) {
  if (typeof edgeUrl !== 'string') throw new TypeError('createDevice: edgeUrl is required');
  const base = edgeUrl.replace(/\/+$/, '');

  const passkey = {
    privateKey: b64u(newPrivateScalar()),
    credentialId: b64u(randomBytes(32)), // Chromium's virtual authenticator makes 32-byte ids
    signCount: 0,
    publicKey: null,
    userHandle: null,
    rpId: new URL(origin).hostname,
  };

  // The PWA's channel key: a non-extractable WebCrypto CryptoKey, used only through
  // SubtleCrypto as the PWA uses its own. Generated synchronously (then converted) so that
  // createDevice can hand the device back at once.
  const { privateKey: channelKeyObject, publicKey: channelPublicObject } =
    generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const channelPrivate = channelKeyObject.toCryptoKey(ECDH, false, ['deriveBits']);
  const jwk = channelPublicObject.export({ format: 'jwk' });
  const channelPublicKey = b64u(Buffer.concat([
    Buffer.of(0x04), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url'),
  ]));
  const channel = { deviceId: null, edgeKey: null, edgeRaw: null, payloadKey: null };

  const state = { beginBody: null, vapidPublicKey: null, account: null, pushSeq: 0 };

  async function setChannel({ deviceId, channelPublicKey: edgeRaw }) {
    const raw = b64uDecode(edgeRaw);
    if (raw.length !== 65 || raw[0] !== 0x04) throw new Error('edge channel key is not a 65-byte point');
    channel.deviceId = deviceId;
    channel.edgeRaw = edgeRaw;
    channel.edgeKey = await subtle.importKey('raw', raw, ECDH, false, []);
    // SPEC §3: payload_key = HKDF-SHA256(ikm = x(ECDH), salt = device_id, info, L = 32).
    const x = await subtle.deriveBits({ name: 'ECDH', public: channel.edgeKey }, channelPrivate, 256);
    const ikm = await subtle.importKey('raw', x, 'HKDF', false, ['deriveKey']);
    channel.payloadKey = await subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: enc.encode(deviceId), info: enc.encode('assent/v1 payload key') },
      ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  }

  const aad = (purpose) => enc.encode(`assent/v1/${purpose}|${channel.deviceId}`);
  const needChannel = () => {
    if (!channel.payloadKey) throw new Error('device: no channel yet (activate or setChannel first)');
  };

  async function seal(purpose, plaintext) {
    needChannel();
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_LEN));
    const ct = new Uint8Array(await subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aad(purpose) }, channel.payloadKey,
      enc.encode(JSON.stringify(plaintext))));
    const out = new Uint8Array(NONCE_LEN + ct.length);
    out.set(iv);
    out.set(ct, NONCE_LEN);
    return b64u(out);
  }

  async function open(purpose, sealed) {
    needChannel();
    const bytes = b64uDecode(sealed);
    if (bytes.length < NONCE_LEN + TAG_LEN) throw new Error('sealed: shorter than nonce and tag');
    const pt = await subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(0, NONCE_LEN), additionalData: aad(purpose) },
      channel.payloadKey, bytes.slice(NONCE_LEN));
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(pt));
  }

  async function create(options, tweaks) {
    const out = await softauth({
      op: 'create', private_key: passkey.privateKey, credential_id: passkey.credentialId,
      sign_count: passkey.signCount, options, origin, ...(tweaks ? { tweaks } : {}),
    });
    passkey.signCount = out.sign_count;
    passkey.publicKey = out.public_key;
    passkey.userHandle = options.user.id;
    passkey.rpId = options.rp.id;
    return out.response;
  }

  async function assert(options, tweaks) {
    const out = await softauth({
      op: 'get', private_key: passkey.privateKey, credential_id: passkey.credentialId,
      sign_count: passkey.signCount, user_handle: passkey.userHandle, options, origin,
      ...(tweaks ? { tweaks } : {}),
    });
    passkey.signCount = out.sign_count;
    return out.response;
  }

  async function call(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const r = await fetch(`${base}${path}`, init);
    const text = await r.text();
    let parsed = text;
    try { parsed = text === '' ? null : JSON.parse(text); } catch { /* keep the text */ }
    return { status: r.status, body: parsed, headers: r.headers };
  }

  const devicePath = (rest) => `/v1/device/${encodeURIComponent(channel.deviceId)}${rest}`;
  const ok = (status) => status >= 200 && status < 300;

  function decisionOptions(statement) {
    return {
      challenge: statementChallenge(statement),
      rpId: passkey.rpId,
      allowCredentials: [{ type: 'public-key', id: passkey.credentialId }],
      userVerification: 'required',
      timeout: 60000,
    };
  }

  return {
    get deviceId() { return channel.deviceId; },
    get channelPublicKey() { return channelPublicKey; },
    get edgeChannelPublicKey() { return channel.edgeRaw; },
    get vapidPublicKey() { return state.vapidPublicKey; },
    get beginBody() { return state.beginBody; },
    get account() { return state.account; },
    get pushSeq() { return state.pushSeq; },
    get passkey() { return { ...passkey }; },
    origin,
    create,
    assert,
    setChannel,
    seal,
    open,
    requestHash,
    canonicalStatement,
    statementChallenge,
    decisionOptions,

    async activate(code, { subscription = null, tweaks, mutate } = {}) {
      const begin = await call('POST', '/v1/device/activate/begin', { code });
      if (!ok(begin.status)) return { ...begin, stage: 'begin' };
      const b = begin.body;
      state.beginBody = b;
      state.vapidPublicKey = b.vapid_public_key;
      await setChannel({ deviceId: b.device_id, channelPublicKey: b.channel_public_key });
      const credential = await create(b.creation_options, tweaks);
      state.pushSeq = 1;
      let body = {
        device_id: b.device_id, code, credential, channel_public_key: channelPublicKey,
        push: await seal('push', { subscription, seq: 1 }),
      };
      if (mutate) body = (await mutate(body)) ?? body;
      const finish = await call('POST', '/v1/device/activate/finish', body);
      if (ok(finish.status)) state.account = finish.body?.account ?? null;
      return { ...finish, stage: 'finish' };
    },

    async pushUpdate(subscription, { seq } = {}) {
      const s = seq ?? state.pushSeq + 1;
      state.pushSeq = Math.max(state.pushSeq, s);
      return call('PUT', devicePath('/push'), { sealed: await seal('push', { subscription, seq: s }) });
    },

    getRequest(requestId) {
      return call('GET', devicePath(`/requests/${encodeURIComponent(requestId)}`));
    },

    async inbox({ tweaks } = {}) {
      const challenge = await call('POST', devicePath('/inbox/challenge'));
      if (!ok(challenge.status)) return { ...challenge, stage: 'challenge' };
      const assertion = await assert(challenge.body.request_options, tweaks);
      const r = await call('POST', devicePath('/inbox'), { challenge_id: challenge.body.challenge_id, assertion });
      if (ok(r.status)) r.plaintext = await open('inbox', r.body.sealed);
      return { ...r, stage: 'inbox' };
    },

    async decide(requestId, { request, decision, reason, binding_code, tweaks, request_hash, sign, mutate } = {}) {
      const hash = request_hash ?? requestHash(request);
      const signed = { request_hash: hash, decision, reason, binding_code, ...sign };
      const assertion = await assert(decisionOptions(signed), tweaks);
      let body = { decision };
      if (reason !== undefined) body.reason = reason;
      if (binding_code !== undefined) body.binding_code = binding_code;
      body.assertion = assertion;
      if (mutate) body = (await mutate(body)) ?? body;
      return call('POST', devicePath(`/requests/${encodeURIComponent(requestId)}/decision`), body);
    },

    async deactivate({ ts = Math.floor(Date.now() / 1000) } = {}) {
      return call('POST', devicePath('/deactivate'), { sealed: await seal('deactivate', { ts }) });
    },
  };
}
