// Independent oracle for assent-receipt's JWKs and RFC 7638 thumbprints.
// stdin:  {"keys": [{"d": b64u scalar, "jwk": our public JWK}], "rfc7638_rsa": JWK}
// stdout: {"keys": [{"node_point": b64u(0x04||x||y) derived by OpenSSL from d,
//                    "node_jwk": {kty,crv,x,y} built from that point,
//                    "jose_thumbprint": jose's RFC 7638 thumbprint of our JWK,
//                    "canonical": the RFC 7638 §3.2 required-member JSON, built here,
//                    "jose_imports": whether jose accepts our JWK as an ES256 key}],
//          "rfc7638_rsa_thumbprint": jose's thumbprint of the RFC's example key}
import { createECDH } from 'node:crypto';
import { calculateJwkThumbprint, importJWK } from 'jose';

const input = JSON.parse(await new Response(process.stdin).text());
const b64u = (buf) => Buffer.from(buf).toString('base64url');

const keys = [];
for (const { d, jwk } of input.keys) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(d, 'base64url'));
  const point = ecdh.getPublicKey(null, 'uncompressed');
  const nodeJwk = {
    kty: 'EC',
    crv: 'P-256',
    x: b64u(point.subarray(1, 33)),
    y: b64u(point.subarray(33, 65)),
  };
  // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  let joseImports = false;
  try {
    await importJWK(jwk, 'ES256');
    joseImports = true;
  } catch {
    joseImports = false;
  }
  keys.push({
    node_point: b64u(point),
    node_jwk: nodeJwk,
    jose_thumbprint: await calculateJwkThumbprint(jwk, 'sha256'),
    canonical,
    jose_imports: joseImports,
  });
}

const rfc7638RsaThumbprint = await calculateJwkThumbprint(input.rfc7638_rsa, 'sha256');
process.stdout.write(JSON.stringify({ keys, rfc7638_rsa_thumbprint: rfc7638RsaThumbprint }));
