// One push on the edge's production path: the P-256 work in the host's WebCrypto with the
// calls edge/src/webcrypto.rs makes, in the same order and pairing, around the wasm exports
// of bench/src/wasm.rs (edge/src/push.rs's pkg/webpush calls). Shared by bench/run.mjs (Node's
// crypto.subtle) and bench/workerd/worker.js (workerd's), so both time the same code.
const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' };
const ES256 = { name: 'ECDSA', hash: 'SHA-256' };

/**
 * `wasm`: the assent-bench module; `subtle`: the host's SubtleCrypto. Resolves to
 * `push(mode, finish)`: `mode` 'fresh' | 'cached', `finish` wasm.host_push_finish (a length)
 * or wasm.host_push_finish_sample (the request as JSON).
 */
export async function hostPusher(wasm, subtle) {
  // The edge imports the VAPID key once per isolate.
  const signer = await subtle.importKey('jwk', JSON.parse(wasm.host_vapid_private_jwk()),
    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);

  async function ecdh(p256dh) {
    const [pair, peer] = await Promise.all([
      subtle.generateKey(ECDH_P256, false, ['deriveBits']),
      subtle.importKey('raw', p256dh, ECDH_P256, false, []),
    ]);
    return Promise.all([
      subtle.exportKey('raw', pair.publicKey),
      subtle.deriveBits({ name: 'ECDH', public: peer }, pair.privateKey, 256),
    ]);
  }

  return async function push(mode, finish) {
    const p256dh = wasm.host_push_begin(mode);
    const input = wasm.host_push_signing_input(); // undefined: the VAPID header is cached
    const [signature, [asPublic, secret]] = await Promise.all([
      input == null ? undefined : subtle.sign(ES256, signer, input),
      ecdh(p256dh),
    ]);
    return finish(new Uint8Array(asPublic), new Uint8Array(secret),
      signature === undefined ? undefined : new Uint8Array(signature));
  };
}

/** Whether the ES256 signature of a `vapid t=<jwt>, k=<key>` header verifies with `k`. */
export async function vapidSignatureVerifies(subtle, authorization) {
  const m = /^vapid t=([^.]+\.[^.]+)\.([^.,]+), k=(\S+)$/.exec(authorization);
  if (!m) return false;
  const b64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const key = await subtle.importKey('raw', b64u(m[3]), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return subtle.verify(ES256, key, b64u(m[2]), new TextEncoder().encode(m[1]));
}
