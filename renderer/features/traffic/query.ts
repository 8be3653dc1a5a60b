/**
 * The inspector's query text (`status:5xx op:getPet method:POST mode:mock since:10m slower:200ms "free text"`) and the
 * quick controls that write into it. The text is the one source of truth: a control reads its value from the text and
 * writes it back by replacing (or removing) its `key:value` term, so the two never disagree. The engine parses the query;
 * this only splits it into terms the way the engine does (spaces separate terms, double quotes group).
 */

export type QueryKey = 'status' | 'method' | 'op' | 'consumer' | 'mode' | 'since' | 'slower';

export interface Term {
  /** The term as written, quotes included. */
  raw: string;
  key?: string;
  value: string;
}

/** Splits a query into terms: `key:value`, `key:"quoted value"`, `"free text"` or a bare word. */
export function terms(query: string): Term[] {
  const out: Term[] = [];
  const re = /([A-Za-z]+):("(?:[^"\\]|\\.)*"?|\S*)|("(?:[^"\\]|\\.)*"?)|(\S+)/g;
  for (const match of query.matchAll(re)) {
    const [raw, key, keyed, quoted, bare] = match;
    if (key !== undefined) out.push({ raw, key: key.toLowerCase(), value: unquote(keyed ?? '') });
    else if (quoted !== undefined) out.push({ raw, value: unquote(quoted) });
    else out.push({ raw, value: bare ?? raw });
  }
  return out;
}

const unquote = (s: string) => (s.startsWith('"') ? s.replace(/^"/, '').replace(/"$/, '').replace(/\\(.)/g, '$1') : s);
const quote = (s: string) => (/^[^\s"]+$/.test(s) ? s : `"${s.replace(/["\\]/g, '\\$&')}"`);

/** The value of the first `key:` term, if any. */
export function termValue(query: string, key: QueryKey): string | undefined {
  return terms(query).find((t) => t.key === key)?.value;
}

/**
 * The query with `key:` set to `value` (replacing every `key:` term in place of the first), or removed when `value` is
 * empty. Other terms keep their text and order.
 */
export function withTerm(query: string, key: QueryKey, value: string | undefined): string {
  const all = terms(query);
  const next: string[] = [];
  let placed = false;
  for (const t of all) {
    if (t.key === key) {
      if (!placed && value) next.push(`${key}:${quote(value)}`);
      placed = true;
    } else next.push(t.raw);
  }
  if (!placed && value) next.push(`${key}:${quote(value)}`);
  return next.join(' ');
}

/** Normalises spacing, so that the same filter is the same string (used to compare and as a cache key). */
export const normalizeQuery = (query: string) => terms(query).map((t) => t.raw).join(' ');

/** Free-text part of a query (quoted strings and bare words), e.g. for highlighting. */
export const freeText = (query: string) => terms(query).filter((t) => t.key === undefined).map((t) => t.value);

/** Options the quick controls offer; each writes one term. */
export const quick = {
  method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  status: ['2xx', '3xx', '4xx', '5xx'],
  mode: ['mock', 'proxy', 'rejected'],
  since: ['5m', '15m', '1h', '24h', '7d'],
  slower: ['100ms', '200ms', '500ms', '1s'],
} as const;
