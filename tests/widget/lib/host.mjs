// The website that embeds <assent-status>: a node http server on 127.0.0.1 serving one page,
// opened as http://localhost:<port> (the origin the RP configures) — another origin than the
// edge's, as on a real website. The page records what the widget does for the tests:
// `window.events` (every `assent-status` / `assent-error` event, with its detail and time),
// `el.__live` (every write to the widget's aria-live region, captured by a MutationObserver
// installed when the shadow root is attached) and `window.violations` (CSP reports).
import { createServer } from 'node:http';

const page = ({ edgeUrl }) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Example Bank — sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 24px; background: #f4f5f7; font-family: system-ui, sans-serif; }
  assent-status { width: 320px; }
</style>
<script>
  window.events = [];
  window.violations = [];
  for (const type of ['assent-status', 'assent-error']) {
    document.addEventListener(type, (e) => window.events.push({ type, ...e.detail, at: performance.now() }));
  }
  document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.blockedURI));
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    if (this.localName === 'assent-status') {
      const live = (this.__live = []);
      new MutationObserver((records) => {
        const region = root.querySelector('[aria-live]');
        if (!region) return;
        if (records.some((r) => region === r.target || region.contains(r.target))) live.push(region.textContent);
      }).observe(root, { subtree: true, childList: true, characterData: true });
    }
    return root;
  };
  window.mount = (attrs) => {
    const el = document.createElement('assent-status');
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    document.querySelector('main').append(el);
    return el;
  };
</script>
<script type="module" src="${edgeUrl}/widget.js"></script>
</head><body><main></main></body></html>`;

/**
 * Starts the website. `GET /` is the page; `GET /csp` the same page with a Content Security
 * Policy whose connect-src admits the edge over http (fetch) but not ws: (the live socket),
 * so the widget can only poll; `GET /strict-style` with `style-src 'self'` (no inline styles). Returns {port, origin, url(path, host), setEdge(url), close()}.
 */
export async function startHost() {
  let edgeUrl = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    if (path === '/csp') headers['content-security-policy'] = `connect-src 'self' ${edgeUrl}`;
    // As strict on styles as a bank's policy: no inline <style> anywhere (the page's own
    // is refused too, which shows the policy is on).
    else if (path === '/strict-style') headers['content-security-policy'] = "style-src 'self'";
    else if (path !== '/') { res.writeHead(404).end(); return; }
    res.writeHead(200, headers).end(page({ edgeUrl }));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    port,
    origin: `http://localhost:${port}`,
    /** The page's URL; `host: '127.0.0.1'` gives another origin, which the RP does not list. */
    url: (path = '/', host = 'localhost') => `http://${host}:${port}${path}`,
    setEdge: (url) => { edgeUrl = url; },
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
