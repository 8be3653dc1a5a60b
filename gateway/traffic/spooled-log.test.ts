import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTrafficReader } from './queries.js';
import { sampleExchange } from './test-support/sample-exchange.js';
import { openSpooledTrafficLog } from './spooled-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-spooled-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('spooled exchanges are drained into the database, redacted and hashed; close loses nothing', async () => {
  const file = join(dir, 'traffic.db');
  const log = await openSpooledTrafficLog(file, { batchMs: 5, redact: { headers: ['x-team-key'] } });
  const body = Buffer.from('{"id":1}');
  for (let i = 0; i < 2_500; i++) {
    log.append(sampleExchange(i, { requestHeaders: ['X-Team-Key', 'secret-value', 'Accept', '*/*'], responseBody: { bytes: body, size: body.length } }));
  }
  await log.close();
  assert.deepEqual(log.stats(), { appended: 2_500, spooled: 2_500, committed: 2_500, dropped: 0 });
  const reader = openTrafficReader(file);
  try {
    const newest = reader.get(reader.latest({ limit: 1 })[0]!.id)!;
    assert.deepEqual(newest.requestHeaders, ['X-Team-Key', '[REDACTED]', 'Accept', '*/*']);
    assert.equal(newest.responseBody?.sha256, createHash('sha256').update(body).digest('hex'), 'hashed by the writer');
    assert.equal(newest.responseBody?.bytes.toString(), '{"id":1}');
  } finally {
    reader.close();
  }
});

test('an exchange that cannot be encoded is dropped and reported; the ones around it are logged', async () => {
  const errors: [string, number][] = [];
  const log = await openSpooledTrafficLog(join(dir, 'traffic.db'), { batchMs: 5, onError: (message, dropped) => errors.push([message, dropped]) });
  log.append(sampleExchange(1));
  log.append(sampleExchange(2, { policyTimings: [{ id: 'x', ms: 2n ** 70n as unknown as number }] })); // a BigInt: no number
  log.append(sampleExchange(3));
  await log.close();
  assert.deepEqual(log.stats(), { appended: 3, spooled: 2, committed: 2, dropped: 1 });
  assert.equal(errors.length, 1);
  assert.match(errors[0]![0], /not a number: bigint/);
  assert.equal(errors[0]![1], 1);
});

test('exchanges ended in a turn of the event loop are spooled one batch window after it, without a close', async () => {
  const log = await openSpooledTrafficLog(join(dir, 'traffic.db'), { batchMs: 5 });
  for (let i = 0; i < 3; i++) log.append(sampleExchange(i));
  assert.equal(log.stats().spooled, 0, 'encoded at the end of the turn, spooled after the window');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(log.stats().spooled, 3, 'what a kill -9 could lose is one turn and one window');
  log.append(sampleExchange(3));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(log.stats().spooled, 4);
  await log.close();
});

test('a change of redacted names applies to exchanges appended after it', async () => {
  const file = join(dir, 'traffic.db');
  const log = await openSpooledTrafficLog(file, { batchMs: 5, redact: { headers: ['x-old-key'] } });
  const headers = ['X-Old-Key', 'old-secret', 'X-New-Key', 'new-secret'];
  log.append(sampleExchange(1, { requestHeaders: headers }));
  log.setRedaction({ headers: ['x-new-key'] });
  log.append(sampleExchange(2, { requestHeaders: headers }));
  await log.close();
  const reader = openTrafficReader(file);
  try {
    const [second, first] = reader.latest({ limit: 2 }).map((row) => reader.get(row.id)!);
    assert.deepEqual(first!.requestHeaders, ['X-Old-Key', '[REDACTED]', 'X-New-Key', 'new-secret']);
    assert.deepEqual(second!.requestHeaders, ['X-Old-Key', 'old-secret', 'X-New-Key', '[REDACTED]']);
  } finally {
    reader.close();
  }
});

test('traffic in bursts with pauses between is drained burst by burst: no wake-up of the worker is lost', async () => {
  let committed = 0;
  const log = await openSpooledTrafficLog(join(dir, 'traffic.db'), { batchMs: 1, onCommitted: (ids) => (committed += ids.length) });
  let appended = 0;
  for (let burst = 0; burst < 40; burst++) {
    for (let i = 0; i < 1 + (burst % 7) * 20; i++) log.append(sampleExchange(appended++));
    // Pauses of 0–12 ms land the next batch at any point of the worker's last look at an empty spool.
    await new Promise((resolve) => setTimeout(resolve, (burst * 5) % 13));
    if (burst % 4 !== 3) continue;
    const deadline = performance.now() + 5_000;
    while (committed < appended && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    assert.equal(committed, appended, `burst ${burst}: drained without close()`);
  }
  await log.close();
});

test('a database that cannot be opened fails at start, not at the first request', async () => {
  const notADatabase = join(dir, 'traffic.db');
  writeFileSync(notADatabase, 'this is not SQLite, it is plain text long enough to have a header of sorts');
  await assert.rejects(openSpooledTrafficLog(notADatabase));
});

test('while the event loop is saturated the worker drains only one batch every 2 s, and catches up after', async () => {
  let steps = 0;
  let committed = 0;
  let largestStep = 0;
  const log = await openSpooledTrafficLog(join(dir, 'traffic.db'), {
    batchMs: 5,
    onCommitted: (ids) => {
      steps++;
      committed += ids.length;
      largestStep = Math.max(largestStep, ids.length);
    },
  });
  // Saturate: each turn of the loop spins 9 ms and appends, so its utilisation stays near 1 for 2.5 s. An unthrottled
  // worker would take a step after every batch (hundreds), each reading all that waits (up to 256 KB).
  const body = Buffer.alloc(512, 'x');
  let appended = 0;
  const until = performance.now() + 2_500;
  while (performance.now() < until) {
    const spin = performance.now() + 9;
    while (performance.now() < spin);
    for (let i = 0; i < 20; i++) log.append(sampleExchange(appended++, { responseBody: { bytes: body, size: body.length } }));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const stepsWhileBusy = steps;
  assert.ok(stepsWhileBusy <= 3, `${stepsWhileBusy} drain steps while the loop was saturated`);
  // A step under load reads one spool batch: 20 exchanges per turn of the loop, a batch every 5 ms, so a batch holds
  // two turns' worth, three at most if a timer came late. The step after 2 s of load would otherwise read 256 KB.
  assert.ok(largestStep <= 60, `a drain step under load took ${largestStep} exchanges`);
  const deadline = performance.now() + 10_000;
  while (committed < appended && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(committed, appended, 'everything is drained once the loop is free');
  await log.close();
});
