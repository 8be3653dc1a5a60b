import { bodyText } from './maintenance.js';
import type { Exchange, ExchangeMode, RawHeaders } from './exchange.js';

/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) from logged exchanges, and logged exchanges from HAR.
 * What HAR has no field for travels in `_portico` (custom fields start with `_`, as the spec allows). Headers are
 * exported as logged, so already redacted.
 */

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: { mimeType: string; text: string; _encoding?: 'base64' };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    content: { size: number; mimeType: string; text?: string; encoding?: 'base64' };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { blocked: number; dns: number; connect: number; send: number; wait: number; receive: number; ssl: number };
  serverIPAddress?: string;
  _portico?: {
    id?: number;
    operationId?: string;
    route?: string;
    mode?: string;
    consumer?: string;
    policy?: { id: string; name?: string; reason: string };
    gatewayMs?: number;
    upstreamMs?: number;
    policyTimings?: { id: string; name?: string; ms: number }[];
    requestBodyTruncated?: boolean;
    responseBodyTruncated?: boolean;
    error?: string;
  };
}

export interface Har {
  log: { version: '1.2'; creator: { name: string; version: string }; entries: HarEntry[] };
}

type SqlRow = Record<string, unknown>;

/** HAR of stored rows (as `SELECT *` gives them), in the order given. */
export function toHar(rows: readonly SqlRow[], creatorVersion: string): Har {
  return { log: { version: '1.2', creator: { name: 'Portico', version: creatorVersion }, entries: rows.map(toEntry) } };
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function toEntry(r: SqlRow): HarEntry {
  const requestHeaders = nameValues(JSON.parse(r.request_headers as string) as RawHeaders);
  const responseHeaders = nameValues(JSON.parse(r.response_headers as string) as RawHeaders);
  const host = requestHeaders.find((h) => h.name.toLowerCase() === 'host')?.value ?? 'localhost';
  const url = new URL(r.raw_url as string, `http://${host}`);
  const requestBody = r.request_body as Buffer | null;
  const responseBody = r.response_body as Buffer | null;
  const requestSize = (r.request_body_size as number | null) ?? 0;
  const responseSize = (r.response_body_size as number | null) ?? 0;
  const duration = r.duration_ms as number;
  const upstreamMs = r.upstream_ms as number | null;
  const contentType = (headers: HarNameValue[]) => headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
  const portico: NonNullable<HarEntry['_portico']> = {
    id: r.id as number,
    mode: r.mode as string,
    gatewayMs: r.gateway_ms as number,
    ...(upstreamMs !== null && { upstreamMs }),
    ...(typeof r.policy_timings === 'string' && { policyTimings: JSON.parse(r.policy_timings) as { id: string; name?: string; ms: number }[] }),
    ...(r.operation_id !== null && { operationId: r.operation_id as string }),
    ...(r.route !== null && { route: r.route as string }),
    ...(r.consumer !== null && { consumer: r.consumer as string }),
    ...(r.policy_id !== null && {
      policy: { id: r.policy_id as string, ...(r.policy_name !== null && { name: r.policy_name as string }), reason: (r.policy_reason as string | null) ?? '' },
    }),
    ...(requestBody && requestBody.length < requestSize && { requestBodyTruncated: true }),
    ...(responseBody && responseBody.length < responseSize && { responseBodyTruncated: true }),
    ...(r.error !== null && { error: r.error as string }),
  };
  const requestText = requestBody && requestBody.length > 0 ? encodeBody(requestBody) : undefined;
  const responseText = responseBody && responseBody.length > 0 ? encodeBody(responseBody) : undefined;
  return {
    startedDateTime: new Date(r.started_at as number).toISOString(),
    time: duration,
    request: {
      method: r.method as string,
      url: url.href,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: requestHeaders,
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(requestText && {
        postData: { mimeType: contentType(requestHeaders), text: requestText.text, ...(requestText.base64 && { _encoding: 'base64' as const }) },
      }),
      headersSize: -1,
      bodySize: requestSize,
    },
    response: {
      status: r.status as number,
      statusText: STATUS_TEXT[r.status as number] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: responseHeaders,
      content: {
        size: responseSize,
        mimeType: contentType(responseHeaders),
        ...(responseText && { text: responseText.text, ...(responseText.base64 && { encoding: 'base64' as const }) }),
      },
      redirectURL: responseHeaders.find((h) => h.name.toLowerCase() === 'location')?.value ?? '',
      headersSize: -1,
      bodySize: responseSize,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: duration, receive: 0 },
    _portico: portico,
  };
}

function nameValues(flat: RawHeaders): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ name: flat[i]!, value: flat[i + 1]! });
  return out;
}

function encodeBody(bytes: Buffer): { text: string; base64: boolean } {
  const text = bodyText(bytes);
  return text !== '' ? { text, base64: false } : { text: bytes.toString('base64'), base64: true };
}

export interface ImportResult {
  exchanges: Exchange[];
  skipped: number;
  /** Why entries were skipped (first few). */
  reasons: string[];
}

const modes: readonly ExchangeMode[] = ['mock', 'proxy', 'policy', 'rejected', 'unroutable'];

/** Logged exchanges from a HAR document (any tool's); entries without a method, URL, status or time are skipped. */
export function fromHar(har: unknown, origin: string): ImportResult {
  const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (!Array.isArray(entries)) throw new Error('not a HAR file: no log.entries array');
  const exchanges: Exchange[] = [];
  const reasons: string[] = [];
  let skipped = 0;
  entries.forEach((raw: unknown, index) => {
    const why = entryProblem(raw);
    if (why) {
      skipped++;
      if (reasons.length < 5) reasons.push(`entry ${index}: ${why}`);
      return;
    }
    exchanges.push(toExchange(raw as HarEntry, origin));
  });
  return { exchanges, skipped, reasons };
}

function entryProblem(raw: unknown): string | undefined {
  const e = raw as Partial<HarEntry> | null;
  if (!e || typeof e !== 'object') return 'not an object';
  if (typeof e.request?.method !== 'string' || typeof e.request.url !== 'string') return 'no request method or url';
  if (typeof e.response?.status !== 'number') return 'no response status';
  if (typeof e.startedDateTime !== 'string' || Number.isNaN(Date.parse(e.startedDateTime))) return 'no valid startedDateTime';
  try {
    new URL(e.request.url);
  } catch {
    return `bad url ${JSON.stringify(e.request.url).slice(0, 80)}`;
  }
  return undefined;
}

function toExchange(e: HarEntry, origin: string): Exchange {
  const url = new URL(e.request.url);
  const path = `${url.pathname}${url.search}`;
  const p = e._portico;
  const requestBytes = e.request.postData?.text === undefined ? undefined : decodeBody(e.request.postData.text, e.request.postData._encoding);
  const responseBytes = e.response.content?.text === undefined ? undefined : decodeBody(e.response.content.text, e.response.content.encoding);
  const time = Number.isFinite(e.time) && e.time >= 0 ? e.time : 0;
  const flat = (headers: HarNameValue[] | undefined): RawHeaders =>
    (Array.isArray(headers) ? headers : []).flatMap((h) => (typeof h?.name === 'string' ? [h.name, String(h.value ?? '')] : []));
  const mode = p?.mode && (modes as readonly string[]).includes(p.mode) ? (p.mode as ExchangeMode) : 'proxy';
  return {
    startedAt: Date.parse(e.startedDateTime),
    method: e.request.method.toUpperCase(),
    rawUrl: path,
    url: path,
    ...(p?.route && { route: p.route }),
    ...(p?.operationId && { operationId: p.operationId }),
    mode,
    status: e.response.status,
    durationMs: time,
    ...(p?.upstreamMs !== undefined && { upstreamMs: p.upstreamMs }),
    gatewayMs: p?.gatewayMs ?? 0,
    clientAddress: '',
    ...(p?.consumer && { consumer: p.consumer }),
    ...(url.host && { upstream: url.origin }),
    ...(p?.policy && { policy: p.policy }),
    ...(Array.isArray(p?.policyTimings) && { policyTimings: p.policyTimings }),
    requestHeaders: flat(e.request.headers),
    responseHeaders: flat(e.response.headers),
    ...(requestBytes && { requestBody: { bytes: requestBytes, size: Math.max(requestBytes.length, e.request.bodySize > 0 ? e.request.bodySize : 0) } }),
    ...(responseBytes && { responseBody: { bytes: responseBytes, size: Math.max(responseBytes.length, e.response.content.size > 0 ? e.response.content.size : 0) } }),
    ...(p?.error && { error: p.error }),
    origin,
  };
}

function decodeBody(text: string, encoding: string | undefined): Buffer {
  return encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
}
