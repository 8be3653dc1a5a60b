import { existsSync } from 'node:fs';
import Database, { type Statement } from 'better-sqlite3';
import { openTrafficDb, schemaVersion, userVersion, type Db } from './db.js';
import { drainSpoolOf } from './spool-drain.js';
import type { CapturedBody, Exchange, ExchangeMode, RawHeaders } from './exchange.js';
import { filterCondition, ftsQuery, textScan } from './filter-sql.js';
import { indexedUpTo } from './maintenance.js';
import type { TrafficFilter } from './filter.js';

/** Reads of the traffic log. They never write, so they work on a read-only connection too. */

/** One line of the traffic list (no headers, no bodies): the logged exchange's fields, with its id and an ISO time. */
export type ExchangeRow = Pick<Exchange, 'method' | 'url' | 'route' | 'operationId' | 'mode' | 'status' | 'durationMs' | 'consumer' | 'policy' | 'error'> & {
  id: number;
  /** ISO 8601, UTC. */
  startedAt: string;
  /** Full size of the response body. */
  responseSize?: number;
};

/** Everything logged about one exchange; headers as stored (flattened, redacted). */
export type ExchangeDetail = ExchangeRow &
  Pick<Exchange, 'rawUrl' | 'upstreamMs' | 'gatewayMs' | 'clientAddress' | 'upstream' | 'requestBody' | 'responseBody'> & {
    policyTimings?: { id: string; name?: string; ms: number }[];
    requestHeaders: RawHeaders;
    responseHeaders: RawHeaders;
  };

export interface LatestOptions {
  /** 1 to 1000. */
  limit: number;
  /** Keyset pagination: only exchanges older than this id (pass the last id of the previous page). */
  beforeId?: number;
}

export const MAX_PAGE = 1000;

const rowColumns = `id, started_at, method, url, route, operation_id, mode, status, duration_ms, response_body_size, consumer,
  policy_id, policy_name, policy_reason, error`;
/** The same columns on the alias `e`. */
const rowColumnsOfE = rowColumns.split(',').map((c) => `e.${c.trim()}`).join(', ');

interface Statements {
  latest: Statement<[number]>;
  latestBefore: Statement<[number, number]>;
  byId: Statement<[number]>;
}

const statements = new WeakMap<Db, Statements>();

function prepared(db: Db): Statements {
  let s = statements.get(db);
  if (!s) {
    s = {
      latest: db.prepare(`SELECT ${rowColumns} FROM exchanges ORDER BY id DESC LIMIT ?`),
      latestBefore: db.prepare(`SELECT ${rowColumns} FROM exchanges WHERE id < ? ORDER BY id DESC LIMIT ?`),
      byId: db.prepare('SELECT * FROM exchanges WHERE id = ?'),
    };
    statements.set(db, s);
  }
  return s;
}

/** Newest first. */
export function latestExchanges(db: Db, options: LatestOptions): ExchangeRow[] {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.trunc(options.limit)));
  const s = prepared(db);
  const rows =
    options.beforeId === undefined ? s.latest.all(limit) : s.latestBefore.all(Math.trunc(options.beforeId), limit);
  return (rows as SqlRow[]).map(toRow);
}

export function getExchange(db: Db, id: number): ExchangeDetail | undefined {
  const r = prepared(db).byId.get(Math.trunc(id)) as SqlRow | undefined;
  if (!r) return undefined;
  return {
    ...toRow(r),
    rawUrl: r.raw_url as string,
    ...optional('upstreamMs', r.upstream_ms as number | null),
    gatewayMs: r.gateway_ms as number,
    clientAddress: r.client_address as string,
    ...optional('upstream', r.upstream as string | null),
    ...optional('policyTimings', r.policy_timings ? (JSON.parse(r.policy_timings as string) as { id: string; name?: string; ms: number }[]) : null),
    requestHeaders: JSON.parse(r.request_headers as string) as RawHeaders,
    responseHeaders: JSON.parse(r.response_headers as string) as RawHeaders,
    ...optional('requestBody', toBody(r.request_body, r.request_body_size, r.request_body_sha256)),
    ...optional('responseBody', toBody(r.response_body, r.response_body_size, r.response_body_sha256)),
  };
}

export interface TrafficReader {
  readonly db: Db;
  latest(options: LatestOptions): ExchangeRow[];
  get(id: number): ExchangeDetail | undefined;
  close(): void;
}

/**
 * A read-only connection, e.g. for the CLI while a gateway writes the same file (WAL lets both
 * proceed without waiting on each other). Throws when the file does not exist or has no log yet.
 */
export function openTrafficReader(file: string): TrafficReader {
  if (!existsSync(file)) throw new Error(`no traffic log at ${file}`);
  upgrade(file);
  drainSpoolOf(file);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const version = userVersion(db);
    if (version < 1) throw new Error(`${file} is not a traffic log (yet): schema version ${version}`);
    if (version > schemaVersion) {
      throw new Error(`${file} has schema version ${version}, newer than this Portico understands (${schemaVersion})`);
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    db,
    latest: (options) => latestExchanges(db, options),
    get: (id) => getExchange(db, id),
    close: () => db.close(),
  };
}

/** A log written by an older Portico gets this version's migrations first (a reader cannot apply them). */
function upgrade(file: string): void {
  const probe = new Database(file, { readonly: true, fileMustExist: true });
  let version: number;
  try {
    version = userVersion(probe);
  } finally {
    probe.close();
  }
  if (version >= 1 && version < schemaVersion) openTrafficDb(file).close();
}

type SqlRow = Record<string, unknown>;

function toRow(r: SqlRow): ExchangeRow {
  return {
    id: r.id as number,
    startedAt: new Date(r.started_at as number).toISOString(),
    method: r.method as string,
    url: r.url as string,
    ...optional('route', r.route as string | null),
    ...optional('operationId', r.operation_id as string | null),
    mode: r.mode as ExchangeMode,
    status: r.status as number,
    durationMs: r.duration_ms as number,
    ...optional('responseSize', (r.response_body_size as number | null | undefined) ?? null),
    ...optional('consumer', r.consumer as string | null),
    ...(r.policy_id === null
      ? {}
      : {
          policy: {
            id: r.policy_id as string,
            ...optional('name', r.policy_name as string | null),
            reason: (r.policy_reason as string | null) ?? '',
          },
        }),
    ...optional('error', r.error as string | null),
  };
}

function toBody(bytes: unknown, size: unknown, sha256: unknown): CapturedBody | null {
  if (size === null || size === undefined) return null;
  return { bytes: (bytes as Buffer | null) ?? Buffer.alloc(0), size: size as number, sha256: (sha256 as string | null) ?? '' };
}

/** `{ key: value }` when the column has a value, `{}` for SQL NULL: rows carry no `undefined` fields. */
function optional<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

export interface PageOptions {
  limit: number;
  /** Only exchanges older than this id (keyset pagination: the last id of the previous page). */
  beforeId?: number;
  /** Only exchanges newer than this id (what arrived since the newest one shown). */
  afterId?: number;
}

/** Newest first, matching the filter. */
export function queryExchanges(db: Db, filter: TrafficFilter, page: PageOptions): ExchangeRow[] {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.trunc(page.limit)));
  const { where, params } = filterCondition(db, filter, 'omit');
  const bounds = (column: string): { sql: string; params: number[] } => {
    const sql: string[] = [];
    const values: number[] = [];
    if (page.beforeId !== undefined) {
      sql.push(`${column} < ?`);
      values.push(Math.trunc(page.beforeId));
    }
    if (page.afterId !== undefined) {
      sql.push(`${column} > ?`);
      values.push(Math.trunc(page.afterId));
    }
    return { sql: sql.map((c) => ` AND ${c}`).join(''), params: values };
  };
  if (filter.text.length === 0) {
    const b = bounds('e.id');
    const sql = `SELECT ${rowColumnsOfE} FROM exchanges e WHERE ${where}${b.sql} ORDER BY e.id DESC LIMIT ?`;
    return (db.prepare(sql).all(...params, ...b.params, limit) as SqlRow[]).map(toRow);
  }
  // Free text: first the newest rows, not yet indexed, by a scan; then the index, walked newest first, so a page
  // stops after `limit` hits instead of collecting every match.
  const upto = indexedUpTo(db);
  const scan = textScan(filter.text);
  const tailBounds = bounds('e.id');
  const tail = db
    .prepare(`SELECT ${rowColumnsOfE} FROM exchanges e WHERE e.id > ? AND ${where} AND ${scan.where}${tailBounds.sql} ORDER BY e.id DESC LIMIT ?`)
    .all(upto, ...params, ...scan.params, ...tailBounds.params, limit) as SqlRow[];
  if (tail.length >= limit) return tail.map(toRow);
  const indexedBounds = bounds('f.rowid');
  const indexed = db
    .prepare(
      `SELECT ${rowColumnsOfE} FROM exchanges_fts f JOIN exchanges e ON e.id = f.rowid
       WHERE exchanges_fts MATCH ? AND f.rowid <= ? AND ${where}${indexedBounds.sql} ORDER BY f.rowid DESC LIMIT ?`,
    )
    .all(ftsQuery(filter.text), upto, ...params, ...indexedBounds.params, limit - tail.length) as SqlRow[];
  return [...tail, ...indexed].map(toRow);
}

/** How many exchanges match, counting at most `cap` (a count over a million filtered rows is not worth its time). */
export function countExchanges(db: Db, filter: TrafficFilter, cap = 100_000): { count: number; capped: boolean } {
  const { where, params } = filterCondition(db, filter, 'omit');
  const limit = Math.trunc(cap) + 1;
  let n: number;
  if (filter.text.length > 0) {
    const upto = indexedUpTo(db);
    const scan = textScan(filter.text);
    const count = (sql: string, ...values: unknown[]) => (db.prepare(`SELECT count(*) AS n FROM (${sql} LIMIT ${limit})`).get(...values) as { n: number }).n;
    n =
      count(`SELECT 1 FROM exchanges e WHERE e.id > ? AND ${where} AND ${scan.where}`, upto, ...params, ...scan.params) +
      count(`SELECT 1 FROM exchanges_fts f JOIN exchanges e ON e.id = f.rowid WHERE exchanges_fts MATCH ? AND f.rowid <= ? AND ${where}`, ftsQuery(filter.text), upto, ...params);
  } else if (where === '1') {
    return { count: (db.prepare('SELECT count(*) AS n FROM exchanges').get() as { n: number }).n, capped: false };
  } else {
    n = (db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM exchanges e WHERE ${where} LIMIT ${limit})`).get(...params) as { n: number }).n;
  }
  return { count: Math.min(n, cap), capped: n > cap };
}

/** The stored row of one exchange, columns by name; for export and replay. */
export function rawExchange(db: Db, id: number): SqlRow | undefined {
  return prepared(db).byId.get(Math.trunc(id)) as SqlRow | undefined;
}

/** Raw rows of many exchanges, newest first: by ids, or the filter's result. */
export function rawExchanges(db: Db, selection: { ids?: readonly number[]; filter: TrafficFilter; limit: number }): SqlRow[] {
  if (selection.ids) {
    const rows: SqlRow[] = [];
    for (const id of [...selection.ids].sort((a, b) => b - a)) {
      const row = rawExchange(db, id);
      if (row) rows.push(row);
    }
    return rows;
  }
  const { where, params } = filterCondition(db, selection.filter);
  return db.prepare(`SELECT e.* FROM exchanges e WHERE ${where} ORDER BY e.id DESC LIMIT ?`).all(...params, Math.trunc(selection.limit)) as SqlRow[];
}

/** Logged body as the UI gets it. */
export interface BodyView {
  base64: string;
  size: number;
  truncated: boolean;
  sha256: string;
}

export type ExchangeView = ExchangeRow & {
  rawUrl: string;
  upstream?: string;
  upstreamMs?: number;
  gatewayMs: number;
  clientAddress: string;
  requestHeaders: [string, string][];
  responseHeaders: [string, string][];
  requestBody?: BodyView;
  responseBody?: BodyView;
  origin?: string;
};

export function exchangeView(db: Db, id: number): ExchangeView | undefined {
  const detail = getExchange(db, id);
  if (!detail) return undefined;
  const { requestBody, responseBody, requestHeaders, responseHeaders, ...rest } = detail;
  const origin = (rawExchange(db, id)?.origin as string | null | undefined) ?? null;
  return {
    ...rest,
    requestHeaders: pairs(requestHeaders),
    responseHeaders: pairs(responseHeaders),
    ...optional('requestBody', requestBody ? bodyView(requestBody) : null),
    ...optional('responseBody', responseBody ? bodyView(responseBody) : null),
    ...optional('origin', origin),
  };
}

export function pairs(flat: RawHeaders): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

function bodyView(body: CapturedBody): BodyView {
  return { base64: body.bytes.toString('base64'), size: body.size, truncated: body.bytes.length < body.size, sha256: body.sha256 ?? '' };
}
