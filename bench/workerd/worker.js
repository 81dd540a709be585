// bench/workerd/run.mjs's Worker: the assent-bench wasm module in workerd, the runtime the edge
// runs in, so the edge's push path is timed with workerd's own WebCrypto. Runs from a
// temporary copy holding ./host-push.mjs (bench/host-push.mjs) and ./wasm/ (wasm-bindgen
// --target web). workerd's clock does not advance while a request computes, so the caller
// times each request from outside.
//   GET /fixtures                    the fixtures JSON (keys to check the samples with)
//   GET /sample?mode=fresh|cached    one push on the host-crypto path, the request as JSON
//   GET /host?mode=fresh|cached&n=N  N such pushes, one after the other
//   GET /wasm?op=NAME&n=N            N iterations of a pure-wasm operation (bench/src/ops.rs)
import * as wasm from './wasm/assent_bench.js';
import module from './wasm/assent_bench_bg.wasm';
import { hostPusher } from './host-push.mjs';

wasm.initSync({ module });
let pusher;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') ?? '0');
    const mode = url.searchParams.get('mode') ?? 'cached';
    pusher ??= await hostPusher(wasm, crypto.subtle);
    try {
      switch (url.pathname) {
        case '/fixtures':
          return new Response(wasm.fixtures());
        case '/sample':
          return new Response(await pusher(mode, wasm.host_push_finish_sample));
        case '/host': {
          let sink = 0;
          for (let i = 0; i < n; i++) sink ^= await pusher(mode, wasm.host_push_finish);
          return new Response(String(sink));
        }
        case '/wasm':
          return new Response(String(n > 0 ? wasm.run(url.searchParams.get('op'), n) : 0));
        default:
          return new Response('not found', { status: 404 });
      }
    } catch (e) {
      return new Response(String(e?.stack ?? e), { status: 500 });
    }
  },
};
