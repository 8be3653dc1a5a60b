import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { migrate, migrations, openTrafficDb, schemaVersion, userVersion } from './db.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openTrafficDb', () => {
  it('creates the folders and the file, in WAL with incremental auto-vacuum', () => {
    const db = openTrafficDb(join(dir, 'a', 'b', 'traffic.db'));
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 1); // NORMAL
      assert.equal(db.pragma('auto_vacuum', { simple: true }), 2); // INCREMENTAL
      assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
      assert.equal(userVersion(db), schemaVersion);
      const indexes = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'exchanges' ORDER BY name")
        .pluck()
        .all();
      assert.deepEqual(indexes, ['exchanges_consumer', 'exchanges_mode', 'exchanges_operation_id', 'exchanges_started_at', 'exchanges_status']);
      const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('exchanges');
      assert.equal(columns.length, 29, 'id and the 26 columns of version 1, then origin (2) and policy_timings (3)');
    } finally {
      db.close();
    }
  });

  it('reopens an existing file without migrating again', () => {
    const file = join(dir, 'traffic.db');
    openTrafficDb(file).close();
    const db = openTrafficDb(file);
    assert.equal(userVersion(db), schemaVersion);
    db.close();
  });

  it('refuses a file from a newer Portico', () => {
    const file = join(dir, 'traffic.db');
    const db = openTrafficDb(file);
    db.pragma(`user_version = ${schemaVersion + 1}`);
    db.close();
    assert.throws(() => openTrafficDb(file), /newer than this Portico understands/);
  });
});

describe('migrate', () => {
  it('applies only the migrations not yet applied, in order', () => {
    const db = openTrafficDb(join(dir, 'traffic.db'));
    const applied: number[] = [];
    const next = schemaVersion + 1;
    const list = [
      ...migrations,
      { version: next, name: 'extra', up: () => void applied.push(next) },
    ];
    migrate(db, list);
    migrate(db, list);
    assert.deepEqual(applied, [next]);
    assert.equal(userVersion(db), next);
    db.close();
  });

  it('rolls a failing migration back entirely', () => {
    const db = openTrafficDb(join(dir, 'traffic.db'));
    const list = [
      ...migrations,
      {
        version: schemaVersion + 1,
        name: 'broken',
        up: (d: typeof db) => {
          d.exec('CREATE TABLE half (x)');
          throw new Error('boom');
        },
      },
    ];
    assert.throws(() => migrate(db, list), /boom/);
    assert.equal(userVersion(db), schemaVersion);
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get(), 0);
    db.close();
  });
});

describe('migration 4', () => {
  it('repairs a log whose per-minute names table predates its operation column', () => {
    const file = join(dir, 'traffic.db');
    const db = openTrafficDb(file);
    db.exec(`
      DROP TABLE traffic_minute_names;
      CREATE TABLE traffic_minute_names (minute INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (minute, kind, name)) WITHOUT ROWID;
      INSERT INTO exchanges (started_at, method, raw_url, url, operation_id, mode, status, duration_ms, gateway_ms, client_address, consumer, request_headers, response_headers)
      VALUES (60000, 'GET', '/pets', '/pets', 'listPets', 'mock', 200, 1.5, 1.5, '127.0.0.1', 'alice', '[]', '[]');
    `);
    db.pragma('user_version = 3');
    db.close();
    const again = openTrafficDb(file);
    try {
      assert.equal(userVersion(again), schemaVersion);
      const names = again.prepare('SELECT minute, kind, name, operation, count FROM traffic_minute_names').all();
      assert.deepEqual(names, [{ minute: 60000, kind: 'consumer', name: 'alice', operation: 'listPets', count: 1 }]);
    } finally {
      again.close();
    }
  });
});
