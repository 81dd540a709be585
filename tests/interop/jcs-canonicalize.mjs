// Independent RFC 8785 oracle: ECMAScript itself. JCS is defined as JSON.stringify's
// serialization of primitives with object members sorted by UTF-16 code units, which is
// exactly what Array.prototype.sort compares by default.
// stdin: {doubles: [hex bits…], documents: [json text…]}
// stdout: {numbers: [string…], canonical: [string…], sha256_b64u: [string…]}
import { createHash } from 'node:crypto';

const input = JSON.parse(await new Response(process.stdin).text());

const canonical = (v) => {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
};

const numbers = input.doubles.map((hex) => JSON.stringify(Buffer.from(hex, 'hex').readDoubleBE(0)));
const docs = input.documents.map((text) => canonical(JSON.parse(text)));
const sha256_b64u = docs.map((c) => createHash('sha256').update(c, 'utf8').digest('base64url'));
process.stdout.write(JSON.stringify({ numbers, canonical: docs, sha256_b64u }));
