// Independent signer for assent-rp's webhook verification: Node's crypto HMAC-SHA256, the way
// an edge written in Node would sign `Assent-Signature` (SPEC §9).
// stdin:  {"cases": [{"secret": UTF-8 text, "t": unix, "body": UTF-8 text,
//                     "extra_secrets"?: [UTF-8 text]}]}
// stdout: {"headers": ["t=<t>,v1=<hex>[,v1=<hex>…]"]} — one v1 per secret (rotation).
import { createHmac } from 'node:crypto';

const input = JSON.parse(await new Response(process.stdin).text());
const v1 = (secret, t, body) =>
  createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${t}.`, 'utf8')
    .update(Buffer.from(body, 'utf8'))
    .digest('hex');
const headers = input.cases.map(({ secret, t, body, extra_secrets: extra = [] }) =>
  [`t=${t}`, ...[secret, ...extra].map((s) => `v1=${v1(s, t, body)}`)].join(','));
process.stdout.write(JSON.stringify({ headers }));
