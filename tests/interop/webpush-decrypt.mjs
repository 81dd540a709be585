// RFC 8291 messages opened by an independent implementation: npm `http_ece` (aes128gcm), as
// the user agent would, with the subscription's private key and auth secret.
// stdin:  {messages: [{ua_private, auth, body}]}           (all base64url)
// stdout: {results: [{plaintext} | {error}]}               (plaintext base64url)
import crypto from 'node:crypto';
import ece from 'http_ece';

const input = JSON.parse(await new Response(process.stdin).text());
const results = input.messages.map((m) => {
  const ua = crypto.createECDH('prime256v1');
  ua.setPrivateKey(Buffer.from(m.ua_private, 'base64url'));
  try {
    const plaintext = ece.decrypt(Buffer.from(m.body, 'base64url'), {
      version: 'aes128gcm',
      privateKey: ua, // http_ece reads salt, rs and the sender key (keyid) from the header
      authSecret: m.auth,
    });
    return { plaintext: plaintext.toString('base64url') };
  } catch (e) {
    return { error: String(e.message || e) };
  }
});
process.stdout.write(JSON.stringify({ results }));
