// The page side of the phone's Web Push stub (TOOLCHAIN.md pitfall 10): Chromium's own
// `pushManager.subscribe()` never settles without Google's push service, so the phone
// replaces it with one that asks the test (through an exposed function) for a subscription
// on the fake push service, whose keys the test holds.
//
// It behaves as Chromium does where the app can tell: `userVisibleOnly: true` and an
// `applicationServerKey` are required, subscribing needs the notifications permission (and
// asks for it when it is still "default"), a second subscribe with another key is an
// InvalidStateError, `getSubscription()` answers null until someone subscribed, and the
// objects handed out are real `PushSubscription` instances (`instanceof` holds; the
// prototype's accessors answer for them), so bindings that check the class (wasm-bindgen's
// `dyn_into`) or call the prototype's methods directly still work.

/**
 * The init script, run in every document of the phone's context before the page's own
 * scripts. `bridge` is the name of the function the phone exposed: `bridge(op, arg)` with op
 * `subscribe` (arg: b64u applicationServerKey) → PushSubscriptionJSON, `get` → it or null,
 * `unsubscribe` (arg: endpoint) → boolean.
 */
export function pushStubInitScript(bridge) {
  if (typeof PushManager === 'undefined' || typeof PushSubscription === 'undefined') return;
  const call = (op, arg) => globalThis[bridge](op, arg);
  const fakes = new WeakMap();

  const b64uToBytes = (text) => {
    const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  const bytesToB64u = (bytes) => btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const keyBytes = (key) => {
    if (typeof key === 'string') return b64uToBytes(key);
    if (key instanceof ArrayBuffer) return new Uint8Array(key);
    if (ArrayBuffer.isView(key)) return new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
    throw new TypeError('applicationServerKey must be a BufferSource or a base64url string');
  };

  function fake(json, serverKey) {
    const sub = Object.create(PushSubscription.prototype);
    fakes.set(sub, { json, serverKey });
    return sub;
  }

  // The prototype's accessors and methods answer for fakes and defer to Chromium otherwise.
  const proto = PushSubscription.prototype;
  const getter = (name, value) => {
    const original = Object.getOwnPropertyDescriptor(proto, name);
    Object.defineProperty(proto, name, {
      configurable: true, enumerable: true,
      get() { const f = fakes.get(this); return f ? value(f) : original.get.call(this); },
    });
  };
  const method = (name, impl) => {
    const original = proto[name];
    Object.defineProperty(proto, name, {
      configurable: true, enumerable: true, writable: true,
      value: function (...args) { const f = fakes.get(this); return f ? impl(f, ...args) : original.apply(this, args); },
    });
  };
  getter('endpoint', (f) => f.json.endpoint);
  getter('expirationTime', (f) => f.json.expirationTime ?? null);
  getter('options', (f) => ({ userVisibleOnly: true, applicationServerKey: f.serverKey.slice().buffer }));
  method('getKey', (f, name) => {
    const text = f.json.keys?.[name];
    return text === undefined ? null : b64uToBytes(text).buffer;
  });
  method('toJSON', (f) => JSON.parse(JSON.stringify(f.json)));
  method('unsubscribe', (f) => call('unsubscribe', f.json.endpoint));

  const permission = () => (Notification.permission === 'default' ? 'prompt' : Notification.permission);

  const pm = PushManager.prototype;
  Object.defineProperty(pm, 'subscribe', {
    configurable: true, writable: true,
    value: async function subscribe(options = {}) {
      if (options.userVisibleOnly !== true) {
        throw new DOMException('Chrome currently only supports the Push API for subscriptions that will result in user-visible messages. You can indicate this by calling pushManager.subscribe({userVisibleOnly: true}) instead.', 'NotAllowedError');
      }
      if (options.applicationServerKey == null) {
        throw new DOMException('Registration failed - missing applicationServerKey, and gcm_sender_id not found in manifest', 'AbortError');
      }
      const serverKey = keyBytes(options.applicationServerKey);
      if (serverKey.length !== 65 || serverKey[0] !== 4) {
        throw new DOMException('The provided applicationServerKey is not valid.', 'InvalidAccessError');
      }
      if (Notification.permission !== 'granted' && (await Notification.requestPermission()) !== 'granted') {
        throw new DOMException('Registration failed - permission denied', 'NotAllowedError');
      }
      const answer = await call('subscribe', bytesToB64u(serverKey));
      if (answer.error) throw new DOMException(answer.error.message, answer.error.name);
      return fake(answer.subscription, serverKey);
    },
  });
  Object.defineProperty(pm, 'getSubscription', {
    configurable: true, writable: true,
    value: async function getSubscription() {
      const answer = await call('get');
      return answer ? fake(answer.subscription, b64uToBytes(answer.applicationServerKey)) : null;
    },
  });
  Object.defineProperty(pm, 'permissionState', {
    configurable: true, writable: true,
    value: async function permissionState() { return permission(); },
  });
}
