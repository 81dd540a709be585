// The Assent RP API (SPEC §5), server to server, with the bank's API key.

import { edgeUrl } from './config.mjs';

export class EdgeError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function callEdge(env, creds, method, path, body) {
  const response = await fetch(`${edgeUrl(env)}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${creds.apiKey}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    throw new EdgeError(response.status, answer?.error?.code ?? 'internal', answer?.error?.message ?? `HTTP ${response.status}`);
  }
  return answer;
}
