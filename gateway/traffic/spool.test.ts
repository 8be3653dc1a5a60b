import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { decodeBatch, encodeBatch, type EncodedBatch } from './batch.js';
import { openTrafficDb } from './db.js';
import { openSpoolDrain } from './spool-drain.js';
import { listSegments, openSpoolWriter, readSpool, spoolDirFor } from './spool.js';
import { sampleExchange } from './test-support/sample-exchange.js';
import { createRedactor } from './redact.js';

let dir: string;
let file: string;
let spool: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-spool-'));
  file = join(dir, 'traffic.db');
  spool = spoolDirFor(file);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function batch(from: number, count: number): EncodedBatch {
  const body = (n: number) => Buffer.from(`{"n":${n}}`);
  return encodeBatch(
    Array.from({ length: count }, (_, i) => sampleExchange(from + i, { responseBody: { bytes: body(from + i), size: body(from + i).length } })),
    createRedactor(),
  );
}

const countRows = (db: ReturnType<typeof openTrafficDb>) => db.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;

describe('traffic spool', () => {
  it('reads back every batch in order, bodies included, across segments', () => {
    const writer = openSpoolWriter(spool, 4096);
    for (let i = 0; i < 20; i++) {
      const { records, bodies } = batch(i * 3, 3);
      writer.write(records, bodies);
    }
    writer.close();
    assert.ok(listSegments(spool).length > 1, 'small segments rotate');
    const records = readSpool(spool, { segment: 0, offset: 0 }, Number.MAX_SAFE_INTEGER).filter((r) => r.records.length > 0);
    assert.equal(records.length, 20);
    assert.deepEqual(decodeBatch(records[7]!.records, records[7]!.bodies).map((e) => e.rawUrl), ['/pets/21?expand=owner&limit=20', '/pets/22?expand=owner&limit=20', '/pets/23?expand=owner&limit=20']);
    assert.equal(records[7]!.bodies.toString(), '{"n":21}{"n":22}{"n":23}');
  });

  it('keeps each batch whole whatever its size and characters, small and large batches mixed', () => {
    const writer = openSpoolWriter(spool);
    const texts = ['["é ✓ 𝄞"]', `["${'x'.repeat(5 * 1024 * 1024)}"]`, '["short"]', `["${'ü'.repeat(300_000)}"]`, '["again"]'];
    for (const text of texts) writer.write(Buffer.from(text), Buffer.from(text.slice(0, 3)));
    writer.close();
    const records = readSpool(spool, { segment: 0, offset: 0 }, Number.MAX_SAFE_INTEGER).filter((r) => r.records.length > 0);
    assert.deepEqual(records.map((r) => r.records.toString()), texts);
    assert.deepEqual(records.map((r) => r.bodies.toString()), texts.map((t) => t.slice(0, 3)));
  });

  it('drains into rows with redaction kept and bodies hashed, then deletes drained segments', () => {
    const writer = openSpoolWriter(spool, 4096);
    for (let i = 0; i < 10; i++) {
      const { records, bodies } = batch(i * 5, 5);
      writer.write(records, bodies);
    }
    writer.close();
    const db = openTrafficDb(file);
    try {
      const drain = openSpoolDrain(db, spool);
      const ids: number[] = [];
      for (let step = drain.step(2048); step !== undefined; step = drain.step(2048)) ids.push(...step);
      assert.deepEqual(ids, Array.from({ length: 50 }, (_, i) => i + 1));
      assert.equal(drain.backlog(), 0);
      assert.equal(listSegments(spool).length, 1, 'only the newest segment is kept');
      const row = db.prepare('SELECT request_headers, response_body, response_body_sha256 FROM exchanges WHERE id = 8').get() as Record<string, unknown>;
      assert.match(String(row.request_headers), /"Authorization","\[REDACTED\]"/);
      assert.equal(String(row.response_body), '{"n":7}');
      assert.match(String(row.response_body_sha256), /^[0-9a-f]{64}$/);
    } finally {
      db.close();
    }
  });

  it('two drains of one spool insert each batch exactly once', () => {
    const writer = openSpoolWriter(spool);
    for (let i = 0; i < 30; i++) {
      const { records, bodies } = batch(i * 10, 10);
      writer.write(records, bodies);
    }
    const a = openTrafficDb(file);
    const b = openTrafficDb(file);
    try {
      const first = openSpoolDrain(a, spool);
      const second = openSpoolDrain(b, spool);
      let busy = true;
      while (busy) busy = [first.step(3000), second.step(3000)].some((ids) => ids !== undefined);
      assert.equal(countRows(a), 300);
      const urls = a.prepare('SELECT count(DISTINCT raw_url) FROM exchanges').pluck().get();
      assert.equal(urls, 300);
    } finally {
      writer.close();
      a.close();
      b.close();
    }
  });

  it('an incomplete record waits at the end of the newest segment and is skipped at the end of a finished one', () => {
    const writer = openSpoolWriter(spool);
    const { records, bodies } = batch(0, 4);
    writer.write(records, bodies);
    writer.write(records, bodies);
    writer.close();
    const [segment] = listSegments(spool);
    const path = join(spool, readdirSync(spool)[0]!);
    truncateSync(path, statSync(path).size - 10); // the second record torn
    const db = openTrafficDb(file);
    try {
      const drain = openSpoolDrain(db, spool);
      assert.deepEqual(drain.step(), [1, 2, 3, 4]);
      assert.equal(drain.step(), undefined, 'the newest segment may still be being written: wait');
      assert.ok(drain.backlog() > 0);

      const next = openSpoolWriter(spool); // a new writer (a restarted gateway) starts a new segment
      const more = batch(100, 2);
      next.write(more.records, more.bodies);
      next.close();
      const ids: number[] = [];
      for (let step = drain.step(); step !== undefined; step = drain.step()) ids.push(...step);
      assert.deepEqual(ids, [5, 6], 'the torn record is passed over, the next segment drained');
      assert.ok(!listSegments(spool).includes(segment!), 'the finished segment is deleted');
    } finally {
      db.close();
    }
  });

  it('a damaged record is skipped and counted, the rest drained', () => {
    const writer = openSpoolWriter(spool);
    const good = batch(0, 2);
    writer.write(good.records, good.bodies);
    writer.write(Buffer.from('{"not": "a batch"'), new Uint8Array(0));
    writer.write(good.records.subarray(0, good.records.length - 5), good.bodies); // cut inside its last exchange
    writer.write(Buffer.from(good.records).fill(0xc1, 40, 48), good.bodies); // a byte no MessagePack value starts with
    writer.write(good.records, good.bodies);
    writer.close();
    const db = openTrafficDb(file);
    try {
      const drain = openSpoolDrain(db, spool);
      const ids: number[] = [];
      for (let step = drain.step(); step !== undefined; step = drain.step()) ids.push(...step);
      assert.deepEqual(ids, [1, 2, 3, 4]);
      assert.equal(drain.skipped, 3);
    } finally {
      db.close();
    }
  });

  it('garbage appended to a segment ends its reading there', () => {
    const writer = openSpoolWriter(spool);
    const good = batch(0, 2);
    writer.write(good.records, good.bodies);
    writer.close();
    appendFileSync(join(spool, readdirSync(spool)[0]!), Buffer.from('not a record header at all'));
    const records = readSpool(spool, { segment: 0, offset: 0 }, Number.MAX_SAFE_INTEGER);
    assert.equal(records.length, 1);
  });
});
