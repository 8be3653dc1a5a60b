import { flattenHeaders, type HeaderObject, type RawHeaders, type WireHead } from './exchange.js';

/**
 * Secrets are removed from an exchange before anything of it is written. Pure functions:
 * the input is never modified, and whatever is not redacted stays byte-identical.
 */

export const REDACTED = '[REDACTED]';

/** Always redacted, whatever the design says. */
export const DEFAULT_REDACTED_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
];

export const DEFAULT_REDACTED_QUERY: readonly string[] = [
  'api_key',
  'apikey',
  'api-key',
  'access_token',
  'token',
  'key',
  'password',
  'secret',
  'client_secret',
];

export interface RedactOptions {
  /** Extra header names, e.g. the design's `apiKey` schemes `in: header`. Case-insensitive. */
  headers?: readonly string[];
  /** Extra query parameter names, e.g. the design's `apiKey` schemes `in: query`. Case-insensitive. */
  query?: readonly string[];
}

export interface Redactor {
  headers(raw: RawHeaders): RawHeaders;
  /** A header list, object (`res.getHeaders()`) or wire head: the same value when nothing needed redacting, else a redacted list. */
  anyHeaders(headers: RawHeaders | HeaderObject | WireHead): RawHeaders | HeaderObject | WireHead;
  url(url: string): string;
}

/** Builds the name sets once; the returned functions are what the writer calls per exchange. */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const headerNames = new HeaderNameSet([...DEFAULT_REDACTED_HEADERS, ...(options.headers ?? [])]);
  const queryNames = lowerSet(DEFAULT_REDACTED_QUERY, options.query);
  const headers = (raw: RawHeaders) => redactHeaders(raw, headerNames);
  const url = (value: string) => redactUrl(value, queryNames);
  const anyHeaders = (value: RawHeaders | HeaderObject | WireHead) => (anyNamed(value, headerNames) ? headers(flattenHeaders(value)) : value);
  return { headers, anyHeaders, url };
}

/**
 * Header names matched case-insensitively. Most headers of an exchange are none of them, and a name whose length and
 * first letter no listed name has is passed over without being lower-cased (a new string for every mixed-case name)
 * and looked up: the log checks every header of every exchange, and a length alone lets common names through
 * (`Connection` and `User-Agent` have the length of `set-cookie`).
 */
export class HeaderNameSet {
  private readonly names: ReadonlySet<string>;
  /** Per name length below 256: a bit per first letter a–z (any case), bit 26 for any other first character. */
  private readonly firsts = new Int32Array(256);
  private anyLong = false;
  /** A header line of one of the names in a wire head: one native scan of the string, nothing built. */
  private readonly inHead: RegExp;

  constructor(names: Iterable<string>) {
    this.names = new Set([...names].map((name) => name.toLowerCase()));
    for (const name of this.names) {
      if (name.length < 256) this.firsts[name.length]! |= firstBit(name);
      else this.anyLong = true;
    }
    const alternatives = [...this.names].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.inHead = alternatives.length === 0 ? /(?!)/ : new RegExp(`\r\n(?:${alternatives.join('|')}):`, 'i');
  }

  has(name: string): boolean {
    const length = name.length;
    if (length < 256 ? (this.firsts[length]! & firstBit(name)) === 0 : !this.anyLong) return false;
    return this.names.has(name.toLowerCase());
  }

  /** Whether a wire head (see `WireHead`) has a header of one of the names. */
  namedInHead(head: WireHead): boolean {
    return this.inHead.test(head);
  }

}

/**
 * Replaces the values of the named headers in a raw header list (name, value, name, value, ...).
 * Returns the input array itself when no header matched.
 */
export function redactHeaders(raw: RawHeaders, names: HeaderNameSet): RawHeaders {
  let out: RawHeaders | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (names.has(raw[i] as string)) {
      out ??= raw.slice();
      out[i + 1] = REDACTED;
    }
  }
  return out ?? raw;
}

/**
 * Replaces the values of the named query parameters in a path-and-query (or absolute URL).
 * Names are compared case-insensitively after percent-decoding (`api%5Fkey` is `api_key`), so a
 * client cannot slip a secret past by spelling; separators, order, other parameters and the
 * fragment are kept byte for byte. `names` must be lower case. Returns the input when nothing matched.
 */
export function redactUrl(url: string, names: ReadonlySet<string>): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const hash = url.indexOf('#', queryStart);
  const queryEnd = hash === -1 ? url.length : hash;
  const query = url.slice(queryStart + 1, queryEnd);
  const parts = query.split('&');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    if (eq === -1) continue; // a bare flag carries no value
    if (!names.has(decodeName(part.slice(0, eq)))) continue;
    parts[i] = `${part.slice(0, eq + 1)}${REDACTED}`;
    changed = true;
  }
  if (!changed) return url;
  return `${url.slice(0, queryStart + 1)}${parts.join('&')}${url.slice(queryEnd)}`;
}

function decodeName(name: string): string {
  const plain = name.replace(/\+/g, ' ');
  if (!plain.includes('%')) return plain.toLowerCase();
  try {
    return decodeURIComponent(plain).toLowerCase();
  } catch {
    return plain.toLowerCase(); // malformed escape: compare as written
  }
}

/** Whether a header object, list or wire head has one of `names`; a list is assumed to need a look. */
function anyNamed(headers: RawHeaders | HeaderObject | WireHead, names: HeaderNameSet): boolean {
  if (Array.isArray(headers)) return true;
  if (typeof headers === 'string') return names.namedInHead(headers);
  for (const name in headers) if (names.has(name)) return true;
  return false;
}

function firstBit(name: string): number {
  const lower = name.charCodeAt(0) | 0x20; // ASCII letters to lower case; other characters land outside a–z
  return lower >= 0x61 && lower <= 0x7a ? 1 << (lower - 0x61) : 1 << 26;
}

function lowerSet(defaults: readonly string[], extra: readonly string[] = []): ReadonlySet<string> {
  return new Set([...defaults, ...extra].map((name) => name.toLowerCase()));
}
