import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { backfillAggregates } from './aggregates.js';

/**
 * The traffic database: one SQLite file in WAL mode, written by the gateway's single writer
 * (writer.ts) and read concurrently by the UI and the CLI (queries.ts).
 * All of the traffic log's SQL lives in this folder.
 */

export type Db = Database.Database;

export interface Migration {
  /** 1, 2, 3, ... in order; stored in `PRAGMA user_version` once applied. */
  version: number;
  name: string;
  up: (db: Db) => void;
}

/** Append only: never edit a migration that has shipped, add the next one. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'exchanges',
    up: (db) =>
      db.exec(`
        CREATE TABLE exchanges (
          id INTEGER PRIMARY KEY,
          started_at INTEGER NOT NULL,            -- ms since the epoch
          method TEXT NOT NULL,
          raw_url TEXT NOT NULL,
          url TEXT NOT NULL,
          route TEXT,
          operation_id TEXT,
          mode TEXT NOT NULL,
          status INTEGER NOT NULL,
          duration_ms REAL NOT NULL,
          upstream_ms REAL,
          gateway_ms REAL NOT NULL,
          client_address TEXT NOT NULL,
          consumer TEXT,
          upstream TEXT,
          policy_id TEXT,
          policy_name TEXT,
          policy_reason TEXT,
          request_headers TEXT NOT NULL,          -- JSON array: name, value, name, value, ...
          response_headers TEXT NOT NULL,
          request_body BLOB,                      -- first bytes, at most the capture cap
          request_body_size INTEGER,              -- full size
          request_body_sha256 TEXT,               -- of the full body
          response_body BLOB,
          response_body_size INTEGER,
          response_body_sha256 TEXT,
          error TEXT
        );
        CREATE INDEX exchanges_started_at ON exchanges (started_at);
        CREATE INDEX exchanges_status ON exchanges (status);
        CREATE INDEX exchanges_operation_id ON exchanges (operation_id);
      `),
  },
  {
    version: 2,
    name: 'search, per-minute aggregates, settings',
    up: (db) => {
      db.exec(`
        ALTER TABLE exchanges ADD COLUMN origin TEXT;   -- 'import: file.har', 'replay of #12'
        CREATE INDEX exchanges_consumer ON exchanges (consumer) WHERE consumer IS NOT NULL;
        CREATE INDEX exchanges_mode ON exchanges (mode) WHERE mode <> 'mock' AND mode <> 'proxy';
        -- Full text of URL, headers and text bodies. Contentless: the text stays in exchanges. Filled in batches by
        -- the writer thread when the gateway is idle (never on the request's commit): traffic_meta.fts_upto.
        CREATE VIRTUAL TABLE exchanges_fts USING fts5(
          url, headers, body, content = '', contentless_delete = 1, tokenize = "unicode61 tokenchars '-_.'"
        );
        -- One row per minute and operation, updated in the same transaction as the exchanges: the dashboard reads
        -- these, never the raw rows. hist: latency histogram (histogram.ts).
        CREATE TABLE traffic_minutes (
          minute INTEGER NOT NULL,                 -- ms since the epoch, start of the minute
          operation TEXT NOT NULL,
          count INTEGER NOT NULL,
          errors INTEGER NOT NULL,                 -- status >= 500 or a transport error
          s2xx INTEGER NOT NULL, s3xx INTEGER NOT NULL, s4xx INTEGER NOT NULL, s5xx INTEGER NOT NULL,
          hist BLOB NOT NULL,
          PRIMARY KEY (minute, operation)
        ) WITHOUT ROWID;
        -- Per minute and operation: requests by consumer ('consumer') and rejections by policy ('rejected').
        CREATE TABLE traffic_minute_names (
          minute INTEGER NOT NULL,
          kind TEXT NOT NULL,
          name TEXT NOT NULL,
          operation TEXT NOT NULL,
          count INTEGER NOT NULL,
          PRIMARY KEY (minute, kind, name, operation)
        ) WITHOUT ROWID;
        CREATE TABLE traffic_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
      `);
      backfillAggregates(db);
    },
  },
  {
    version: 3,
    name: 'per-policy timings',
    // JSON: [{ id, name?, ms }] in chain order. (No SQL comment: SQLite keeps ADD COLUMN text in the schema.)
    up: (db) => db.exec('ALTER TABLE exchanges ADD COLUMN policy_timings TEXT'),
  },
  {
    version: 4,
    name: 'consumers and rejections per operation, in logs made before migration 2 had them',
    // Migration 2 gained traffic_minute_names.operation before it was released, but logs written by main in between
    // have the table without it: rebuild the table from the rows.
    up: (db) => {
      const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('traffic_minute_names');
      if (columns.includes('operation')) return;
      db.exec(`
        DROP TABLE traffic_minute_names;
        CREATE TABLE traffic_minute_names (
          minute INTEGER NOT NULL,
          kind TEXT NOT NULL,
          name TEXT NOT NULL,
          operation TEXT NOT NULL,
          count INTEGER NOT NULL,
          PRIMARY KEY (minute, kind, name, operation)
        ) WITHOUT ROWID;
      `);
      backfillAggregates(db);
    },
  },
];

export const schemaVersion = migrations.at(-1)?.version ?? 0;

export interface OpenTrafficDbOptions {
  /** How long a statement waits for a lock held by another connection. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** Opens (creating the file and its folders when missing) and migrates the traffic database for writing. */
export function openTrafficDb(file: string, options: OpenTrafficDbOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    // Must precede both the first table and the switch to WAL (which writes the header):
    // on a database that already has tables it changes nothing.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses no committed transaction on a process crash; a power loss may
    // roll back the last commits, never corrupt the file.
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Applies the migrations newer than `PRAGMA user_version`, each in its own immediate transaction
 * (so two processes opening a fresh file at once cannot both apply one).
 */
export function migrate(db: Db, list: readonly Migration[]): void {
  const known = list.at(-1)?.version ?? 0;
  for (const migration of list) {
    const apply = db.transaction(() => {
      const current = userVersion(db);
      if (current > known) {
        throw new Error(`${db.name} has schema version ${current}, newer than this Portico understands (${known})`);
      }
      if (current >= migration.version) return;
      if (current !== migration.version - 1) {
        throw new Error(`migration ${migration.version} (${migration.name}) cannot follow version ${current}`);
      }
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    });
    apply.immediate();
  }
}

export function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
