/**
 * Measures the traffic writer on a temp file:
 *   node --import tsx gateway/traffic/test-support/bench-writer.ts [rows]
 * 1. throughput: rows appended then committed in batches of 100 (10k req/s × 10 ms), main thread only;
 * 2. cost per exchange of append alone, and of append + its share of the commit;
 * 3. steady load: 10k exchanges/s for 5 s through the real timer, event-loop utilisation and the
 *    longest commit (checkpoints included);
 * 4. what WAL auto-checkpoints add: 100-row commits every 10 ms with SQLite's auto-checkpoint
 *    (what the writer does) and with it off, commit time percentiles.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import type { Exchange } from '../exchange.js';
import { openTrafficDb } from '../db.js';
import { openTrafficLog } from '../writer.js';
import { sampleExchange } from './sample-exchange.js';

const rows = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'portico-bench-'));

function fixtures(n: number): Exchange[] {
  return Array.from({ length: n }, (_, i) => sampleExchange(i));
}

function throughput(batch: number): void {
  const file = join(dir, `throughput-${batch}.db`);
  const log = openTrafficLog(file, { batchMs: 60_000 });
  const exchanges = fixtures(rows);
  let appendNs = 0;
  const start = performance.now();
  for (let i = 0; i < rows; i += batch) {
    const a = performance.now();
    for (let j = i; j < Math.min(rows, i + batch); j++) log.append(exchanges[j] as Exchange);
    appendNs += (performance.now() - a) * 1e6;
    log.flush();
  }
  const ms = performance.now() - start;
  log.close();
  const size = statSync(file).size;
  console.log(
    `batch ${String(batch).padStart(4)}: ${rows} rows in ${ms.toFixed(0)} ms = ${Math.round(rows / (ms / 1000)).toLocaleString('en')} rows/s; ` +
      `main-thread cost ${((ms * 1000) / rows).toFixed(2)} µs/exchange (append alone ${(appendNs / rows / 1000).toFixed(3)} µs); ` +
      `file ${(size / rows).toFixed(0)} B/row after close`,
  );
}

async function steady(ratePerSec: number, seconds: number): Promise<void> {
  const file = join(dir, 'steady.db');
  let commits = 0;
  const log = openTrafficLog(file, { batchMs: 10, onCommitted: () => void commits++ });
  const exchanges = fixtures(ratePerSec * seconds);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let gcMax = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMax = Math.max(gcMax, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  let sent = 0;
  delay.enable();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    // Arrivals as they would come from the sockets: every ms, those due by now.
    const tick = setInterval(() => {
      const due = Math.min(exchanges.length, Math.floor(((performance.now() - t0) / 1000) * ratePerSec));
      while (sent < due) log.append(exchanges[sent++] as Exchange);
      if (sent >= exchanges.length) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  log.flush();
  const elu = performance.eventLoopUtilization(elu0);
  delay.disable();
  gc.disconnect();
  const elapsed = (performance.now() - t0) / 1000;
  log.close();
  const { committed, slowestCommitMs } = log.stats();
  console.log(
    `steady ${ratePerSec}/s for ${elapsed.toFixed(1)} s: ${committed} committed in ${commits} commits; ` +
      `event-loop utilisation ${(elu.utilization * 100).toFixed(1)} % ` +
      `(~${((elu.active * 1000) / committed).toFixed(2)} µs/exchange, timer overhead included); ` +
      `event-loop delay p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, ` +
      `max ${(delay.max / 1e6).toFixed(1)} ms; slowest commit ${slowestCommitMs.toFixed(1)} ms; ` +
      `GC pauses max ${gcMax.toFixed(1)} ms`,
  );
}

async function checkpointStalls(autocheckpoint: boolean): Promise<void> {
  const db = openTrafficDb(join(dir, `stalls-${autocheckpoint}.db`));
  if (!autocheckpoint) db.pragma('wal_autocheckpoint = 0');
  const insert = db.prepare(
    `INSERT INTO exchanges (started_at, method, raw_url, url, mode, status, duration_ms, gateway_ms, client_address,
       request_headers, response_headers, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const commit = db.transaction((batch: Exchange[]) => {
    for (const e of batch) {
      insert.run(e.startedAt, e.method, e.rawUrl, e.url, e.mode, e.status, e.durationMs, e.gatewayMs, e.clientAddress,
        JSON.stringify(e.requestHeaders), JSON.stringify(e.responseHeaders), e.responseBody?.bytes ?? null);
    }
  });
  const times: number[] = [];
  let i = 0;
  for (let n = 0; n < 500; n++) {
    const batch = Array.from({ length: 100 }, () => sampleExchange(i++));
    const start = performance.now();
    commit(batch);
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  db.close();
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(2);
  console.log(
    `auto-checkpoint ${autocheckpoint ? 'on ' : 'off'}: 100-row commit p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
  );
}

try {
  console.log(`node ${process.version}, ${rows} typical exchanges (10+10 headers, small JSON bodies)`);
  throughput(100);
  throughput(1000);
  await steady(10_000, 5);
  await checkpointStalls(true);
  await checkpointStalls(false);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
