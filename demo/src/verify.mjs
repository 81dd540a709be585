// The two checks every Assent integrator makes (SPEC §8, §9), done with the project's
// JavaScript integrator example (docs/integrators/example.mjs) exactly as the guide shows:
// a webhook is from the edge, and a receipt is the edge's signature over a decision on
// exactly the request this bank created, with the code it showed.
import {
  WebhookError, checkApproves, checkMatchesAsk, receiptKeys, verifyReceiptWithJwks, verifyWebhook,
} from '../../docs/integrators/example.mjs';

const encoder = new TextEncoder();

/** `{ok, event}` or `{ok: false, error}` for an `Assent-Signature` header and the raw body. */
export function checkWebhook({ secret, header, body }) {
  try {
    return { ok: true, event: verifyWebhook({ secret, header, rawBody: encoder.encode(body) }) };
  } catch (error) {
    if (error instanceof WebhookError) return { ok: false, error: `${error.code}: ${error.message}` };
    throw error;
  }
}

/**
 * `{ok, summary}` when `receipt` verifies with the edge's JWK Set, was issued for this RP,
 * is about what the bank asked (`asked`, the POST /v1/requests body) and — for an approval —
 * approves exactly the request created (`created`: id, hash, times, binding code).
 */
export async function checkReceipt({ receipt, edgeUrl, rp, asked, created }) {
  let claims;
  try {
    claims = await verifyReceiptWithJwks(receipt, { edgeOrigin: edgeUrl, rpId: rp, jwks: receiptKeys(edgeUrl) });
    if (claims.jti !== created.request_id) throw new Error('receipt is for another request');
    checkMatchesAsk(claims, asked);
    if (claims.decision === 'approve') checkApproves(claims, created);
  } catch (error) {
    return { ok: false, error: `receipt: ${error.code ?? error.message}` };
  }
  return {
    ok: true,
    summary: {
      decision: claims.decision,
      reason: claims.reason ?? null,
      binding_code: claims.binding_code ?? null,
      signed_at: claims.iat,
      device_id: claims.device?.id,
      fields: claims.request.fields ?? null,
      title: claims.request.title,
    },
  };
}
