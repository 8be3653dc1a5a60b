import type Database from 'better-sqlite3';
import { decodeInto, encode, record, type Histogram } from './histogram.js';

/**
 * Per-minute aggregates of the traffic log (tables `traffic_minutes`, `traffic_minute_names`), kept by the writer in
 * the same transaction as the exchanges they count, so the dashboard never reads raw rows.
 */

type Db = Database.Database;

export const MINUTE_MS = 60_000;

/** What the aggregates need of one exchange. */
export interface Countable {
  startedAt: number;
  method: string;
  route?: string | undefined;
  operationId?: string | undefined;
  mode: string;
  status: number;
  durationMs: number;
  consumer?: string | undefined;
  policy?: { id: string; name?: string | undefined } | undefined;
  error?: string | undefined;
}

/** The dashboard's name for an exchange's operation: its operationId, else method and path template. */
export function operationLabel(e: Pick<Countable, 'method' | 'route' | 'operationId' | 'mode'>): string {
  if (e.operationId) return e.operationId;
  if (e.route) return `${e.method} ${e.route}`;
  return e.mode === 'unroutable' ? '(unroutable)' : `${e.method} (no route)`;
}

export function rejectedByLabel(policy: { id: string; name?: string | undefined }): string {
  return policy.name && policy.name !== policy.id ? `${policy.id} (${policy.name})` : policy.id;
}

interface MinuteRow {
  count: number;
  errors: number;
  s: [number, number, number, number];
  hist: Histogram;
}

/** Accumulates a batch in memory; `write` merges it into the tables (one statement per minute and operation). */
export class MinuteAggregator {
  private readonly rows = new Map<string, MinuteRow & { minute: number; operation: string }>();
  private readonly names = new Map<string, { minute: number; kind: string; name: string; operation: string; count: number }>();

  add(e: Countable): void {
    const minute = e.startedAt - (e.startedAt % MINUTE_MS);
    const operation = operationLabel(e);
    const key = `${minute}\u0000${operation}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { minute, operation, count: 0, errors: 0, s: [0, 0, 0, 0], hist: new Map() };
      this.rows.set(key, row);
    }
    row.count++;
    if (e.status >= 500 || e.error !== undefined) row.errors++;
    const cls = Math.floor(e.status / 100) - 2;
    if (cls >= 0 && cls < 4) row.s[cls]!++;
    record(row.hist, e.durationMs);
    if (e.consumer) this.name(minute, 'consumer', e.consumer, operation);
    if (e.mode === 'rejected' && e.policy) this.name(minute, 'rejected', rejectedByLabel(e.policy), operation);
  }

  private name(minute: number, kind: string, name: string, operation: string): void {
    const key = `${minute}\u0000${kind}\u0000${name}\u0000${operation}`;
    const entry = this.names.get(key);
    if (entry) entry.count++;
    else this.names.set(key, { minute, kind, name, operation, count: 1 });
  }

  get empty(): boolean {
    return this.rows.size === 0;
  }

  /** Merges into the tables; call inside the batch's transaction. */
  write(db: Db): void {
    const s = statementsFor(db);
    for (const row of this.rows.values()) {
      const existing = s.getMinute.get(row.minute, row.operation) as { hist: Buffer } | undefined;
      if (existing) decodeInto(row.hist, existing.hist);
      s.upsertMinute.run(row.minute, row.operation, row.count, row.errors, ...row.s, encode(row.hist));
    }
    for (const n of this.names.values()) s.upsertName.run(n.minute, n.kind, n.name, n.operation, n.count);
    this.rows.clear();
    this.names.clear();
  }
}

const cache = new WeakMap<Db, ReturnType<typeof prepare>>();
function statementsFor(db: Db) {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
}

function prepare(db: Db) {
  return {
    getMinute: db.prepare('SELECT hist FROM traffic_minutes WHERE minute = ? AND operation = ?'),
    upsertMinute: db.prepare(`
      INSERT INTO traffic_minutes (minute, operation, count, errors, s2xx, s3xx, s4xx, s5xx, hist)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (minute, operation) DO UPDATE SET
        count = count + excluded.count, errors = errors + excluded.errors,
        s2xx = s2xx + excluded.s2xx, s3xx = s3xx + excluded.s3xx, s4xx = s4xx + excluded.s4xx, s5xx = s5xx + excluded.s5xx,
        hist = excluded.hist`),
    upsertName: db.prepare(`
      INSERT INTO traffic_minute_names (minute, kind, name, operation, count) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (minute, kind, name, operation) DO UPDATE SET count = count + excluded.count`),
  };
}

/** Rebuilds every aggregate from the raw rows (after a migration, an import of old traffic, or a retention pass). */
export function backfillAggregates(db: Db, fromMinute = 0): void {
  db.prepare('DELETE FROM traffic_minutes WHERE minute >= ?').run(fromMinute);
  db.prepare('DELETE FROM traffic_minute_names WHERE minute >= ?').run(fromMinute);
  const aggregator = new MinuteAggregator();
  const page = db.prepare(
    `SELECT id, started_at, method, route, operation_id, mode, status, duration_ms, consumer, policy_id, policy_name, error
     FROM exchanges WHERE id > ? AND started_at >= ? ORDER BY id LIMIT 10000`,
  );
  let after = 0;
  for (;;) {
    const rows = page.all(after, fromMinute) as Record<string, unknown>[];
    if (rows.length === 0) break;
    for (const r of rows) aggregator.add(countable(r));
    aggregator.write(db);
    after = rows.at(-1)!.id as number;
  }
}

/** A raw SQL row (snake_case columns) as the aggregates see it. */
export function countable(r: Record<string, unknown>): Countable {
  const value = (v: unknown) => (v === null || v === undefined ? undefined : (v as string));
  const policyId = value(r.policy_id);
  return {
    startedAt: r.started_at as number,
    method: r.method as string,
    route: value(r.route),
    operationId: value(r.operation_id),
    mode: r.mode as string,
    status: r.status as number,
    durationMs: r.duration_ms as number,
    consumer: value(r.consumer),
    policy: policyId === undefined ? undefined : { id: policyId, name: value(r.policy_name) },
    error: value(r.error),
  };
}
