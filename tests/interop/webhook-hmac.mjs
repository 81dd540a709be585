// Independent oracle for assent-webhook: Node's crypto HMAC-SHA256.
// stdin:  {"cases": [{"secret": hex, "t": unix, "body": b64u raw bytes, "ours": header}]}
// stdout: {"results": [{"header": "t=<t>,v1=<hex>" computed here,
//                       "accepts_ours": whether our header's v1 matches, by timingSafeEqual}]}
import { createHmac, timingSafeEqual } from 'node:crypto';

const input = JSON.parse(await new Response(process.stdin).text());
const results = [];
for (const { secret, t, body, ours } of input.cases) {
  const mac = createHmac('sha256', Buffer.from(secret, 'hex'))
    .update(`${t}.`)
    .update(Buffer.from(body, 'base64url'))
    .digest();
  // Parse the Stripe-style header the way a receiver written in Node would.
  const parts = Object.fromEntries(ours.split(',').map((kv) => kv.split('=')));
  const theirs = Buffer.from(parts.v1 ?? '', 'hex');
  results.push({
    header: `t=${t},v1=${mac.toString('hex')}`,
    accepts_ours:
      parts.t === String(t) && theirs.length === mac.length && timingSafeEqual(theirs, mac),
  });
}
process.stdout.write(JSON.stringify({ results }));
