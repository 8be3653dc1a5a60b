import type { CapturedBody, Exchange, ExchangeMode, HeaderObject, RawHeaders } from './exchange.js';
import type { Redactor } from './redact.js';

/**
 * A batch of exchanges as it is spooled: JSON text plus one buffer holding every body. Each exchange is a positional
 * array (`Record` below), not an object: the event loop encodes every exchange, and without the field names the JSON
 * is 40 % smaller and ~0.5 µs quicker to make, with less to copy and write (measured in the fifth session, see
 * docs/logging-cost.md). Durations are whole microseconds, which V8 prints much faster than fractional milliseconds.
 * Batches spooled as objects by earlier versions still decode.
 */

/** A body: offset and length of its kept bytes in the batch's buffer, full size, SHA-256 when the bytes were cut. */
type BodyRecord = [offset: number, length: number, size: number, sha256?: string];

type Record = [
  startedAt: number,
  method: string,
  rawUrl: string,
  /** null when equal to rawUrl, the usual case. */
  url: string | null,
  route: string | null,
  operationId: string | null,
  mode: ExchangeMode,
  status: number,
  durationUs: number,
  upstreamUs: number | null,
  gatewayUs: number,
  clientAddress: string,
  consumer: string | null,
  upstream: string | null,
  policy: Exchange['policy'] | null,
  policyTimings: Exchange['policyTimings'] | null,
  requestHeaders: RawHeaders,
  responseHeaders: RawHeaders | HeaderObject,
  requestBody: BodyRecord | null,
  responseBody: BodyRecord | null,
  error: string | null,
  origin: string | null,
];

const toUs = (ms: number) => Math.round(ms * 1000);

/** Bodies of a batch start in a buffer this large, grown as needed; one grown past the cap is not kept for the next. */
const FIRST_BODIES_BYTES = 64 * 1024;
const MAX_KEPT_BODIES_BYTES = 4 * 1024 * 1024;

/** The batch's JSON text starts in a buffer this large (~300 exchanges); past the cap, it is not kept either. */
const FIRST_TEXT_BYTES = 256 * 1024;
const MAX_KEPT_TEXT_BYTES = 4 * 1024 * 1024;
const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

/**
 * Builds a spool batch as exchanges end: each is redacted and encoded when it is added, its JSON written straight
 * into the batch's text buffer and its bodies into the bodies buffer, both reused from batch to batch. Nothing of an
 * exchange stays on the heap until the spool write: held exchanges (header lists, body buffers) survived every
 * young-generation GC in the batch window (`--trace-gc-nvp`: 110 KB more per scavenge, ~0.9 µs per request), and
 * held JSON strings were then joined into one more string and copied once more into bytes (~0.3 µs per request in
 * `perf`; docs/logging-cost.md).
 */
export class BatchEncoder {
  private count = 0;
  private text = Buffer.allocUnsafe(FIRST_TEXT_BYTES);
  private textUsed = 0;
  private bodies = Buffer.allocUnsafe(FIRST_BODIES_BYTES);
  private used = 0;

  get length(): number {
    return this.count;
  }

  /** Redacts and encodes one exchange into the batch; the exchange is not referenced afterwards. */
  add(e: Exchange, redactor?: Redactor): void {
    const mark = this.used;
    let json: string;
    try {
      json = JSON.stringify(this.record(e, redactor));
    } catch (error) {
      this.used = mark; // a record that cannot be encoded leaves the batch as it was
      throw error;
    }
    // A UTF-16 code unit takes at most 3 bytes of UTF-8; one byte before the record, one kept for the closing bracket.
    const needed = this.textUsed + 2 + 3 * json.length;
    if (needed > this.text.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.text.length));
      this.text.copy(grown, 0, 0, this.textUsed);
      this.text = grown;
    }
    this.text[this.textUsed++] = this.count === 0 ? OPEN_BRACKET : COMMA;
    this.textUsed += this.text.write(json, this.textUsed);
    this.count++;
  }

  private record(e: Exchange, redactor: Redactor | undefined): Record {
    const rawUrl = redactor ? redactor.url(e.rawUrl) : e.rawUrl;
    const url = e.url === e.rawUrl ? null : redactor ? redactor.url(e.url) : e.url;
    return [
      e.startedAt,
      e.method,
      rawUrl,
      url,
      e.route ?? null,
      e.operationId ?? null,
      e.mode,
      e.status,
      toUs(e.durationMs),
      e.upstreamMs === undefined ? null : toUs(e.upstreamMs),
      toUs(e.gatewayMs),
      e.clientAddress,
      e.consumer ?? null,
      e.upstream ?? null,
      e.policy ?? null,
      e.policyTimings ?? null,
      redactor ? redactor.headers(e.requestHeaders) : e.requestHeaders,
      redactor ? redactor.anyHeaders(e.responseHeaders) : e.responseHeaders,
      this.place(e.requestBody),
      this.place(e.responseBody),
      e.error ?? null,
      e.origin ?? null,
    ];
  }

  /**
   * The batch so far, as spooled (see the top of this file), and an empty batch from here on. Both are views of
   * buffers the next batch reuses: write them out before the next `add`.
   */
  take(): { text: Uint8Array; bodies: Uint8Array } {
    if (this.count === 0) this.text[this.textUsed++] = OPEN_BRACKET;
    this.text[this.textUsed++] = CLOSE_BRACKET;
    const text = this.text.subarray(0, this.textUsed);
    const bodies = this.bodies.subarray(0, this.used);
    this.count = 0;
    this.textUsed = 0;
    this.used = 0;
    if (this.text.length > MAX_KEPT_TEXT_BYTES) this.text = Buffer.allocUnsafe(FIRST_TEXT_BYTES);
    if (this.bodies.length > MAX_KEPT_BODIES_BYTES) this.bodies = Buffer.allocUnsafe(FIRST_BODIES_BYTES);
    return { text, bodies };
  }

  private place(body: CapturedBody | undefined): BodyRecord | null {
    if (!body) return null;
    const bytes = body.bytes;
    const offset = this.used;
    const end = offset + bytes.length;
    if (end > this.bodies.length) {
      const grown = Buffer.allocUnsafe(Math.max(end, 2 * this.bodies.length));
      this.bodies.copy(grown, 0, 0, offset);
      this.bodies = grown;
    }
    this.bodies.set(bytes, offset);
    this.used = end;
    return body.sha256 === undefined ? [offset, bytes.length, body.size] : [offset, bytes.length, body.size, body.sha256];
  }
}

/** Redacts each exchange and encodes the batch. */
export function encodeBatch(exchanges: readonly Exchange[], redactor?: Redactor): { text: Uint8Array; bodies: Uint8Array } {
  const batch = new BatchEncoder();
  for (const e of exchanges) batch.add(e, redactor);
  return batch.take();
}

/** The reading side of `encodeBatch`, its text read back as a string: bodies become views of `bodies`. */
export function decodeBatch(json: string, bodies: Uint8Array): Exchange[] {
  const items = JSON.parse(json) as (Record | Exchange)[];
  const view = (offset: number, length: number) => Buffer.from(bodies.buffer, bodies.byteOffset + offset, length);
  return items.map((item) => (Array.isArray(item) ? fromRecord(item, view) : fromObject(item, view)));
}

function fromRecord(r: Record, view: (offset: number, length: number) => Buffer): Exchange {
  const body = (b: BodyRecord | null): CapturedBody | undefined =>
    b === null ? undefined : b[3] === undefined ? { bytes: view(b[0], b[1]), size: b[2] } : { bytes: view(b[0], b[1]), size: b[2], sha256: b[3] };
  const exchange: Exchange = {
    startedAt: r[0],
    method: r[1],
    rawUrl: r[2],
    url: r[3] ?? r[2],
    mode: r[6],
    status: r[7],
    durationMs: r[8] / 1000,
    gatewayMs: r[10] / 1000,
    clientAddress: r[11],
    requestHeaders: r[16],
    responseHeaders: r[17],
  };
  if (r[4] !== null) exchange.route = r[4];
  if (r[5] !== null) exchange.operationId = r[5];
  if (r[9] !== null) exchange.upstreamMs = r[9] / 1000;
  if (r[12] !== null) exchange.consumer = r[12];
  if (r[13] !== null) exchange.upstream = r[13];
  if (r[14] !== null) exchange.policy = r[14];
  if (r[15] !== null) exchange.policyTimings = r[15];
  const requestBody = body(r[18]);
  if (requestBody) exchange.requestBody = requestBody;
  const responseBody = body(r[19]);
  if (responseBody) exchange.responseBody = responseBody;
  if (r[20] !== null) exchange.error = r[20];
  if (r[21] !== null) exchange.origin = r[21];
  return exchange;
}

/** A batch spooled by a version that wrote exchanges as objects, bodies' `bytes` being `[offset, length]`. */
function fromObject(e: Exchange, view: (offset: number, length: number) => Buffer): Exchange {
  for (const body of [e.requestBody, e.responseBody]) {
    if (!body) continue;
    const [offset, length] = body.bytes as unknown as [number, number];
    body.bytes = view(offset, length);
  }
  return e;
}
