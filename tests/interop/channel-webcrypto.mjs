// The secure channel done the way the PWA does it: WebCrypto (SubtleCrypto in Node 22).
// ECDH deriveBits gives the x-coordinate; HKDF-SHA256 and AES-256-GCM as SPEC §3 says.
// stdin:  {mode: "seal", edge_public, messages: [{device_id, purpose, plaintext}]}
//      |  {mode: "open", edge_public, messages: [{device_id, purpose, sealed, device_jwk}]}
// stdout: {results: [{device_public, device_jwk, sealed}]} | {results: [{plaintext | error}]}
const { subtle } = globalThis.crypto;
const input = JSON.parse(await new Response(process.stdin).text());
const enc = new TextEncoder();
const b64u = (b) => Buffer.from(b).toString('base64url');
const unb64u = (s) => new Uint8Array(Buffer.from(s, 'base64url'));
const ecdh = { name: 'ECDH', namedCurve: 'P-256' };

const edgePublic = await subtle.importKey('raw', unb64u(input.edge_public), ecdh, false, []);

async function payloadKey(devicePrivate, deviceId) {
  const x = await subtle.deriveBits({ name: 'ECDH', public: edgePublic }, devicePrivate, 256);
  const ikm = await subtle.importKey('raw', x, 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: enc.encode(deviceId), info: enc.encode('assent/v1 payload key') },
    ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}
const aad = (purpose, deviceId) => enc.encode(`assent/v1/${purpose}|${deviceId}`);

const results = [];
for (const m of input.messages) {
  if (input.mode === 'seal') {
    const pair = await subtle.generateKey(ecdh, true, ['deriveBits']);
    const key = await payloadKey(pair.privateKey, m.device_id);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = new Uint8Array(await subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aad(m.purpose, m.device_id) }, key, enc.encode(m.plaintext)));
    const sealed = new Uint8Array(12 + ct.length);
    sealed.set(iv); sealed.set(ct, 12);
    results.push({
      device_public: b64u(await subtle.exportKey('raw', pair.publicKey)),
      device_jwk: await subtle.exportKey('jwk', pair.privateKey),
      sealed: b64u(sealed),
    });
  } else {
    const priv = await subtle.importKey('jwk', m.device_jwk, ecdh, false, ['deriveBits']);
    const key = await payloadKey(priv, m.device_id);
    const bytes = unb64u(m.sealed);
    try {
      const pt = await subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: aad(m.purpose, m.device_id) }, key, bytes.slice(12));
      results.push({ plaintext: new TextDecoder().decode(pt) });
    } catch (e) {
      results.push({ error: String(e.name) });
    }
  }
}
process.stdout.write(JSON.stringify({ results }));
