import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestGateway } from '../test-support/gateway.js';
import { startUpstream } from '../test-support/upstream.js';

/** validate-request, validate-response, rewrite, transform-body and cache over real HTTP, against a real upstream. */

let upstreamBody = '{"items":[{"id":1,"price":5,"cost":3}],"internal":"x"}';
let upstreamHeaders: Record<string, string> = {};
/** Past the default body limit (10 MB): a response-body policy gives up on it and it streams through unchanged. */
const bigBody = `{"items":[],"pad":"${'p'.repeat(11 * 1024 * 1024)}"}`;
const upstream = await startUpstream((req, res, body) => {
  if (req.url === '/big-items') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(bigBody);
    return;
  }
  if (req.url?.startsWith('/echo')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, body: body === '' ? null : JSON.parse(body), encoding: req.headers['accept-encoding'] ?? null }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', ...upstreamHeaders });
  res.end(upstreamBody);
});

const gw = await startTestGateway({
  'api.yaml': `openapi: 3.1.0
info: { title: shaping over HTTP, version: '1' }
x-portico:
  upstreams:
    backend: { url: '${upstream.url}' }
  upstream: backend
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties: { name: { type: string }, age: { type: integer, minimum: 0 } }
    Items:
      type: object
      required: [items]
      properties:
        items: { type: array, items: { type: object, required: [id, price], properties: { id: { type: integer }, price: { type: number } } } }
paths:
  /echo/pets:
    post:
      x-portico: { apply: [{ use: validate-request }, { use: transform-body, with: { request: { omit: [/role], set: { /source: gateway } } } }] }
      requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
      responses: { '200': { description: ok } }
  /items:
    get:
      x-portico: { apply: [{ use: validate-response }, { use: transform-body, with: { response: { omit: [/internal, /items/*/cost] } } }] }
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Items' } } } } }
  /big-items:
    get:
      x-portico: { apply: [{ use: transform-body, with: { response: { omit: [/pad] } } }] }
      responses: { '200': { description: ok } }
  /strict-items:
    get:
      x-portico: { apply: [{ use: rewrite, with: { path: { from: '^/strict-items$', to: /items } } }, { use: validate-response, with: { enforce: true } }] }
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Items' } } } } }
  /v1/users/{id}:
    get:
      x-portico: { apply: [{ use: rewrite, with: { path: { from: '^/v1/users/([^/]+)$', to: '/echo/people/$1' }, query: { rename: { q: search } } } }] }
      responses: { '200': { description: ok } }
  /cached:
    get:
      x-portico: { apply: [{ use: cache, with: { ttl: 1m } }] }
      responses: { '200': { description: ok } }
`,
});
after(async () => {
  await gw.close();
  await upstream.close();
});

const lastLogged = async () => (await gw.logged(gw.exchanges.length)).at(-1)!;
const post = (path: string, body: string) => fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test('validate-request in proxy mode: 422 with every violation and its pointer, the upstream never called; valid bodies go on, reshaped', async () => {
  const before = upstream.received.length;
  const bad = await post('/echo/pets', '{"age":-1}');
  assert.equal(bad.status, 422);
  const problem = await bad.json();
  assert.deepEqual(problem.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/age', '/name']);
  assert.equal(upstream.received.length, before);
  assert.equal((await lastLogged()).policy?.id, 'validate-request');
  assert.equal((await post('/echo/pets', '{nope')).status, 400);
  assert.equal((await fetch(`${gw.url}/echo/pets`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status, 415);

  const ok = await post('/echo/pets', '{"name":"Rex","role":"admin"}');
  assert.equal(ok.status, 200);
  const seen = await ok.json();
  assert.deepEqual(seen.body, { name: 'Rex', source: 'gateway' });
  const timed = (await lastLogged()).policyTimings?.map((t) => t.id) ?? [];
  assert.ok(timed.includes('validate-request') && timed.includes('transform-body'), `the request-body phase is timed in the log: ${timed.join(', ')}`);
  assert.equal(upstream.received.at(-1)!.headers['content-length'], String(Buffer.byteLength('{"name":"Rex","source":"gateway"}')));
});

test('validate-response reports violations in a header and the log; transform-body reshapes the response; enforce gives 502', async () => {
  upstreamBody = '{"items":[{"id":1,"price":"five","cost":3}],"internal":"x"}';
  const res = await fetch(`${gw.url}/items`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-contract-violations'), '1; body/items/0/price: must be number');
  assert.deepEqual(await res.json(), { items: [{ id: 1, price: 'five' }] });
  assert.equal(upstream.received.at(-1)!.headers['accept-encoding'], undefined, 'asked for an uncompressed body');
  const logged = await lastLogged();
  assert.equal(logged.mode, 'proxy');
  assert.match(logged.policy!.reason, /1 violation of the design in the upstream's 200 response: body\/items\/0\/price: must be number/);

  const enforced = await fetch(`${gw.url}/strict-items`);
  assert.equal(enforced.status, 502);
  assert.equal((await enforced.json()).type, 'urn:portico:problem:contract-violation');

  upstreamBody = '{"items":[{"id":1,"price":5,"cost":3}],"internal":"x"}';
  const good = await fetch(`${gw.url}/strict-items`);
  assert.equal(good.status, 200);
  assert.equal(good.headers.get('x-contract-violations'), null);
});

test('a response too large for a response-body policy streams through unchanged, and the log keeps it from its first byte', async () => {
  const res = await fetch(`${gw.url}/big-items`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), bigBody);
  const logged = await lastLogged();
  assert.equal(logged.responseBody?.size, bigBody.length);
  const kept = logged.responseBody!.bytes.toString();
  assert.ok(kept.length > 0 && bigBody.startsWith(kept), 'the kept bytes are the start of the body, the part read before giving up included');
  assert.equal(logged.responseBody?.sha256, createHash('sha256').update(bigBody).digest('hex'));
});

test('rewrite: the upstream sees the rewritten path and query; the log keeps what the client asked', async () => {
  const res = await fetch(`${gw.url}/v1/users/42?q=ann`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).url, '/echo/people/42?search=ann');
  assert.equal((await lastLogged()).url, '/v1/users/42?q=ann');
});

test('cache: MISS then HIT (the upstream answers once); Set-Cookie responses are never cached; unkeyed headers cannot poison it', async () => {
  upstreamHeaders = { 'cache-control': 'max-age=60' };
  const before = upstream.received.length;
  const first = await fetch(`${gw.url}/cached?b=2&a=1`);
  assert.equal(first.headers.get('x-cache'), 'MISS');
  const body = await first.text();
  const second = await fetch(`${gw.url}/cached?a=1&b=2`);
  assert.equal(second.headers.get('x-cache'), 'HIT');
  assert.equal(await second.text(), body);
  assert.equal(upstream.received.length - before, 1);
  const logged = await lastLogged();
  assert.equal(logged.mode, 'policy');
  assert.equal(logged.policy?.id, 'cache');

  // Poisoning attempt: a forwarding header the upstream might reflect. The gateway replaces forwarding headers, and
  // the answer served to the next client is the one keyed on method, path and query only.
  upstreamBody = '{"poisoned":false}';
  await fetch(`${gw.url}/cached?poison=1`, { headers: { 'x-forwarded-host': 'evil.example' } });
  assert.equal(upstream.received.at(-1)!.headers['x-forwarded-host'], `127.0.0.1:${gw.port}`);
  const override = await fetch(`${gw.url}/cached?a=1&b=2`, { headers: { 'x-http-method-override': 'DELETE' } });
  assert.equal(override.headers.get('x-cache'), 'BYPASS');

  upstreamHeaders = { 'set-cookie': 'session=abc', 'cache-control': 'max-age=60' };
  await fetch(`${gw.url}/cached?cookie=1`);
  assert.equal((await fetch(`${gw.url}/cached?cookie=1`)).headers.get('x-cache'), 'MISS');
  upstreamHeaders = {};
});
