import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { openTrafficDb } from '../gateway/traffic/db.js';
import type { Exchange } from '../gateway/traffic/exchange.js';
import { indexPending } from '../gateway/traffic/maintenance.js';
import { openTrafficLog } from '../gateway/traffic/writer.js';

/**
 * Fills a traffic log with realistic exchanges of the example petstore, spread over the last `--hours`, for measuring
 * the inspector at scale (`npm run bench:traffic`), or for trying the UI on a big log:
 *
 *   node --import tsx scripts/generate-traffic.ts --count 1000000 --db /tmp/traffic.db [--hours 24] [--seed 1]
 *
 * It writes through the gateway's own writer (redaction, per-minute aggregates), then builds the full-text index the
 * way the writer thread does when idle, and prints how long each took.
 */

const { values } = parseArgs({
  options: { count: { type: 'string', default: '1000000' }, db: { type: 'string' }, hours: { type: 'string', default: '24' }, seed: { type: 'string', default: '1' }, force: { type: 'boolean', default: false } },
});
if (!values.db) {
  process.stderr.write('usage: generate-traffic.ts --count N --db FILE [--hours 24] [--seed 1] [--force]\n');
  process.exit(2);
}
const file = resolve(values.db);
const count = Number(values.count);
const spanMs = Number(values.hours) * 3_600_000;
if (existsSync(file)) {
  if (!values.force) {
    process.stderr.write(`${file} exists; --force replaces it\n`);
    process.exit(2);
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

// A small deterministic generator (mulberry32), so two runs with one seed give the same log.
let state = Number(values.seed) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
/** Log-normal latency around `median` ms. */
const latency = (median: number) => median * Math.exp(0.6 * Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random()));

const operations = [
  { id: 'listPets', method: 'GET', route: '/pets', path: () => `/pets?limit=${pick([10, 20, 50])}`, mode: 'mock', median: 1.2, weight: 30 },
  { id: 'getPet', method: 'GET', route: '/pets/{petId}', path: () => `/pets/${1 + Math.floor(random() * 5000)}`, mode: 'mock', median: 0.9, weight: 35 },
  { id: 'createPet', method: 'POST', route: '/pets', path: () => '/pets', mode: 'mock', median: 1.5, weight: 8 },
  { id: 'deletePet', method: 'DELETE', route: '/pets/{petId}', path: () => `/pets/${1 + Math.floor(random() * 5000)}`, mode: 'mock', median: 1.1, weight: 2 },
  { id: 'listStock', method: 'GET', route: '/inventory', path: () => '/inventory', mode: 'proxy', median: 12, weight: 15 },
  { id: 'getStock', method: 'GET', route: '/inventory/{sku}', path: () => `/inventory/SKU-${1000 + Math.floor(random() * 900)}`, mode: 'proxy', median: 9, weight: 10 },
] as const;
const totalWeight = operations.reduce((n, o) => n + o.weight, 0);
const words = ['rex', 'tom', 'bella', 'luna', 'max', 'dog', 'cat', 'parrot', 'hamster', 'good', 'vaccinated', 'indoor', 'adopted', 'senior', 'puppy'];
const consumers = ['alice', 'bob', 'mobile-app', 'partner-acme', undefined, undefined];

function exchange(i: number, startedAt: number): Exchange {
  let roll = random() * totalWeight;
  const op = operations.find((o) => (roll -= o.weight) < 0) ?? operations[0];
  const url = op.path();
  const consumer = pick(consumers);
  const r = random();
  let status = op.method === 'POST' ? 201 : op.method === 'DELETE' ? 204 : 200;
  let mode: Exchange['mode'] = op.mode;
  let policy: Exchange['policy'];
  let error: string | undefined;
  if (r < 0.01) {
    status = 429;
    mode = 'rejected';
    policy = { id: 'rate-limit', name: 'steady', reason: 'rate limit 100/1m by consumer exceeded' };
  } else if (r < 0.02 && op.method !== 'GET') {
    status = 401;
    mode = 'rejected';
    policy = { id: 'api-key', name: 'keys', reason: 'no API key' };
  } else if (r < 0.05) status = 404;
  else if (r < 0.06) status = 400;
  else if (r < 0.063 && op.mode === 'proxy') {
    status = 504;
    error = 'upstream timeout after 5000 ms';
  } else if (r < 0.066) status = 500;
  const durationMs = status === 504 ? 5000 + random() * 20 : latency(op.median);
  const name = pick(words);
  const body = status >= 400 ? { type: 'about:blank', title: 'Error', status, detail: error ?? `${name} request failed` } : { id: i, name, species: pick(['dog', 'cat', 'bird']), tags: [pick(words), pick(words)] };
  const bytes = Buffer.from(JSON.stringify(body));
  const requestBytes = op.method === 'POST' ? Buffer.from(JSON.stringify({ name, species: pick(['dog', 'cat']) })) : undefined;
  return {
    startedAt,
    method: op.method,
    rawUrl: url,
    url,
    route: op.route,
    operationId: op.id,
    mode,
    status,
    durationMs,
    ...(op.mode === 'proxy' && status !== 429 && { upstreamMs: durationMs * 0.9, upstream: 'inventory' }),
    gatewayMs: op.mode === 'proxy' ? durationMs * 0.1 : durationMs,
    clientAddress: '127.0.0.1',
    ...(consumer && { consumer }),
    ...(policy && { policy }),
    requestHeaders: ['Host', '127.0.0.1:4010', 'User-Agent', 'generate-traffic/1', 'Accept', 'application/json', 'X-Request-Id', `req-${i}`, ...(consumer ? ['X-API-Key', 'secret-key-of-' + consumer] : [])],
    responseHeaders: ['Content-Type', 'application/json', 'Content-Length', String(bytes.length), 'X-Request-Id', `req-${i}`],
    ...(requestBytes && { requestBody: { bytes: requestBytes, size: requestBytes.length } }),
    responseBody: { bytes, size: bytes.length },
    ...(error && { error }),
  };
}

const now = Date.now();
const start = now - spanMs;
const log = openTrafficLog(file, { batchMs: 1_000_000, redact: { headers: ['x-api-key'] } });
const t0 = performance.now();
for (let i = 0; i < count; i++) {
  log.append(exchange(i, Math.round(start + (spanMs * i) / count)));
  if (i % 10_000 === 9_999) log.flush();
}
log.close();
const written = performance.now() - t0;
process.stdout.write(`wrote ${count} exchanges over ${values.hours} h in ${(written / 1000).toFixed(1)} s (${Math.round(count / (written / 1000))}/s, writer with aggregates)\n`);

const db = openTrafficDb(file);
const t1 = performance.now();
let indexed = 0;
for (let n; (n = indexPending(db, 5000)) > 0; ) indexed += n;
const indexing = performance.now() - t1;
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
process.stdout.write(`full-text indexed ${indexed} in ${(indexing / 1000).toFixed(1)} s (${Math.round(indexed / (indexing / 1000))}/s)\n`);
