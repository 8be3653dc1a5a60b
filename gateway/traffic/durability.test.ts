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
  spooled: number;
  /** The largest batch the spooled log wrote at once: one batch window's worth. */
  largestSpooled: number;
  committed: number;
  lastId: number;
  largestBatch: number;
  commits: number;
  closed?: { appended: number; committed: number };
}

function start(kind: 'direct' | 'spooled' = 'direct'): { child: ChildProcess; progress: Progress; exited: Promise<NodeJS.Signals | number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, file, '10', String(CHUNK), kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const progress: Progress = { appended: 0, spooled: 0, largestSpooled: 0, committed: 0, lastId: 0, largestBatch: 0, commits: 0 };
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on('line', (line) => {
    const [kind, a, b, c] = line.split(' ');
    if (kind === 'appended') progress.appended = Number(a);
    if (kind === 'spooled') {
      progress.largestSpooled = Math.max(progress.largestSpooled, Number(a) - progress.spooled);
      progress.spooled = Number(a);
    }
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
  for (const kind of ['direct', 'spooled'] as const) {
    it(`SIGTERM (${kind} log): close() in the handler loses nothing; a reader finds every appended exchange`, async () => {
      const { child, progress, exited } = start(kind);
      await until(() => progress.commits >= 5);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(progress.closed, 'the child reported its final counts');
      // The spooled log reports what it spooled: the reader drains whatever its worker had not.
      assert.equal(progress.closed.committed, progress.closed.appended);
      assert.ok(progress.closed.appended >= progress.appended);

      const reader = openTrafficReader(file);
      assert.equal(integrity(reader.db), 'ok');
      const rows = reader.db.prepare('SELECT count(*) AS n, max(id) AS max FROM exchanges').get() as { n: number; max: number };
      reader.close();
      assert.equal(rows.n, progress.closed.appended);
      assert.equal(rows.max, progress.closed.appended);
    });
  }

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

  it("the gateway's spooled log, SIGKILL under load: every spooled exchange is drained into an intact file", async (t) => {
    const { child, progress, exited } = start('spooled');
    await until(() => progress.commits >= 5 && progress.spooled >= 2000);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const acknowledged = progress.spooled;

    // The CLI's reader drains the spool the killed process left.
    const reader = openTrafficReader(file);
    assert.equal(integrity(reader.db), 'ok');
    const rows = reader.db.prepare('SELECT count(*) AS n, max(id) AS max FROM exchanges').get() as { n: number; max: number };
    reader.close();
    assert.ok(rows.n >= acknowledged, `${rows.n} rows, ${acknowledged} spooled before the kill`);
    assert.equal(rows.max, rows.n, 'ids are contiguous: whole batches only, none twice');
    const lostAtMost = progress.appended + CHUNK - rows.n;
    // Lost: what was queued (one 10 ms window) when the kill came; the child appends a chunk per turn.
    const window = 2 * progress.largestSpooled + CHUNK;
    assert.ok(lostAtMost <= window, `lost ≤ ${lostAtMost} (appended ≥ ${progress.appended}, in the file ${rows.n}); largest spool write ${progress.largestSpooled}`);
    t.diagnostic(`SIGKILL, spooled log: ${acknowledged} spooled, ${rows.n} in the file, ≤ ${lostAtMost} lost; largest spool write ${progress.largestSpooled}`);

    // A second reader finds nothing left to drain and the same rows: no batch is inserted twice.
    const again = openTrafficReader(file);
    assert.equal(again.db.prepare('SELECT count(*) FROM exchanges').pluck().get(), rows.n);
    again.close();
  });
});
