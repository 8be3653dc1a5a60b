import type { CapturedBody, Exchange, ExchangeMode, HeaderObject, RawHeaders } from './exchange.js';
import type { Redactor } from './redact.js';

/**
 * A batch of exchanges as it is spooled: JSON text plus one buffer holding every body. Each exchange is a positional
 * array (`Record` below), not an object: the event loop encodes every exchange, and without the field names the JSON
 * is 40 % smaller and ~0.5 µs quicker to make, with less to copy and write (measured in the fifth session, see
 * docs/architecture.md). Durations are whole microseconds, which V8 prints much faster than fractional milliseconds.
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

/**
 * Builds a spool batch as exchanges end: each is redacted and encoded when it is added, and its bodies are copied into
 * one buffer. What waits for the next spool write is then one flat string per exchange, not the exchange's own
 * objects (header lists and their strings, body buffers, ...). Those survived every young-generation GC that fell in
 * the batch window, and copying them was ~0.9 µs per request on a saturated gateway (`--trace-gc-nvp`: 110 KB more
 * survived each scavenge, whose pause grew from 0.78 to 1.01 ms). Encoding one exchange at a time costs no more than
 * encoding the batch at once (`JSON.stringify` of a ~300-byte record is ~0.7 µs either way).
 */
export class BatchEncoder {
  private records: string[] = [];
  private bodies = Buffer.allocUnsafe(FIRST_BODIES_BYTES);
  private used = 0;

  get length(): number {
    return this.records.length;
  }

  /** Redacts and encodes one exchange into the batch; the exchange is not referenced afterwards. */
  add(e: Exchange, redactor?: Redactor): void {
    const mark = this.used;
    try {
      this.records.push(JSON.stringify(this.record(e, redactor)));
    } catch (error) {
      this.used = mark; // a record that cannot be encoded leaves the batch as it was
      throw error;
    }
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
   * The batch so far, as spooled (see the top of this file), and an empty batch from here on. `bodies` is a view of a
   * buffer the next batch reuses: write it out before the next `add`.
   */
  take(): { json: string; bodies: Uint8Array } {
    const records = this.records;
    // The brackets go on the ends of the first and last records, so that `join` makes one flat string: around it they
    // would make a rope that the spool's write flattens into one more copy of the whole batch.
    const last = records.length - 1;
    if (last >= 0) {
      records[0] = `[${records[0]!}`;
      records[last] = `${records[last]!}]`;
    }
    const json = last >= 0 ? records.join(',') : '[]';
    const bodies = this.bodies.subarray(0, this.used);
    this.records = [];
    this.used = 0;
    if (this.bodies.length > MAX_KEPT_BODIES_BYTES) this.bodies = Buffer.allocUnsafe(FIRST_BODIES_BYTES);
    return { json, bodies };
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
export function encodeBatch(exchanges: readonly Exchange[], redactor?: Redactor): { json: string; bodies: Uint8Array } {
  const batch = new BatchEncoder();
  for (const e of exchanges) batch.add(e, redactor);
  return batch.take();
}

/** The reading side of `encodeBatch`: bodies become views of `bodies`. */
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
