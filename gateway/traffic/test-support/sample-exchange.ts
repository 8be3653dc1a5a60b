import { createHash } from 'node:crypto';
import type { CapturedBody, Exchange } from '../exchange.js';

/** A typical exchange: ~10 header pairs each way, small JSON bodies. `i` varies the id and timing. */
export function sampleExchange(i: number, overrides: Partial<Exchange> = {}): Exchange {
  const started = Date.UTC(2025, 0, 1) + i;
  return {
    startedAt: started,
    method: i % 5 === 0 ? 'POST' : 'GET',
    rawUrl: `/pets/${i}?expand=owner&limit=20`,
    url: `/pets/${i}?expand=owner&limit=20`,
    route: '/pets/{id}',
    operationId: 'getPet',
    mode: i % 3 === 0 ? 'proxy' : 'mock',
    status: i % 7 === 0 ? 404 : 200,
    durationMs: 3.25,
    upstreamMs: i % 3 === 0 ? 2.5 : undefined,
    gatewayMs: 0.75,
    clientAddress: '127.0.0.1',
    consumer: i % 2 === 0 ? 'mobile-app' : undefined,
    upstream: i % 3 === 0 ? 'petstore' : undefined,
    requestHeaders: [
      'Host', 'localhost:8080',
      'User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      'Accept', 'application/json',
      'Accept-Encoding', 'gzip, deflate, br',
      'Accept-Language', 'en-US,en;q=0.9',
      'Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc',
      'X-Request-Id', `req-${i}`,
      'Connection', 'keep-alive',
      'Content-Type', 'application/json',
      'Cookie', 'session=abc123; theme=dark',
    ],
    responseHeaders: [
      'Content-Type', 'application/json; charset=utf-8',
      'Content-Length', '87',
      'Date', 'Wed, 01 Jan 2025 00:00:00 GMT',
      'Cache-Control', 'no-store',
      'ETag', `"${i.toString(16)}"`,
      'X-Request-Id', `req-${i}`,
      'Vary', 'Accept-Encoding',
      'Server', 'portico',
      'Connection', 'keep-alive',
      'Keep-Alive', 'timeout=5',
    ],
    requestBody: i % 5 === 0 ? json({ name: `pet ${i}`, tag: 'dog' }) : undefined,
    responseBody: json({ id: i, name: `pet ${i}`, tag: 'dog', owner: { id: 7, name: 'Ada Lovelace' }, vaccinated: true }),
    ...overrides,
  };
}

export function json(value: unknown): CapturedBody {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
