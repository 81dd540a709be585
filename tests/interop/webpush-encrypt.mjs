// RFC 8291 messages sealed by an independent implementation: npm `http_ece` (aes128gcm, rs
// 4096), with its own random ephemeral key and salt, for the Rust side to open.
// stdin:  {messages: [{ua_public, auth, plaintext}]}       (all base64url)
// stdout: {results: [{body}]}                              (base64url)
import crypto from 'node:crypto';
import ece from 'http_ece';

const input = JSON.parse(await new Response(process.stdin).text());
const results = input.messages.map((m) => {
  const sender = crypto.createECDH('prime256v1');
  sender.generateKeys();
  const body = ece.encrypt(Buffer.from(m.plaintext, 'base64url'), {
    version: 'aes128gcm',
    rs: 4096,
    salt: crypto.randomBytes(16).toString('base64url'),
    privateKey: sender, // its public key goes into the header as keyid
    dh: m.ua_public,
    authSecret: m.auth,
  });
  return { body: body.toString('base64url') };
});
process.stdout.write(JSON.stringify({ results }));
