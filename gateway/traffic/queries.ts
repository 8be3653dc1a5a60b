import { existsSync } from 'node:fs';
import Database, { type Statement } from 'better-sqlite3';
import { schemaVersion, userVersion, type Db } from './db.js';
import type { CapturedBody, Exchange, ExchangeMode, RawHeaders } from './exchange.js';

/** Reads of the traffic log. They never write, so they work on a read-only connection too. */

/** One line of the traffic list (no headers, no bodies): the logged exchange's fields, with its id and an ISO time. */
export type ExchangeRow = Pick<Exchange, 'method' | 'url' | 'route' | 'operationId' | 'mode' | 'status' | 'durationMs' | 'consumer' | 'policy' | 'error'> & {
  id: number;
  /** ISO 8601, UTC. */
  startedAt: string;
};

/** Everything logged about one exchange; headers as stored (flattened, redacted). */
export type ExchangeDetail = ExchangeRow &
  Pick<Exchange, 'rawUrl' | 'upstreamMs' | 'gatewayMs' | 'clientAddress' | 'upstream' | 'requestBody' | 'responseBody'> & {
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

const rowColumns = `id, started_at, method, url, route, operation_id, mode, status, duration_ms, consumer,
  policy_id, policy_name, policy_reason, error`;

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
