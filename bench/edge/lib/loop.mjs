// Two kinds of load. Closed loop: a fixed number of workers, each sending its next request as
// soon as the previous one answered — what the server can do at most, with the latency that
// queueing at that concurrency gives. Open loop: requests sent at a fixed rate whatever the
// answers do — the latency at that rate. Picking and preparing a request is never timed.

/**
 * Runs `concurrency` workers for `durationMs`. `next(worker)` returns the next request as an
 * async function (that resolves to `null` on success or an error text), or `null` when this
 * worker has no more work right now (it then waits briefly and asks again, until `done()`
 * says the whole run has no work left). Requests started before the deadline run to the end.
 * Returns {requests, elapsedMs, latencies (ms, in completion order), errors: [text]}.
 */
export async function closedLoop({ concurrency, durationMs, next, done = () => false }) {
  const latencies = [];
  const errors = [];
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  async function worker(w) {
    while (performance.now() < deadline) {
      const request = next(w);
      if (request === null) {
        if (done()) return;
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      const start = performance.now();
      let error;
      try {
        error = await request();
      } catch (e) {
        error = `${e.name}: ${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}`;
      }
      latencies.push(performance.now() - start);
      if (error) errors.push(error);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { requests: latencies.length, elapsedMs: performance.now() - t0, latencies, errors };
}

/**
 * Sends `rate` requests per second, evenly spaced, for `durationMs`; `next()` gives each
 * request as in `closedLoop`. A latency runs from when the request was due, not from when it
 * left, so a server that falls behind is charged for the wait (no coordinated omission); at
 * most `maxInFlight` requests are outstanding (then the next ones wait, and that counts).
 * Returns what `closedLoop` returns; `elapsedMs` runs until the last answer.
 */
export async function openLoop({ rate, durationMs, next, maxInFlight = 64 }) {
  const latencies = [];
  const errors = [];
  const total = Math.round((rate * durationMs) / 1000);
  const inFlight = new Set();
  const t0 = performance.now();
  for (let k = 0; k < total; k++) {
    const due = t0 + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const request = next();
    const sent = (async () => {
      let error;
      try {
        error = await request();
      } catch (e) {
        error = `${e.name}: ${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}`;
      }
      latencies.push(performance.now() - due);
      if (error) errors.push(error);
    })();
    inFlight.add(sent);
    sent.finally(() => inFlight.delete(sent));
  }
  await Promise.all(inFlight);
  return { requests: latencies.length, elapsedMs: performance.now() - t0, latencies, errors };
}

/** The nearest-rank percentile `p` (0–100) of `values`, or NaN when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** requests, req/s, p50, p99 and max of one run. */
export function summarize(run) {
  return {
    requests: run.requests,
    seconds: run.elapsedMs / 1000,
    rps: run.requests / (run.elapsedMs / 1000),
    p50: percentile(run.latencies, 50),
    p99: percentile(run.latencies, 99),
    max: run.latencies.length ? run.latencies.reduce((a, b) => Math.max(a, b)) : Number.NaN,
    errors: run.errors.length,
  };
}
