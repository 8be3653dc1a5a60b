import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTrafficReader } from './queries.js';
import { sampleExchange } from './test-support/sample-exchange.js';
import { openSpooledTrafficLog } from './spooled-log.js';

test('spooled exchanges are drained into the database, redacted and hashed; close loses nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-spooled-'));
  try {
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database that cannot be opened fails at start, not at the first request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-spooled-'));
  try {
    const notADatabase = join(dir, 'traffic.db');
    writeFileSync(notADatabase, 'this is not SQLite, it is plain text long enough to have a header of sorts');
    await assert.rejects(openSpooledTrafficLog(notADatabase));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
