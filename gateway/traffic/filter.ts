/**
 * The inspector's query language, shared by the UI's filter bar and `portico traffic --filter`:
 * space-separated terms, all of which must hold (AND); a comma inside a term means OR.
 *
 *   status:5xx  status:404  status:401,403   method:POST   op:getPet   consumer:alice
 *   mode:mock|proxy|policy|rejected|unroutable   since:10m   until:2026-11-26T12:00
 *   slower:200ms   path:/pets   "free text"   timeout
 *
 * Bare words and quoted phrases are free text, searched in URLs, headers and bodies.
 */

export const filterKeys = ['status', 'method', 'op', 'consumer', 'mode', 'since', 'until', 'slower', 'path'] as const;
export type FilterKey = (typeof filterKeys)[number];

export const exchangeModes = ['mock', 'proxy', 'policy', 'rejected', 'unroutable'] as const;

export interface StatusRange {
  min: number;
  max: number;
}

export interface TrafficFilter {
  statuses: StatusRange[];
  methods: string[];
  operations: string[];
  consumers: string[];
  modes: string[];
  /** ms since the epoch, inclusive. */
  since?: number;
  /** ms since the epoch, exclusive. */
  until?: number;
  slowerThanMs?: number;
  /** URL path prefixes (normalised path). */
  paths: string[];
  /** Phrases to find in URLs, headers and bodies; all must match. */
  text: string[];
}

export class FilterError extends Error {
  constructor(
    message: string,
    /** Index in the query text where the offending term starts. */
    readonly at: number,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

export const emptyFilter = (): TrafficFilter => ({ statuses: [], methods: [], operations: [], consumers: [], modes: [], paths: [], text: [] });

export function isEmptyFilter(filter: TrafficFilter): boolean {
  return (
    filter.statuses.length === 0 &&
    filter.methods.length === 0 &&
    filter.operations.length === 0 &&
    filter.consumers.length === 0 &&
    filter.modes.length === 0 &&
    filter.paths.length === 0 &&
    filter.text.length === 0 &&
    filter.since === undefined &&
    filter.until === undefined &&
    filter.slowerThanMs === undefined
  );
}

interface Token {
  text: string;
  at: number;
  /** Started with a quote: a phrase, never a `key:value` term. */
  quoted: boolean;
}

/** Splits on whitespace, keeping "quoted phrases" (and `key:"quoted value"`) whole. */
function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    while (i < query.length && /\s/.test(query[i]!)) i++;
    if (i >= query.length) break;
    const at = i;
    let text = '';
    const quoted = query[i] === '"';
    while (i < query.length && !/\s/.test(query[i]!)) {
      if (query[i] === '"') {
        const end = query.indexOf('"', i + 1);
        if (end < 0) throw new FilterError(`unterminated quote at column ${i + 1}`, i);
        text += query.slice(i + 1, end);
        i = end + 1;
      } else {
        text += query[i];
        i++;
      }
    }
    tokens.push({ text, at, quoted });
  }
  return tokens;
}

/** Parses a query; `now` anchors relative times such as `since:10m`. Throws `FilterError` naming the bad term. */
export function parseFilter(query: string, now: number = Date.now()): TrafficFilter {
  const filter = emptyFilter();
  for (const token of tokenize(query)) {
    const term = token.quoted ? null : /^([a-z]+):/i.exec(token.text);
    if (!term || looksLikeUrlScheme(token.text)) {
      filter.text.push(token.text);
      continue;
    }
    const key = term[1]!.toLowerCase();
    if (!(filterKeys as readonly string[]).includes(key)) {
      throw new FilterError(`unknown filter "${key}:" (known: ${filterKeys.map((k) => `${k}:`).join(' ')})`, token.at);
    }
    const colon = key.length;
    const value = token.text.slice(colon + 1);
    if (value === '') throw new FilterError(`"${key}:" needs a value`, token.at);
    const values = value.split(',').filter((v) => v !== '');
    const fail = (why: string): never => {
      throw new FilterError(`${key}:${value}: ${why}`, token.at);
    };
    switch (key as FilterKey) {
      case 'status':
        for (const v of values) filter.statuses.push(statusRange(v) ?? fail('expected a code (404), a class (4xx) or a range (500-503)'));
        break;
      case 'method':
        for (const v of values) filter.methods.push(/^[A-Za-z]+$/.test(v) ? v.toUpperCase() : fail('expected a method name such as GET'));
        break;
      case 'op':
        filter.operations.push(...values);
        break;
      case 'consumer':
        filter.consumers.push(...values);
        break;
      case 'mode':
        for (const v of values) {
          const mode = v.toLowerCase();
          filter.modes.push((exchangeModes as readonly string[]).includes(mode) ? mode : fail(`expected one of ${exchangeModes.join(', ')}`));
        }
        break;
      case 'since':
        filter.since = instant(value, now) ?? fail('expected a duration ago (10m, 2h, 7d) or a date (2026-11-26T12:00)');
        break;
      case 'until':
        filter.until = instant(value, now) ?? fail('expected a duration ago (10m, 2h, 7d) or a date (2026-11-26T12:00)');
        break;
      case 'slower':
        filter.slowerThanMs = durationMs(value) ?? fail('expected a duration such as 200ms or 1.5s');
        break;
      case 'path':
        for (const v of values) filter.paths.push(v.startsWith('/') ? v : fail('expected a path starting with /'));
        break;
    }
  }
  return filter;
}

/** `http://…` pasted as free text is not an unknown filter. */
function looksLikeUrlScheme(text: string): boolean {
  return /^[a-z]+:\/\//i.test(text);
}

function statusRange(value: string): StatusRange | undefined {
  let m = /^([1-5])xx$/i.exec(value);
  if (m) return { min: Number(m[1]) * 100, max: Number(m[1]) * 100 + 99 };
  m = /^(\d{3})$/.exec(value);
  if (m) return { min: Number(m[1]), max: Number(m[1]) };
  m = /^(\d{3})-(\d{3})$/.exec(value);
  if (m && Number(m[1]) <= Number(m[2])) return { min: Number(m[1]), max: Number(m[2]) };
  return undefined;
}

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `200ms`, `1.5s`, `10m`, `2h`, `7d`, `1w`; a bare number is milliseconds. */
export function durationMs(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?$/i.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * units[(m[2] ?? 'ms').toLowerCase()]!;
}

function instant(value: string, now: number): number | undefined {
  const ago = /^\d/.test(value) && !/^\d{4}-/.test(value) ? durationMs(value) : undefined;
  if (ago !== undefined) return now - ago;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
