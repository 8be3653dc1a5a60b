/** One request and its response through the gateway, as handed to the traffic log. */

/** `policy`: a policy answered without error (a CORS preflight, a cache hit); `rejected`: a policy or validation refused. */
export type ExchangeMode = 'mock' | 'proxy' | 'policy' | 'rejected' | 'unroutable';

/** Header lists as Node gives them (`req.rawHeaders` style): name, value, name, value, ... */
export type RawHeaders = string[];

/** Headers as `res.getHeaders()` gives them; the writer flattens them to RawHeaders, off the request path. */
export type HeaderObject = Record<string, string | string[] | number | undefined>;

/**
 * A response's head as Node wrote it to the socket: the status line, then one `Name: value` line per header, each
 * ending in CRLF, then an empty line. Every header the client received, Node's own (Date, Connection, Keep-Alive,
 * Transfer-Encoding) included; a value never holds CR or LF (Node refuses to write one).
 */
export type WireHead = string;

export interface CapturedBody {
  /** The first bytes, at most the configured cap. */
  bytes: Buffer;
  /** Full size in bytes, also when `bytes` was cut. */
  size: number;
  /**
   * SHA-256 (hex) of the full body. Absent when `bytes` is the whole body: the log's writer hashes it then,
   * off the request path.
   */
  sha256?: string;
}

export interface Exchange {
  /** Wall-clock start, ms since the epoch. */
  startedAt: number;
  method: string;
  /** Path and query as received on the wire. */
  rawUrl: string;
  /** Normalised path (what routing and policies saw) plus the raw query. */
  url: string;
  /** Path template of the matched operation, e.g. /pets/{id}. */
  route?: string;
  operationId?: string;
  mode: ExchangeMode;
  status: number;
  /** Total, from first byte received to last byte sent. */
  durationMs: number;
  /** Time spent waiting for the upstream (proxy mode), first byte of the request sent to headers received. */
  upstreamMs?: number;
  /** Time spent in the gateway itself: total minus upstream. */
  gatewayMs: number;
  clientAddress: string;
  consumer?: string;
  upstream?: string;
  /** The policy that answered or rejected the request, and why. */
  policy?: { id: string; name?: string; reason: string };
  /** Each policy's time on this request, in chain order (request and body phases). */
  policyTimings?: { id: string; name?: string; ms: number }[] | undefined;
  requestHeaders: RawHeaders;
  responseHeaders: RawHeaders | HeaderObject | WireHead;
  requestBody?: CapturedBody;
  responseBody?: CapturedBody;
  /** A transport-level failure (upstream reset, client aborted). */
  error?: string;
  /** Not live traffic: 'import: file.har', 'replay of #12'. */
  origin?: string;
}

/** Header objects (`res.getHeaders()`) and wire heads as name, value, name, value, ...; header lists unchanged. */
export function flattenHeaders(headers: RawHeaders | HeaderObject | WireHead): RawHeaders {
  if (Array.isArray(headers)) return headers;
  if (typeof headers === 'string') return headersOfHead(headers);
  const out: RawHeaders = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.push(name, item);
    else out.push(name, String(value));
  }
  return out;
}

function headersOfHead(head: WireHead): RawHeaders {
  const out: RawHeaders = [];
  const lines = head.split('\r\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // the empty lines at the end
    // Node writes `${name}: ${value}`; a value is never trimmed.
    out.push(line.slice(0, colon), line.slice(line.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1));
  }
  return out;
}
