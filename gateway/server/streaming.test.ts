import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import { startTestGateway } from '../test-support/gateway.js';

const MB = 1024 * 1024;

test('a 200 MB upload streams through the whole gateway with logging on, in bounded memory, logged with full size and hash', async () => {
  // An upstream that counts what streams in, and keeps none of it.
  let received = 0;
  const counting = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    req.on('end', () => res.end(JSON.stringify({ received })));
  });
  await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
  const port = (counting.address() as { port: number }).port;
  const gw = await startTestGateway({
    'api.yaml': `openapi: 3.1.0
info: { title: streaming, version: '1' }
x-portico: { upstreams: { sink: { url: 'http://127.0.0.1:${port}', timeout: 30s } } }
paths:
  /upload:
    post:
      x-portico: { upstream: sink }
      responses: { '200': { description: ok } }
`,
  });
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
