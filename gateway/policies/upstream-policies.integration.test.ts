import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway } from '../test-support/gateway.js';
import { startUpstream } from '../test-support/upstream.js';

/** timeout, retry, load-balance and mock-fallback over real HTTP, against real upstreams on 127.0.0.1. */

const reply = (name: string) => startUpstream((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ from: name }));
});
const blue = await reply('blue');
const green = await reply('green');
const slow = await startUpstream((_req, res) => setTimeout(() => res.end('late'), 400));
let flakyFailures = 0;
const flaky = await startUpstream((_req, res) => {
  if (flakyFailures > 0) {
    flakyFailures -= 1;
    res.writeHead(503);
    res.end();
    return;
  }
  res.end('ok');
});
let slowFirst = 0;
const sluggish = await startUpstream((_req, res) => {
  slowFirst += 1;
  if (slowFirst % 2 === 1) setTimeout(() => res.end('late'), 300);
  else res.end('quick');
});
let resets = 0;
const resetting = await startUpstream((req, res) => {
  resets += 1;
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write('partial');
  setTimeout(() => req.socket.destroy(), 20);
});
// A port nothing listens on: connections are refused.
const closed = createServer();
await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
const downPort = (closed.address() as AddressInfo).port;
await new Promise<void>((resolve) => closed.close(() => resolve()));

const gw = await startTestGateway(
  {
    'api.yaml': `openapi: 3.1.0
info: { title: upstream policies, version: '1' }
x-portico:
  upstreams:
    blue: { url: '${blue.url}' }
    green: { url: '${green.url}' }
    slow: { url: '${slow.url}' }
    flaky: { url: '${flaky.url}' }
    resetting: { url: '${resetting.url}' }
    sluggish: { url: '${sluggish.url}' }
    down: { url: 'http://127.0.0.1:${downPort}' }
  policies:
    again: { use: retry, with: { retries: 2, backoff: 10ms } }
paths:
  /slow:
    get:
      x-portico: { upstream: slow, apply: [{ use: timeout, with: { response: 100ms } }] }
      responses: { '200': { description: ok } }
  /sluggish:
    get:
      x-portico: { upstream: sluggish, apply: [{ use: timeout, with: { response: 100ms } }, again] }
      responses: { '200': { description: ok } }
  /flaky:
    get:
      x-portico: { upstream: flaky, apply: [again] }
      responses: { '200': { description: ok } }
    post:
      x-portico: { upstream: flaky, apply: [again] }
      responses: { '200': { description: ok } }
    put:
      x-portico: { upstream: flaky, apply: [again] }
      responses: { '200': { description: ok } }
  /resetting:
    get:
      x-portico: { upstream: resetting, apply: [again] }
      responses: { '200': { description: ok } }
  /lb:
    get:
      x-portico: { apply: [{ use: load-balance, with: { targets: [{ upstream: blue }, { upstream: green }] } }] }
      responses: { '200': { description: ok } }
  /lb-with-down:
    get:
      x-portico: { apply: [again, { use: load-balance, with: { targets: [{ upstream: blue }, { upstream: down }], passive: { failures: 1, ejectFor: 1m } } }] }
      responses: { '200': { description: ok } }
  /none:
    get:
      x-portico: { apply: [{ use: load-balance, with: { targets: [{ upstream: down }], passive: { failures: 1, ejectFor: 1m } } }] }
      responses: { '200': { description: ok } }
  /fallback:
    get:
      x-portico: { upstream: down, apply: [again, { use: mock-fallback }] }
      responses: { '200': { description: ok, content: { application/json: { example: { from: mock } } } } }
    post:
      x-portico: { upstream: down, apply: [{ use: mock-fallback }] }
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, required: [name], properties: { name: { type: string } } } } }
      responses: { '201': { description: created, content: { application/json: { example: { created: true } } } } }
`,
  },
);
after(async () => {
  await gw.close();
  for (const server of [blue, green, slow, flaky, resetting, sluggish]) await server.close();
});

const lastLogged = async () => (await gw.logged(gw.exchanges.length)).at(-1)!;

test('timeout: a late upstream gets 504, and the log names the timeout policy', async () => {
  const started = performance.now();
  const res = await fetch(`${gw.url}/slow`);
  assert.equal(res.status, 504);
  assert.ok(performance.now() - started < 350, 'answered at the route’s limit, not the upstream’s 30 s');
  await new Promise((r) => setTimeout(r, 20));
  const logged = await lastLogged();
  assert.equal(logged.policy?.id, 'timeout');
  assert.match(logged.error ?? '', /did not respond within 100 ms/);
});

test('timeout + retry: an attempt that times out is retried, and the retry is not hurt by the abandoned one', async () => {
  slowFirst = 0;
  const res = await fetch(`${gw.url}/sluggish`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'quick');
  assert.equal(sluggish.received.length, 2);
  await new Promise((r) => setTimeout(r, 300));
  const logged = await lastLogged();
  assert.equal(logged.status, 200);
  assert.equal(logged.error, undefined);
});

test('retry: a GET is retried after 503s and succeeds; a POST is not retried', async () => {
  flakyFailures = 2;
  const before = flaky.received.length;
  const res = await fetch(`${gw.url}/flaky`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ok');
  assert.equal(flaky.received.length - before, 3);

  flakyFailures = 1;
  const post = await fetch(`${gw.url}/flaky`, { method: 'POST' });
  assert.equal(post.status, 503);
  flakyFailures = 0;
});

test('retry: a PUT body within the body limit is held and sent again on each attempt; a chunked one is not retried', async () => {
  flakyFailures = 2;
  const before = flaky.received.length;
  const put = await fetch(`${gw.url}/flaky`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"Rex"}' });
  assert.equal(put.status, 200);
  const attempts = flaky.received.slice(before);
  assert.deepEqual(attempts.map((r) => r.body), ['{"name":"Rex"}', '{"name":"Rex"}', '{"name":"Rex"}']);
  assert.deepEqual(attempts.map((r) => r.headers['content-length']), ['14', '14', '14']);

  // A streamed body of unknown length goes through as it comes: it cannot be sent twice.
  flakyFailures = 1;
  const streamed = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"name":"Rex"}'));
      controller.close();
    },
  });
  const chunked = await fetch(`${gw.url}/flaky`, { method: 'PUT', body: streamed, duplex: 'half' } as RequestInit);
  assert.equal(chunked.status, 503);
  assert.equal(flaky.received.at(-1)!.body, '{"name":"Rex"}');
  flakyFailures = 0;
});

test('retry: never once the response has started (the upstream resets mid-body: one attempt, the connection is cut)', async () => {
  const before = resets;
  await assert.rejects(async () => {
    const res = await fetch(`${gw.url}/resetting`);
    await res.text();
  });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(resets - before, 1);
});

test('load-balance: round-robin across two upstreams; the log records which one answered', async () => {
  const froms: string[] = [];
  for (let i = 0; i < 4; i++) froms.push(((await (await fetch(`${gw.url}/lb`)).json()) as { from: string }).from);
  assert.deepEqual(froms, ['blue', 'green', 'blue', 'green']);
  assert.equal((await lastLogged()).upstream, 'green');
});

test('load-balance + retry: a refused target is ejected and the retry goes to the other one; clients see only successes', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await fetch(`${gw.url}/lb-with-down`)).status);
  assert.deepEqual(statuses, [200, 200, 200, 200]);
});

test('load-balance: with no healthy target the gateway answers 503 with a problem', async () => {
  const first = await fetch(`${gw.url}/none`);
  assert.equal(first.status, 502, 'the first attempt fails and ejects the only target');
  const res = await fetch(`${gw.url}/none`);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal((await res.json()).type, 'urn:portico:problem:no-healthy-upstream');
  const logged = await lastLogged();
  assert.equal(logged.policy?.id, 'load-balance');
  assert.match(logged.policy!.reason, /no upstream is healthy/);
});

test('mock-fallback: when every attempt to the upstream fails, the mock answers, flagged in the log', async () => {
  const res = await fetch(`${gw.url}/fallback`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { from: 'mock' });
  const logged = await lastLogged();
  assert.equal(logged.mode, 'mock');
  assert.equal(logged.policy?.id, 'mock-fallback');
  assert.match(logged.policy!.reason, /refused the connection \(ECONNREFUSED\) \(after 3 attempts\); answered from the mock/);

  // A request with a body falls back too: the held body is checked against the design as the mock always does.
  const created = await fetch(`${gw.url}/fallback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Rex"}' });
  assert.equal(created.status, 201);
  assert.deepEqual(await created.json(), { created: true });
  assert.equal((await lastLogged()).policy?.id, 'mock-fallback');
  const invalid = await fetch(`${gw.url}/fallback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":7}' });
  assert.equal(invalid.status, 422);
});
