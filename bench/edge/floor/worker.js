// The runtime's floor under `wrangler dev`, for comparison with the Assent Worker: the same
// kinds of round trips as the Assent endpoints with nothing else — plain JavaScript, no wasm,
// no parsing, no cryptography.
//   /hello  nothing at all
//   /read   a status read's: one KV read, one Durable Object call that reads its record
//   /write  a creation's: a Durable Object call that reads, writes and sets its alarm, one KV
//           write, then two POSTs to a loopback sink (`?sink=`) in parallel, as the pushes go
export class Account {
  constructor(state) {
    this.state = state;
  }

  alarm() {} // stands for the edge's expiry alarm; nothing is due here

  async fetch(request) {
    if (new URL(request.url).pathname === '/seed') {
      await this.state.storage.put('account', { blob: 'x'.repeat(4000) });
      return new Response('ok');
    }
    const record = await this.state.storage.get('account');
    if (new URL(request.url).pathname === '/write') {
      await this.state.storage.put('account', record);
      await this.state.storage.setAlarm(Date.now() + 600_000);
    }
    return new Response(record ? 'ok' : 'missing', { status: record ? 200 : 500 });
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const user = url.searchParams.get('u') ?? '0';
    const account = () => env.ACCOUNT.get(env.ACCOUNT.idFromName(user));
    switch (url.pathname) {
      case '/hello':
        return new Response('ok');
      case '/seed':
        await env.KV.put(`req:${user}`, 'x'.repeat(700));
        return account().fetch('https://account/seed');
      case '/read': {
        const entry = await env.KV.get(`req:${user}`);
        if (entry === null) return new Response('missing', { status: 500 });
        return account().fetch('https://account/read');
      }
      case '/write': {
        const written = await account().fetch('https://account/write');
        if (!written.ok) return written;
        await env.KV.put(`req:${crypto.randomUUID()}`, 'x'.repeat(700), { expirationTtl: 3600 });
        const sink = url.searchParams.get('sink');
        const sends = [0, 1].map(() => fetch(sink, { method: 'POST', body: new Uint8Array(300) }));
        const answers = await Promise.all(sends);
        return new Response('ok', { status: answers.every((a) => a.status === 201) ? 200 : 502 });
      }
      default:
        return new Response('not found', { status: 404 });
    }
  },
};
