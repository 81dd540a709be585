// Independent verifier for JWS / receipts produced by assent-receipt, using npm `jose`.
// stdin:  {"jwks": JWK Set, "tokens": [{"jws", "typ", "iss"?, "aud"?}]}
// stdout: {"results": [{"ok": bool, "error"?: jose error code,
//                       "header"?: protected header, "payload"?: claims,
//                       "compact_ok": bool (compactVerify with alg/typ checked by hand)}]}
// With iss/aud given, jwtVerify checks them; without, only the signature, alg and typ.
import { compactVerify, createLocalJWKSet, jwtVerify } from 'jose';

const input = JSON.parse(await new Response(process.stdin).text());
const keySet = createLocalJWKSet(input.jwks);

const results = [];
for (const { jws, typ, iss, aud } of input.tokens) {
  const result = { ok: false, compact_ok: false };
  try {
    const options = { algorithms: ['ES256'], typ };
    if (iss !== undefined) options.issuer = iss;
    if (aud !== undefined) options.audience = aud;
    const { payload, protectedHeader } = await jwtVerify(jws, keySet, options);
    Object.assign(result, { ok: true, header: protectedHeader, payload });
  } catch (e) {
    result.error = e.code ?? String(e);
  }
  try {
    const { protectedHeader } = await compactVerify(jws, keySet, { algorithms: ['ES256'] });
    result.compact_ok = protectedHeader.typ === typ && protectedHeader.alg === 'ES256';
  } catch {
    result.compact_ok = false;
  }
  results.push(result);
}
process.stdout.write(JSON.stringify({ results }));
