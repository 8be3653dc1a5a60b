import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { rawRequest, startTestGateway } from '../test-support/gateway.js';
import { startUpstream } from '../test-support/upstream.js';
import { flattenHeaders } from '../traffic/exchange.js';

const upstream = await startUpstream();
after(() => upstream.close());

const design = `openapi: 3.1.0
info: { title: gateway tests, version: '1' }
servers: [{ url: 'http://localhost/v1' }]
x-portico:
  upstreams:
    backend: { url: '${upstream.url}/base', timeout: 2s }
    down: { url: 'http://127.0.0.1:9', timeout: 2s }
  limits: { body: 1kb }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-API-Key }
paths:
  /admin/secret:
    get:
      operationId: getSecret
      security: [{ key: [] }]
      x-portico: { upstream: backend }
      responses: { '200': { description: ok } }
  /public/{name}:
    get:
      operationId: getPublic
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      x-portico: { upstream: backend }
      responses: { '200': { description: ok } }
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content: { application/json: { schema: { type: array, items: { type: string } }, example: [a, b] } }
    post:
      operationId: createThing
      x-portico: { upstream: backend }
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses: { '201': { description: created } }
  /down:
    get:
      x-portico: { upstream: down, apply: [{ use: rate-limit, with: { limit: 10, window: 1m } }] }
      responses: { '200': { description: ok } }
  /notes:
    post:
      operationId: createNote
      requestBody: { required: true, content: { application/json: { schema: { type: object, required: [text], properties: { text: { type: string } } } } } }
      responses: { '201': { description: created, content: { application/json: { schema: { type: object, properties: { id: { type: integer } } } } } } }
`;

const gw = await startTestGateway({ 'api.yaml': design }, { consumers: { findByKey: (key) => (key === 'right-key' ? 'alice' : undefined) } });
after(() => gw.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(gw.url + path, { headers });

test('unknown paths get 404 and wrong methods 405 with Allow, both as problem+json, and both are logged', async () => {
  const before = gw.exchanges.length;
  const missing = await get('/nowhere');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-type'), 'application/problem+json');
  assert.equal(((await missing.json()) as { status: number }).status, 404);
  const wrong = await fetch(gw.url + '/things', { method: 'DELETE' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'GET, POST, HEAD');
  assert.equal(((await wrong.json()) as { title: string }).title, 'Method Not Allowed');
  const logged = await gw.logged(before + 2);
  assert.deepEqual(logged.slice(before).map((e) => `${e.status} ${e.mode}`), ['404 unroutable', '405 unroutable']);
});

test('operations match at their paths and under the first server URL path', async () => {
  assert.deepEqual(await (await get('/things')).json(), ['a', 'b']);
  assert.deepEqual(await (await get('/v1/things')).json(), ['a', 'b']);
});

test('no spelling of a path bypasses the policies of the operation it reaches', async () => {
  const spellings = ['/admin/secret', '/public/../admin/secret', '/public/%2e%2e/admin/secret', '/public/%2E%2E/admin/secret', '//admin//secret', '/admin/./secret', '/%61dmin/secret', '/v1/public/../../v1/admin/secret'];
  for (const spelling of spellings) {
    // fetch would normalise the path itself: send it raw.
    const answer = await rawRequest(gw.port, `GET ${spelling} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 401 /, `${spelling} must need the key:\n${answer}`);
  }
  const withKey = await rawRequest(gw.port, `GET /public/../admin/secret HTTP/1.1\r\nHost: x\r\nX-API-Key: right-key\r\nConnection: close\r\n\r\n`);
  assert.match(withKey, /^HTTP\/1\.1 200 /);
  // The upstream sees the path the policies saw.
  assert.equal(upstream.received.at(-1)?.url, '/base/admin/secret');
});

test('encoded slashes and backslashes are refused with 400', async () => {
  for (const spelling of ['/admin%2fsecret', '/public/a%2F..%2F..%2Fadmin%2Fsecret', '/admin\\secret']) {
    const answer = await rawRequest(gw.port, `GET ${spelling} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 400 /, spelling);
    assert.match(answer, /application\/problem\+json/);
  }
});

test('proxied requests reach the upstream path below its base, with X-Forwarded-* from the socket, not the client', async () => {
  const response = await get('/public/hello?x=1', { 'x-forwarded-for': '6.6.6.6', forwarded: 'for=6.6.6.6' });
  assert.equal(response.status, 200);
  const seen = (await response.json()) as { url: string; headers: Record<string, string> };
  assert.equal(seen.url, '/base/public/hello?x=1');
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  assert.doesNotMatch(seen.headers.forwarded ?? '', /6\.6\.6\.6/);
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
});

test('a request with both Content-Length and Transfer-Encoding is refused with 400 and never reaches the upstream', async () => {
  const before = upstream.received.length;
  const smuggled = 'POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin/secret HTTP/1.1\r\nHost: x\r\n\r\n';
  const answer = await rawRequest(gw.port, smuggled);
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.match(answer, /"status":400/);
  assert.equal((answer.match(/HTTP\/1\.1 /g) ?? []).length, 1, 'only one response: the smuggled request is not served');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(upstream.received.length, before);
  const rejected = gw.exchanges.filter((e) => e.policy?.id === 'http');
  assert.ok(rejected.some((e) => e.status === 400 && e.method === 'POST'), 'the refused request is logged');
});

test('oversized headers get 431 with a problem body, and are logged', async () => {
  const answer = await rawRequest(gw.port, `GET /things HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 431 /);
  assert.match(answer, /"status":431/);
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(gw.exchanges.some((e) => e.status === 431));
});

test('a body read whole (to validate and mock) is capped: 413 beyond the limit, whether announced or streamed', async () => {
  const big = JSON.stringify({ text: 'x'.repeat(2_000) });
  const announced = await fetch(gw.url + '/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  assert.equal(announced.status, 413);
  assert.equal(((await announced.json()) as { status: number }).status, 413);

  const streamed = await new Promise<number>((resolve, reject) => {
    const req = request(`${gw.url}/notes`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write('x'.repeat(500));
    req.end();
  });
  assert.equal(streamed, 413);
  const fine = await fetch(gw.url + '/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
  assert.equal(fine.status, 201);
});

test('an invalid request to a mocked operation gets a problem listing every violation, and is logged as rejected', async () => {
  const response = await fetch(gw.url + '/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text": 5}' });
  assert.equal(response.status, 422);
  const body = (await response.json()) as { errors: { pointer: string; in: string }[] };
  assert.deepEqual(body.errors.map((e) => `${e.in}${e.pointer}`), ['body/text']);
  const logged = (await gw.logged(gw.exchanges.length)).at(-1)!;
  assert.equal(logged.mode, 'rejected');
  assert.equal(logged.policy?.id, 'validate-request');
  assert.equal(logged.operationId, 'createNote');
});

test('the log records operation, mode, timings, consumer and bodies', async () => {
  const before = gw.exchanges.length;
  await (await fetch(gw.url + '/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).text();
  await (await get('/admin/secret', { 'x-api-key': 'right-key' })).text();
  const [created, secret] = (await gw.logged(before + 2)).slice(before);
  assert.equal(created!.operationId, 'createThing');
  assert.equal(created!.mode, 'proxy');
  assert.equal(created!.upstream, 'backend');
  assert.equal(created!.requestBody?.bytes.toString(), '{"a":1}');
  assert.equal(created!.requestBody?.size, 7);
  assert.match(created!.responseBody?.bytes.toString() ?? '', /"method":"POST"/);
  assert.ok(created!.upstreamMs! >= 0 && created!.durationMs >= created!.upstreamMs!);
  assert.equal(secret!.consumer, 'alice');
  assert.equal(secret!.status, 200);
});

test('the log keeps the response headers the client received, those Node adds included, mocked or proxied', async () => {
  for (const path of ['/things', '/v1/public/abc']) {
    const before = gw.exchanges.length;
    const answer = await rawRequest(gw.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const received = answer.slice(answer.indexOf('\r\n') + 2, answer.indexOf('\r\n\r\n')).split('\r\n').flatMap((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 2)];
    });
    const logged = (await gw.logged(before + 1)).at(-1)!;
    assert.equal(logged.rawUrl, path);
    assert.deepEqual(flattenHeaders(logged.responseHeaders), received, path);
    assert.ok(received.some((name) => name.toLowerCase() === 'date'), 'Node’s own Date header is among them');
  }
});

test('a WebSocket handshake runs the route’s policies first: no key, no tunnel', async () => {
  const answer = await rawRequest(gw.port, 'GET /admin/secret HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 401 /);
  assert.match(answer, /application\/problem\+json/);
});

test('an upstream that refuses gives 502 naming it, still labelled with the headers policies added', async () => {
  const response = await get('/down');
  assert.equal(response.status, 502);
  assert.equal(response.headers.get('ratelimit-limit'), '10');
  const body = (await response.json()) as { upstream: string; status: number };
  assert.equal(body.upstream, 'down');
  const logged = (await gw.logged(gw.exchanges.length)).at(-1)!;
  assert.equal(logged.status, 502);
  assert.match(logged.error ?? '', /ECONNREFUSED|refused/);
});
