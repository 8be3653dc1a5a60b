import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type Database from 'better-sqlite3';
import { openTrafficDb } from './db.js';
import { openTrafficReader } from './queries.js';

/**
 * Real signals against a child process appending in a tight loop (test-support/append-loop.ts).
 */

const script = fileURLToPath(new URL('./test-support/append-loop.ts', import.meta.url));
const CHUNK = 50;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-durability-'));
  file = join(dir, 'traffic.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Progress {
  appended: number;
  committed: number;
  lastId: number;
  largestBatch: number;
  commits: number;
  closed?: { appended: number; committed: number };
}

function start(): { child: ChildProcess; progress: Progress; exited: Promise<NodeJS.Signals | number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, file, '10', String(CHUNK)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const progress: Progress = { appended: 0, committed: 0, lastId: 0, largestBatch: 0, commits: 0 };
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on('line', (line) => {
    const [kind, a, b, c] = line.split(' ');
    if (kind === 'appended') progress.appended = Number(a);
    if (kind === 'committed') {
      progress.committed = Number(a);
      progress.lastId = Number(b);
      progress.largestBatch = Math.max(progress.largestBatch, Number(c));
      progress.commits++;
    }
    if (kind === 'closed') progress.closed = { appended: Number(a), committed: Number(b) };
  });
  // Resolves once stdout is drained too, so that every line printed has been seen.
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('close', (code, signal) => resolve(signal ?? code)),
  );
  return { child, progress, exited };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the child');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function integrity(db: Database.Database): string {
  return db.pragma('integrity_check', { simple: true }) as string;
}

describe('traffic log durability', { timeout: 60_000 }, () => {
  it('SIGTERM: close() in the handler commits every appended exchange', async () => {
    const { child, progress, exited } = start();
    await until(() => progress.commits >= 5);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(progress.closed, 'the child reported its final counts');
    assert.equal(progress.closed.committed, progress.closed.appended);
    assert.ok(progress.closed.appended >= progress.appended);

    const reader = openTrafficReader(file);
    assert.equal(integrity(reader.db), 'ok');
    const rows = reader.db.prepare('SELECT count(*) AS n, max(id) AS max FROM exchanges').get() as { n: number; max: number };
    reader.close();
    assert.equal(rows.n, progress.closed.appended);
    assert.equal(rows.max, progress.closed.appended);
  });

  it('SIGKILL under load: the file is intact, and every acknowledged exchange is in it', async (t) => {
    const { child, progress, exited } = start();
    await until(() => progress.commits >= 5 && progress.committed >= 2000);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const acknowledged = progress.committed;

    // The CLI may look before any gateway restarts: read-only, with the WAL left behind.
    const reader = openTrafficReader(file);
    assert.ok((reader.latest({ limit: 1 })[0]?.id ?? 0) >= progress.lastId);
    reader.close();

    // A writer's open runs WAL recovery, as the next gateway start would.
    const db = openTrafficDb(file);
    assert.equal(integrity(db), 'ok');
    const rows = db.prepare('SELECT count(*) AS n, max(id) AS max FROM exchanges').get() as { n: number; max: number };
    const upToAck = db.prepare('SELECT count(*) FROM exchanges WHERE id <= ?').pluck().get(progress.lastId) as number;
    db.close();

    assert.ok(rows.n >= acknowledged, `${rows.n} rows, ${acknowledged} acknowledged`);
    assert.equal(upToAck, progress.lastId, 'no gap among acknowledged ids');
    assert.equal(rows.max, rows.n, 'ids are contiguous: whole transactions only');
    // Lost: at most what was queued when the kill came, i.e. one batch window's worth.
    // The child may have appended up to one more chunk after its last report.
    const lostAtMost = progress.appended + CHUNK - rows.n;
    const window = 2 * progress.largestBatch + CHUNK;
    assert.ok(
      lostAtMost <= window,
      `lost ≤ ${lostAtMost} (appended ≥ ${progress.appended}, in the file ${rows.n}); largest batch ${progress.largestBatch}`,
    );
    t.diagnostic(
      `SIGKILL: ${acknowledged} acknowledged, ${rows.n} in the file, ≤ ${lostAtMost} lost; largest batch ${progress.largestBatch}`,
    );
  });
});
