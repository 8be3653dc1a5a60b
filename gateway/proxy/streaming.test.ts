import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { json, request, startGateway, startUpstream } from './test-support/harness.js';

const TOTAL = 200 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 120);
const BOUND = 100 * 1024 * 1024;

/** TOTAL bytes from one reused 64 KiB buffer: nothing big is ever allocated by the producer. */
function generated(): Readable {
  let left = TOTAL;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= chunk.length;
      this.push(chunk);
    },
  });
}

/** Runs `work` while sampling RSS; returns the peak growth over the RSS before it started. */
async function peakRssGrowth(work: () => Promise<void>): Promise<number> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return peak - baseline;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe('forward: streaming', () => {
  test('a 200 MB request body streams through with bounded memory', async (t) => {
    const upstream = await startUpstream((req, res) => {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      req.on('end', () => res.end(JSON.stringify({ size, te: req.headers['transfer-encoding'] ?? null })));
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      let result: { size: number; te: string | null } | undefined;
      const growth = await peakRssGrowth(async () => {
        result = json(await request(gateway.port, { method: 'PUT', path: '/upload', body: generated() }));
      });
      assert.equal(result?.size, TOTAL);
      assert.equal(result?.te, 'chunked');
      assert.ok(growth < BOUND, `RSS grew by ${mb(growth)}`);
      t.diagnostic(`request body: RSS grew by ${mb(growth)} for ${mb(TOTAL)}`);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  test('a 200 MB response body streams through with bounded memory', async (t) => {
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': TOTAL });
      generated().pipe(res);
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      let received = 0;
      let contentLength: string | undefined;
      const growth = await peakRssGrowth(
        () =>
          new Promise<void>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port: gateway.port, path: '/download', agent: false }, (res) => {
                contentLength = res.headers['content-length'];
                res.on('data', (chunk: Buffer) => (received += chunk.length));
                res.on('end', resolve);
                res.on('error', reject);
              })
              .on('error', reject);
          }),
      );
      assert.equal(received, TOTAL);
      assert.equal(contentLength, String(TOTAL));
      assert.ok(growth < BOUND, `RSS grew by ${mb(growth)}`);
      t.diagnostic(`response body: RSS grew by ${mb(growth)} for ${mb(TOTAL)}`);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
