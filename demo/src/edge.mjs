// The Assent RP API (SPEC §5), server to server with the bank's API key, through the
// integrator example's client (docs/integrators/example.mjs), as the guide shows.
import { assentClient } from '../../docs/integrators/example.mjs';
import { edgeUrl } from './config.mjs';

/** The client for one RP's credentials. */
export const edgeFor = (env, creds) => assentClient({ edgeOrigin: edgeUrl(env), apiKey: creds.apiKey });

/** A refusal of the bank itself (bad input), answered in the same SPEC §11 shape. */
export class BankError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
