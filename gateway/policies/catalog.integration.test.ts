import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { loadKeyIndex } from '../consumers/resolver.js';
import { openConsumerStore } from '../consumers/store.js';
import { startTestGateway } from '../test-support/gateway.js';
import { startUpstream } from '../test-support/upstream.js';
import { tempWorkspace } from '../test-support/workspace.js';

/** request-size-limit, ip-filter, fault, headers and basic-auth over real HTTP, against a real gateway and upstream. */

const upstream = await startUpstream();
const data = tempWorkspace({});
const store = openConsumerStore(data.dir);
store.add('alice');
store.setPassword('alice', 'open sesame 42');

const gw = await startTestGateway(
  {
    'api.yaml': `openapi: 3.1.0
info: { title: catalog over HTTP, version: '1' }
x-portico:
  upstreams:
    echo: { url: '\${UP}' }
  policies:
    small: { use: request-size-limit, with: { max: 1kb } }
paths:
  /upload:
    post:
      x-portico: { upstream: echo, apply: [small] }
      responses: { '200': { description: ok } }
  /mocked-upload:
    post:
      x-portico: { apply: [small] }
      requestBody: { content: { text/plain: { schema: { type: string } } } }
      responses: { '204': { description: ok } }
  /inside:
    get:
      x-portico: { apply: [{ use: ip-filter, with: { allow: ['127.0.0.0/8', '::1'] } }] }
      responses: { '204': { description: ok } }
  /outside:
    get:
      x-portico: { apply: [{ use: ip-filter, with: { allow: ['10.0.0.0/8'], deny: ['2001:db8::/32'] } }] }
      responses: { '204': { description: ok } }
  /flaky:
    get:
      x-portico: { apply: [{ use: fault, with: { delay: 50ms, errorRate: 1, status: 503 } }] }
      responses: { '204': { description: ok } }
  /shaped:
    get:
      x-portico:
        upstream: echo
        apply:
          - { use: basic-auth, with: { realm: shop } }
          - use: headers
            with:
              request: { set: { X-Consumer: '\${consumer}', X-Page: 'p\${request.query.page}' }, remove: [X-Debug], rename: { X-Old: X-New } }
              response: { set: { X-Served-By: portico }, remove: [X-Powered-By] }
      responses: { '200': { description: ok } }
`,
  },
  { consumers: loadKeyIndex(store), compile: { env: { UP: upstream.url } } },
);
after(async () => {
  await gw.close();
  await upstream.close();
  store.close();
  data.cleanup();
});

/** A POST whose body is written in chunks (no Content-Length), as a streaming client would. */
function chunkedPost(path: string, chunks: number, chunkSize: number): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    let sent = 0;
    const write = () => {
      if (sent === chunks) return req.end();
      sent += 1;
      req.write('x'.repeat(chunkSize), () => setTimeout(write, 5));
    };
    write();
  });
}

test('request-size-limit: Content-Length over max → 413 before the upstream is called, connection closed', async () => {
  const before = upstream.received.length;
  const res = await fetch(`${gw.url}/upload`, { method: 'POST', body: 'x'.repeat(2000) });
  assert.equal(res.status, 413);
  assert.equal(res.headers.get('connection'), 'close');
  assert.equal((await res.json()).type, 'urn:portico:problem:body-too-large');
  assert.equal(upstream.received.length, before);
  const ok = await fetch(`${gw.url}/upload`, { method: 'POST', body: 'x'.repeat(1000) });
  assert.equal(ok.status, 200);
  const logged = (await gw.logged(gw.exchanges.length)).find((e) => e.status === 413)!;
  assert.equal(logged.mode, 'rejected');
  assert.equal(logged.policy?.id, 'request-size-limit');
  assert.equal(logged.policy?.name, 'small');
});

test('request-size-limit: a chunked body is cut off with 413 once it passes max, proxied or mocked', async () => {
  const proxied = await chunkedPost('/upload', 20, 200);
  assert.equal(proxied.status, 413);
  assert.match(proxied.body, /exceeds the limit of 1024 bytes/);
  const mocked = await chunkedPost('/mocked-upload', 20, 200);
  assert.equal(mocked.status, 413);
  const small = await chunkedPost('/upload', 2, 100);
  assert.equal(small.status, 200);
  const rows = (await gw.logged(gw.exchanges.length)).filter((e) => e.status === 413 && e.method === 'POST').slice(-2);
  for (const row of rows) {
    assert.equal(row.mode, 'rejected');
    assert.equal(row.policy?.id, 'request-size-limit');
  }
});

test('ip-filter: loopback is inside 127.0.0.0/8; a route allowing only 10.0.0.0/8 answers 403', async () => {
  assert.equal((await fetch(`${gw.url}/inside`)).status, 204);
  const outside = await fetch(`${gw.url}/outside`, { headers: { 'x-forwarded-for': '10.0.0.1' } });
  assert.equal(outside.status, 403);
  const logged = (await gw.logged(gw.exchanges.length)).at(-1)!;
  assert.match(logged.policy!.reason, /ip-filter \(allow 10\.0\.0\.0\/8; deny 2001:db8::\/32\): client 127\.0\.0\.1 is not in the allow list/);
});

test('fault: delays, then answers the injected status', async () => {
  const started = performance.now();
  const res = await fetch(`${gw.url}/flaky`);
  assert.equal(res.status, 503);
  assert.ok(performance.now() - started >= 45);
});

test('basic-auth + headers: challenge without credentials; with them the upstream sees the consumer and the shaped headers', async () => {
  const challenged = await fetch(`${gw.url}/shaped`);
  assert.equal(challenged.status, 401);
  assert.equal(challenged.headers.get('www-authenticate'), 'Basic realm="shop", charset="UTF-8"');
  assert.equal(challenged.headers.get('x-served-by'), 'portico', 'response headers apply to the gateway’s own answers too');
  const wrong = await fetch(`${gw.url}/shaped`, { headers: { authorization: `Basic ${Buffer.from('alice:nope nope').toString('base64')}` } });
  assert.equal(wrong.status, 401);

  const res = await fetch(`${gw.url}/shaped?page=3`, {
    headers: { authorization: `Basic ${Buffer.from('alice:open sesame 42').toString('base64')}`, 'x-consumer': 'mallory', 'x-debug': '1', 'x-old': 'v' },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-served-by'), 'portico');
  const seen = upstream.received.at(-1)!;
  assert.equal(seen.headers['x-consumer'], 'alice');
  assert.equal(seen.headers['x-page'], 'p3');
  assert.equal(seen.headers['x-debug'], undefined);
  assert.equal(seen.headers['x-new'], 'v');
  assert.equal(seen.headers['x-old'], undefined);
  const logged = (await gw.logged(gw.exchanges.length)).at(-1)!;
  assert.equal(logged.consumer, 'alice');
  assert.ok(logged.requestHeaders.includes('x-consumer') || logged.requestHeaders.includes('X-Consumer'), 'the log keeps what the client sent');
});
