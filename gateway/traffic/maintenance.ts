import type { Db } from './db.js';

/**
 * Work on the traffic log that is not part of writing an exchange: full-text indexing in batches, retention, clearing.
 * The writer thread runs indexing only while the gateway is idle, so it never competes with the request path under
 * load; search covers the not-yet-indexed tail by scanning it (queries.ts).
 */

export interface Retention {
  maxCount?: number;
  maxAgeHours?: number;
}

export function getMeta(db: Db, key: string): unknown {
  const row = db.prepare('SELECT value FROM traffic_meta WHERE key = ?').get(key) as { value: unknown } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string | number | null): void {
  if (value === null) db.prepare('DELETE FROM traffic_meta WHERE key = ?').run(key);
  else db.prepare('INSERT INTO traffic_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The id up to which the full-text index is complete. */
export function indexedUpTo(db: Db): number {
  return Number(getMeta(db, 'fts_upto') ?? 0);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A body as searchable text, or '' when it is not text (binary bodies are not indexed). */
export function bodyText(bytes: Uint8Array | null | undefined): string {
  if (!bytes || bytes.byteLength === 0) return '';
  if (bytes.includes(0)) return '';
  try {
    return utf8.decode(bytes);
  } catch {
    return '';
  }
}

/** `["Name","value",...]` JSON as `Name: value` lines. */
export function headersText(json: string): string {
  const list = JSON.parse(json) as string[];
  let out = '';
  for (let i = 0; i + 1 < list.length; i += 2) out += `${list[i]}: ${list[i + 1]}\n`;
  return out;
}

/** Indexes up to `maxRows` exchanges after the indexed mark; returns how many it indexed. */
export function indexPending(db: Db, maxRows = 1000): number {
  const upto = indexedUpTo(db);
  const rows = db
    .prepare(
      `SELECT id, method, url, raw_url, request_headers, response_headers, request_body, response_body
       FROM exchanges WHERE id > ? ORDER BY id LIMIT ?`,
    )
    .all(upto, maxRows) as {
    id: number;
    method: string;
    url: string;
    raw_url: string;
    request_headers: string;
    response_headers: string;
    request_body: Buffer | null;
    response_body: Buffer | null;
  }[];
  if (rows.length === 0) return 0;
  const insert = db.prepare('INSERT INTO exchanges_fts (rowid, url, headers, body) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) {
      const url = r.raw_url === r.url ? `${r.method} ${r.url}` : `${r.method} ${r.url} ${r.raw_url}`;
      const body = `${bodyText(r.request_body)}\n${bodyText(r.response_body)}`;
      insert.run(r.id, url, `${headersText(r.request_headers)}${headersText(r.response_headers)}`, body);
    }
    setMeta(db, 'fts_upto', rows.at(-1)!.id);
  })();
  return rows.length;
}

export function getRetention(db: Db): Retention {
  const raw = getMeta(db, 'retention');
  if (typeof raw !== 'string') return {};
  const parsed = JSON.parse(raw) as Retention;
  return {
    ...(typeof parsed.maxCount === 'number' && { maxCount: parsed.maxCount }),
    ...(typeof parsed.maxAgeHours === 'number' && { maxAgeHours: parsed.maxAgeHours }),
  };
}

export function setRetention(db: Db, retention: Retention): void {
  setMeta(db, 'retention', JSON.stringify(retention));
}

/**
 * Deletes what the retention caps no longer allow (oldest first, in chunks so the writer is never locked out for
 * long), then gives the freed pages back to the file system. Returns the number of exchanges deleted.
 */
export function enforceRetention(db: Db, now = Date.now()): number {
  const { maxCount, maxAgeHours } = getRetention(db);
  let deleted = 0;
  if (maxAgeHours !== undefined) {
    const cutoff = now - maxAgeHours * 3_600_000;
    const last = db.prepare('SELECT max(id) AS id FROM exchanges WHERE started_at < ?').get(cutoff) as { id: number | null };
    if (last.id !== null) deleted += deleteUpTo(db, last.id, 'started_at < ?', [cutoff]);
    db.prepare('DELETE FROM traffic_minutes WHERE minute < ?').run(cutoff - 60_000);
    db.prepare('DELETE FROM traffic_minute_names WHERE minute < ?').run(cutoff - 60_000);
  }
  if (maxCount !== undefined) {
    const keepFrom = db.prepare('SELECT id FROM exchanges ORDER BY id DESC LIMIT 1 OFFSET ?').get(maxCount - 1) as { id: number } | undefined;
    if (keepFrom) deleted += deleteUpTo(db, keepFrom.id - 1, '1', []);
  }
  if (deleted > 0) vacuum(db);
  return deleted;
}

function deleteUpTo(db: Db, lastId: number, where: string, params: unknown[]): number {
  const chunk = db.prepare(`SELECT id FROM exchanges WHERE id <= ? AND ${where} ORDER BY id LIMIT 5000`);
  const deleteRows = db.prepare('DELETE FROM exchanges WHERE id >= ? AND id <= ?');
  const deleteIndexed = db.prepare('DELETE FROM exchanges_fts WHERE rowid = ?');
  let deleted = 0;
  for (;;) {
    const ids = (chunk.all(lastId, ...params) as { id: number }[]).map((r) => r.id);
    if (ids.length === 0) return deleted;
    const upto = indexedUpTo(db);
    db.transaction(() => {
      // Contiguous runs of ids: one range delete each.
      let start = 0;
      for (let i = 1; i <= ids.length; i++) {
        if (i === ids.length || ids[i] !== ids[i - 1]! + 1) {
          deleted += deleteRows.run(ids[start], ids[i - 1]).changes;
          start = i;
        }
      }
      for (const id of ids) if (id <= upto) deleteIndexed.run(id);
    })();
  }
}

/** Deletes every exchange and aggregate; returns how many exchanges there were. */
export function clearTraffic(db: Db): number {
  let deleted = 0;
  db.transaction(() => {
    deleted = db.prepare('DELETE FROM exchanges').run().changes;
    db.exec(`INSERT INTO exchanges_fts (exchanges_fts) VALUES ('delete-all');
      DELETE FROM traffic_minutes; DELETE FROM traffic_minute_names; DELETE FROM traffic_meta WHERE key = 'fts_upto';`);
  })();
  vacuum(db);
  return deleted;
}

/** Returns free pages to the file system (auto_vacuum = INCREMENTAL), then truncates the WAL. */
export function vacuum(db: Db): void {
  db.pragma('incremental_vacuum');
  db.pragma('wal_checkpoint(TRUNCATE)');
}
