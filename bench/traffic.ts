import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openTrafficInspector } from '../gateway/traffic/inspector-thread.js';

/**
 * `npm run bench:traffic`: the inspector's queries on a log of 1,000,000 exchanges over 24 h, timed the way the engine
 * runs them (a call to the inspector's thread and back, from the gateway's process). Generates the log once into
 * BENCH_TRAFFIC_DB (default /tmp/portico-traffic-1m.db) with scripts/generate-traffic.ts.
 */

const DB = process.env.BENCH_TRAFFIC_DB ?? '/tmp/portico-traffic-1m.db';
const COUNT = Number(process.env.BENCH_TRAFFIC_COUNT ?? 1_000_000);
const RUNS = 7;

if (!existsSync(DB)) {
  process.stdout.write(`Generating ${COUNT} exchanges into ${DB} (about a minute)...\n`);
  const script = fileURLToPath(new URL('../scripts/generate-traffic.ts', import.meta.url));
  const gen = spawnSync(process.execPath, ['--import', 'tsx', script, '--count', String(COUNT), '--db', DB], { stdio: 'inherit' });
  if (gen.status !== 0) process.exit(gen.status ?? 1);
}

const inspector = await openTrafficInspector({ file: DB, version: 'bench' });
const info = await inspector.run('info');
const newest = await inspector.run('query', { filter: '', limit: 1 });
const now = Date.parse(newest[0]?.startedAt ?? new Date().toISOString()) + 1;

interface Case {
  name: string;
  target: number;
  run: () => Promise<unknown>;
}
const cases: Case[] = [
  { name: 'first page (200 rows)', target: 50, run: () => inspector.run('query', { filter: '', limit: 200, now }) },
  { name: 'next page (keyset, deep: before id 500000)', target: 50, run: () => inspector.run('query', { filter: '', limit: 200, beforeId: 500_000, now }) },
  { name: 'filtered page: status:5xx op:getStock', target: 100, run: () => inspector.run('query', { filter: 'status:5xx op:getStock', limit: 200, now }) },
  { name: 'filtered page: consumer:alice method:POST slower:2ms', target: 100, run: () => inspector.run('query', { filter: 'consumer:alice method:POST slower:2ms', limit: 200, now }) },
  { name: 'filtered page: status:404 since:1h', target: 100, run: () => inspector.run('query', { filter: 'status:404 since:1h', limit: 200, now }) },
  { name: 'free-text search "upstream timeout"', target: 300, run: () => inspector.run('search', { text: 'upstream timeout', limit: 100 }) },
  { name: 'free text in a filter: parrot status:2xx', target: 300, run: () => inspector.run('query', { filter: 'parrot status:2xx', limit: 200, now }) },
  { name: 'count (whole log)', target: 100, run: () => inspector.run('count', { filter: '', now }) },
  { name: 'dashboard, 24 h', target: 500, run: () => inspector.run('stats', { from: now - 86_400_000, to: now, filter: '' }) },
  { name: 'dashboard, 24 h, op:getPet', target: 500, run: () => inspector.run('stats', { from: now - 86_400_000, to: now, filter: 'op:getPet' }) },
];

process.stdout.write(`\n${info.count.toLocaleString('en')} exchanges, ${(info.sizeBytes / 1e6).toFixed(0)} MB: ${DB}\n\n`);
process.stdout.write(`${'case'.padEnd(52)} ${'first'.padStart(8)} ${'median'.padStart(8)} ${'max'.padStart(8)} ${'target'.padStart(8)}\n`);
let missed = 0;
for (const c of cases) {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    await c.run();
    times.push(performance.now() - start);
  }
  const [first, ...rest] = times;
  rest.sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)]!;
  const ok = median < c.target;
  if (!ok) missed++;
  const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(8);
  process.stdout.write(`${c.name.padEnd(52)} ${ms(first!)} ${ms(median)} ${ms(rest.at(-1)!)} ${`< ${c.target}`.padStart(8)} ${ok ? 'ok' : 'MISSED'}\n`);
}
await inspector.close();
process.stdout.write(`\n${missed === 0 ? 'All targets met' : `${missed} target(s) missed`} (median of ${RUNS} runs after a first, cold one).\n`);
