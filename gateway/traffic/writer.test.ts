import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Exchange } from './exchange.js';
import { REDACTED } from './redact.js';
import { openTrafficLog } from './writer.js';
import { sampleExchange } from './test-support/sample-exchange.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-writer-'));
  file = join(dir, 'traffic.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function count(): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('openTrafficLog', () => {
  it('acknowledges nothing before the commit, then all of a batch in one commit', () => {
    const committed: number[][] = [];
    const log = openTrafficLog(file, { batchMs: 60_000, onCommitted: (ids) => committed.push(ids) });
    for (let i = 0; i < 5; i++) log.append(sampleExchange(i));
    assert.deepEqual(log.stats(), { appended: 5, committed: 0, dropped: 0, slowestCommitMs: 0 });
    assert.equal(count(), 0);
    log.flush();
    assert.deepEqual(committed, [[1, 2, 3, 4, 5]]);
    assert.equal(log.stats().committed, 5);
    assert.equal(count(), 5);
    log.flush(); // nothing queued: no empty commit
    assert.equal(committed.length, 1);
    log.close();
  });

  it('commits on its own within the batch window', async () => {
    const batches: number[][] = [];
    const log = openTrafficLog(file, { batchMs: 5, onCommitted: (ids) => batches.push(ids) });
    log.append(sampleExchange(1));
    log.append(sampleExchange(2));
    await sleep(50);
    assert.deepEqual(batches, [[1, 2]]);
    log.append(sampleExchange(3));
    await sleep(50);
    assert.deepEqual(batches, [[1, 2], [3]]);
    log.close();
  });

  it('does not keep the process alive and commits on close', () => {
    const log = openTrafficLog(file);
    for (let i = 0; i < 3; i++) log.append(sampleExchange(i));
    log.close();
    log.close(); // idempotent
    log.append(sampleExchange(9)); // ignored after close
    assert.deepEqual(log.stats(), { ...log.stats(), appended: 3, committed: 3 });
    assert.equal(count(), 3);
  });

  it('writes redacted headers and URLs, with the extra names given', () => {
    const log = openTrafficLog(file, { redact: { headers: ['X-Partner'], query: ['sig'] } });
    log.append(
      sampleExchange(1, {
        rawUrl: '/p?sig=abc&token=t&x=1',
        url: '/p?sig=abc&token=t&x=1',
        requestHeaders: ['Authorization', 'Bearer secret-token', 'X-Partner', 'p', 'Accept', '*/*'],
        responseHeaders: ['Set-Cookie', 'sid=secret-cookie'],
      }),
    );
    log.close();
    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT raw_url, url, request_headers, response_headers FROM exchanges').get() as Record<string, string>;
    db.close();
    assert.equal(row.raw_url, `/p?sig=${REDACTED}&token=${REDACTED}&x=1`);
    assert.equal(row.url, `/p?sig=${REDACTED}&token=${REDACTED}&x=1`);
    assert.deepEqual(JSON.parse(row.request_headers as string), ['Authorization', REDACTED, 'X-Partner', REDACTED, 'Accept', '*/*']);
    assert.deepEqual(JSON.parse(row.response_headers as string), ['Set-Cookie', REDACTED]);
  });

  it('drops a batch whose commit fails, reports it, and goes on', async () => {
    const errors: [unknown, number][] = [];
    const log = openTrafficLog(file, { batchMs: 5, onError: (error, dropped) => errors.push([error, dropped]) });
    const broken = { ...sampleExchange(1), status: null } as unknown as Exchange; // NOT NULL
    log.append(sampleExchange(0));
    log.append(broken);
    await sleep(50);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]?.[0]), /NOT NULL/);
    assert.equal(errors[0]?.[1], 2);
    log.append(sampleExchange(2));
    log.flush();
    assert.deepEqual(log.stats(), { ...log.stats(), appended: 3, committed: 1, dropped: 2 });
    log.append(broken);
    assert.throws(() => log.flush(), /NOT NULL/);
    log.close();
    assert.equal(count(), 1);
  });

  it('survives an onCommitted that throws', () => {
    const errors: unknown[] = [];
    const log = openTrafficLog(file, {
      onCommitted: () => {
        throw new Error('listener');
      },
      onError: (error) => errors.push(error),
    });
    log.append(sampleExchange(1));
    log.flush();
    assert.equal(log.stats().committed, 1);
    assert.match(String(errors[0]), /listener/);
    log.close();
  });
});
