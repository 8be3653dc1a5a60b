import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import { startTestGateway } from '../test-support/gateway.js';
import { startUpstream } from '../test-support/upstream.js';
import { flattenHeaders } from '../traffic/exchange.js';

const MB = 1024 * 1024;

/** A gateway, logging on, with one operation proxied to `upstreamUrl`. */
function gatewayProxying(upstreamUrl: string, method: 'get' | 'post', path: string) {
  return startTestGateway({
    'api.yaml': `openapi: 3.1.0
info: { title: streaming, version: '1' }
x-portico: { upstreams: { backend: { url: '${upstreamUrl}', timeout: 30s } } }
paths:
  ${path}:
    ${method}:
      x-portico: { upstream: backend }
      responses: { '200': { description: ok } }
`,
  });
}

test('a 200 MB upload streams through the whole gateway with logging on, in bounded memory, logged with full size and hash', async () => {
  // An upstream that counts what streams in, and keeps none of it.
  let received = 0;
  const counting = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    req.on('end', () => res.end(JSON.stringify({ received })));
  });
  await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
  const port = (counting.address() as { port: number }).port;
  const gw = await gatewayProxying(`http://127.0.0.1:${port}`, 'post', '/upload');
  try {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const total = 200 * MB;
    const hash = createHash('sha256');
    const before = process.memoryUsage().rss;
    let peak = before;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gw.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': total } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          hash.update(chunk);
          peak = Math.max(peak, process.memoryUsage.rss());
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 200);
    assert.equal(received, total);
    assert.ok(peak - before < 120 * MB, `memory grew by ${Math.round((peak - before) / MB)} MB`);
    const logged = (await gw.logged(1))[0]!;
    assert.equal(logged.requestBody?.size, total);
    assert.equal(logged.requestBody?.sha256, hash.digest('hex'));
    assert.equal(logged.requestBody?.bytes.length, 64 * 1024, 'only the first 64 KiB are kept');
  } finally {
    await gw.close();
    await new Promise<void>((resolve) => {
      counting.closeAllConnections();
      counting.close(() => resolve());
    });
  }
});

test('a client that hangs up mid-response is logged once, with the head it got and why the exchange ended', async () => {
  // An upstream that sends its head and a first chunk, then holds the rest.
  const slow = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first part;');
  });
  const gw = await gatewayProxying(slow.url, 'get', '/held');
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${gw.url}/held`, (res) => {
        res.once('data', () => {
          req.destroy(); // hang up after the first chunk
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.on('close', resolve);
      setTimeout(() => reject(new Error('no first chunk')), 5_000).unref();
      req.end();
    });
    const [logged] = await gw.logged(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(gw.exchanges.length, 1, 'logged once');
    assert.equal(logged!.status, 200);
    assert.ok(logged!.error, 'the log says why the exchange ended early');
    assert.deepEqual(flattenHeaders(logged!.responseHeaders).slice(0, 2), ['content-type', 'text/plain']);
    assert.equal(logged!.responseBody?.bytes.toString(), 'first part;');
  } finally {
    await gw.close();
    await slow.close();
  }
});
