// The P-256 half of a push done the way the edge does it in workerd, here with Node 22's
// WebCrypto (crypto.subtle), for the Rust side to finish with assent-webpush's
// encrypt_with_agreement and UnsignedVapidToken / VapidCache::insert_signed.
// ECDH per message: generateKey({ECDH, P-256}, non-extractable) and importKey('raw', p256dh),
// then exportKey('raw', publicKey) and deriveBits({ECDH, public}, privateKey, 256).
// VAPID: importKey('jwk', private JWK, {ECDSA, P-256}, non-extractable, ['sign']) once, then
// sign({ECDSA, SHA-256}, key, signing input) per token (raw r || s, 64 bytes).
// stdin:  {ecdh: [{ua_public}], vapid: {private_jwk, signing_inputs: [string]}}  (b64u)
// stdout: {ecdh: [{as_public, ecdh_secret}], vapid: {signatures: [b64u]}}
const subtle = globalThis.crypto.subtle;
const EC = { name: 'ECDH', namedCurve: 'P-256' };

const input = JSON.parse(await new Response(process.stdin).text());
const b64u = (buf) => Buffer.from(buf).toString('base64url');

const ecdh = [];
for (const { ua_public } of input.ecdh) {
  const [pair, peer] = await Promise.all([
    subtle.generateKey(EC, false, ['deriveBits']),
    subtle.importKey('raw', Buffer.from(ua_public, 'base64url'), EC, false, []),
  ]);
  const [asPublic, secret] = await Promise.all([
    subtle.exportKey('raw', pair.publicKey),
    subtle.deriveBits({ name: 'ECDH', public: peer }, pair.privateKey, 256),
  ]);
  ecdh.push({ as_public: b64u(asPublic), ecdh_secret: b64u(secret) });
}

const key = await subtle.importKey('jwk', JSON.parse(input.vapid.private_jwk),
  { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
const signatures = [];
for (const text of input.vapid.signing_inputs) {
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key,
    new TextEncoder().encode(text));
  signatures.push(b64u(signature));
}

process.stdout.write(JSON.stringify({ ecdh, vapid: { signatures } }));
