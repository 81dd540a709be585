// Independent signer: npm `jose` makes ES256 compact JWS for assent-receipt to verify.
// stdin:  {"private_jwk": {kty,crv,x,y,d}, "kid", "typ", "payloads": [JSON text]}
// stdout: {"tokens": [compact JWS]}
import { CompactSign, importJWK } from 'jose';

const input = JSON.parse(await new Response(process.stdin).text());
const key = await importJWK(input.private_jwk, 'ES256');
const tokens = [];
for (const payload of input.payloads) {
  tokens.push(
    await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'ES256', typ: input.typ, kid: input.kid })
      .sign(key),
  );
}
process.stdout.write(JSON.stringify({ tokens }));
