// Example Bank's followRequest (demo/public/bank.js) in Node with a minimal fake DOM, no
// browser: the wait for the outcome ends when the widget reports a final status, and also
// when it cannot — an `assent-error`, or a widget that never loaded — by asking the bank's own
// GET /api/requests/:id until the request is final.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

class FakeWidget extends EventTarget {
  attributes = {};
  setAttribute(name, value) { this.attributes[name] = value; }
}

let widget;
let errorBox;
let defined;
let answers; // what GET /api/requests/:id answers, in turn (the last one repeats)
let asked;

globalThis.document = {
  createElement: (name) => {
    assert.equal(name, 'assent-status');
    widget = new FakeWidget();
    return widget;
  },
  getElementById: (id) => {
    assert.equal(id, 'error');
    return errorBox;
  },
};
globalThis.customElements = { get: (name) => (defined && name === 'assent-status' ? class {} : undefined) };
globalThis.fetch = async (path) => {
  asked.push(path);
  const [status, body] = answers.length > 1 ? answers.shift() : answers[0];
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
};

const { followRequest } = await import('../../demo/public/bank.js');

const created = { request_id: 'AAAAAAAAAAAAAAAAAAAAAA', status_token: 'token' };
const container = { replaceChildren() {} };
const final = { request_id: created.request_id, status: 'approved', verified: true, signed_in: true };
const pending = { request_id: created.request_id, status: 'pending', verified: false };

beforeEach(() => {
  errorBox = { hidden: true, textContent: '' };
  defined = true;
  answers = [[200, final]];
  asked = [];
});

test('a final assent-status: resolves with the bank server\'s answer', async () => {
  const outcome = followRequest(container, created);
  assert.equal(widget.attributes['request-id'], created.request_id);
  widget.dispatchEvent(new CustomEvent('assent-status', { detail: { status: 'pending' } }));
  widget.dispatchEvent(new CustomEvent('assent-status', { detail: { status: 'approved' } }));
  assert.deepEqual(await outcome, final);
  assert.deepEqual(asked, [`/api/requests/${created.request_id}`]);
});

test('assent-error: a clear message, then the bank is polled until the request is final', async () => {
  answers = [[200, pending], [200, final]];
  const outcome = followRequest(container, created);
  widget.dispatchEvent(new CustomEvent('assent-error', { detail: { error: 'unauthorized' } }));
  assert.equal(errorBox.hidden, false);
  assert.match(errorBox.textContent, /could not be read.*unauthorized.*the bank is checking/);
  assert.deepEqual(await outcome, final);
  assert.equal(asked.length, 2, 'pending once, then final');
});

test('the widget never loaded: the bank is polled at once', async () => {
  defined = false;
  assert.deepEqual(await followRequest(container, created), final);
  assert.equal(asked.length, 1);
});

test('polling is all there is and the bank fails: the wait ends with its error', async () => {
  defined = false;
  answers = [[500, { error: { code: 'internal', message: 'the bank had a problem; try again' } }]];
  await assert.rejects(followRequest(container, created), /the bank had a problem/);
});
