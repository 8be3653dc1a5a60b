import type { Db } from './db.js';
import type { TrafficFilter } from './filter.js';
import { indexedUpTo } from './maintenance.js';

/** A parsed filter as an SQL condition on `exchanges` (aliased `e`), with its parameters. */
export interface SqlCondition {
  where: string;
  params: unknown[];
}

/** `"phrase"*` for FTS5: quotes doubled, so user text can never become FTS syntax; the last word matches as a prefix. */
export function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"*`;
}

/** `%text%` for LIKE with `\` as the escape character. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `text`: 'match' (default) finds free text through the index and scans the unindexed tail; 'omit' leaves free text
 * out, for callers that drive the query from the index themselves (queries.ts pages).
 */
export function filterCondition(db: Db, filter: TrafficFilter, text: 'match' | 'omit' = 'match'): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  const anyOf = (values: readonly unknown[], column: string) => {
    if (values.length === 0) return;
    parts.push(`e.${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (filter.statuses.length > 0) {
    // One code as equality: the status index then yields rows in id order, so a page needs no sort.
    parts.push(`(${filter.statuses.map((s) => (s.min === s.max ? 'e.status = ?' : 'e.status BETWEEN ? AND ?')).join(' OR ')})`);
    for (const s of filter.statuses) params.push(...(s.min === s.max ? [s.min] : [s.min, s.max]));
  }
  anyOf(filter.methods, 'method');
  anyOf(filter.operations, 'operation_id');
  anyOf(filter.consumers, 'consumer');
  anyOf(filter.modes, 'mode');
  if (filter.since !== undefined) {
    parts.push('e.started_at >= ?');
    params.push(Math.trunc(filter.since));
  }
  if (filter.until !== undefined) {
    parts.push('e.started_at < ?');
    params.push(Math.trunc(filter.until));
  }
  if (filter.slowerThanMs !== undefined) {
    parts.push('e.duration_ms > ?');
    params.push(filter.slowerThanMs);
  }
  if (filter.paths.length > 0) {
    parts.push(`(${filter.paths.map(() => "e.url LIKE ? ESCAPE '\\'").join(' OR ')})`);
    for (const p of filter.paths) params.push(`${likeContains(p).slice(1)}`);
  }
  if (filter.text.length > 0 && text === 'match') {
    // Indexed rows through FTS; the tail the writer has not indexed yet (it indexes when idle) by a scan.
    const scan = textScan(filter.text);
    parts.push(`(e.id IN (SELECT rowid FROM exchanges_fts WHERE exchanges_fts MATCH ?) OR (e.id > ? AND ${scan.where}))`);
    params.push(ftsQuery(filter.text), indexedUpTo(db), ...scan.params);
  }
  return { where: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/** Every phrase, each matching as a prefix: the FTS5 query for free text. */
export function ftsQuery(text: readonly string[]): string {
  return text.map(ftsPhrase).join(' ');
}

/** Free text found by scanning (the not yet indexed tail): every phrase somewhere in the URL, headers or bodies. */
export function textScan(text: readonly string[]): SqlCondition {
  const one =
    "(e.url LIKE ? ESCAPE '\\' OR e.request_headers LIKE ? ESCAPE '\\' OR e.response_headers LIKE ? ESCAPE '\\'" +
    " OR CAST(e.request_body AS TEXT) LIKE ? ESCAPE '\\' OR CAST(e.response_body AS TEXT) LIKE ? ESCAPE '\\')";
  const params: unknown[] = [];
  for (const t of text) {
    const like = likeContains(t);
    params.push(like, like, like, like, like);
  }
  return { where: `(${text.map(() => one).join(' AND ')})`, params };
}
