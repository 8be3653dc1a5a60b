import { Packr, Unpackr } from 'msgpackr';
import { flattenHeaders, type CapturedBody, type Exchange, type ExchangeMode, type HeaderObject, type RawHeaders, type WireHead } from './exchange.js';
import type { Redactor } from './redact.js';

/**
 * A batch of exchanges as it is spooled: the exchanges as MessagePack (msgpackr), one message per exchange or per turn
 * of the event loop (a list of exchanges), plus one buffer holding every body. Each exchange is a positional array (`Record` below), not an object, and durations are
 * whole microseconds. The event loop encodes every exchange, so the encoding is chosen for its cost there: msgpackr
 * writes a bench exchange in ~0.6 µs where `JSON.stringify` and the UTF-8 write of its text took ~1.05 µs
 * (docs/logging-cost.md, ninth session). Batches spooled as JSON by earlier versions (text starting with `[`) still
 * decode.
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
  responseHeaders: RawHeaders | HeaderObject | WireHead,
  requestBody: BodyRecord | null,
  responseBody: BodyRecord | null,
  error: string | null,
  origin: string | null,
];

const toUs = (ms: number) => Math.round(ms * 1000);

/** Bodies of a batch start in a buffer this large, grown as needed; one grown past the cap is not kept for the next. */
const FIRST_BODIES_BYTES = 64 * 1024;
const MAX_KEPT_BODIES_BYTES = 4 * 1024 * 1024;

/** The batch's records start in a buffer this large (~1,000 bench exchanges); past the cap, it is not kept either. */
const FIRST_RECORDS_BYTES = 256 * 1024;
const MAX_KEPT_RECORDS_BYTES = 4 * 1024 * 1024;
/** How a JSON batch of an earlier version starts; a MessagePack one starts with an array's type byte. */
const JSON_BATCH_START = 0x5b; // '['

/**
 * Header objects are encoded as maps and decoded as `Map`s, so that every name comes back as it was (`__proto__`
 * included: msgpackr renames it when it decodes maps into objects). `useRecords: false`: no record extension, each
 * message stands alone.
 */
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false });

/** A batch as the spool writes it. Both are views of buffers the encoder reuses for its next batch. */
export interface EncodedBatch {
  records: Uint8Array;
  bodies: Uint8Array;
}

/**
 * Builds a spool batch as exchanges end: each is redacted and encoded when it is added, its record written into the
 * batch's records buffer and its bodies into the bodies buffer, both reused from batch to batch. Nothing of an
 * exchange stays on the heap until the spool write: held exchanges (header lists, body buffers) survived every
 * young-generation GC in the batch window (`--trace-gc-nvp`: 110 KB more per scavenge, ~0.9 µs per request), and
 * held encodings were then joined and copied once more (~0.3 µs per request in `perf`; docs/logging-cost.md).
 */
export class BatchEncoder {
  private count = 0;
  private records = Buffer.allocUnsafe(FIRST_RECORDS_BYTES);
  private recordsUsed = 0;
  private bodies = Buffer.allocUnsafe(FIRST_BODIES_BYTES);
  private used = 0;

  get length(): number {
    return this.count;
  }

  /** Redacts and encodes one exchange into the batch; the exchange is not referenced afterwards. */
  add(e: Exchange, redactor?: Redactor): void {
    const mark = this.used;
    try {
      this.append(this.record(e, redactor), 1);
    } catch (error) {
      this.used = mark; // a record that cannot be encoded leaves the batch as it was
      throw error;
    }
  }

  /**
   * Redacts and encodes the exchanges that ended in one turn of the event loop, as one MessagePack message (a list of
   * records): one `pack` call per turn instead of one per exchange (its setup, the view it returns and the copy cost
   * ~0.1 µs per call in `perf`). If the list cannot be encoded, each exchange is added on its own, and each that cannot
   * be is passed to `onFailure` and left out.
   */
  addAll(exchanges: readonly Exchange[], redactor: Redactor | undefined, onFailure: (error: unknown) => void): void {
    if (exchanges.length === 0) return;
    const mark = this.used;
    try {
      const records = new Array<Record>(exchanges.length);
      for (let i = 0; i < exchanges.length; i++) records[i] = this.record(exchanges[i] as Exchange, redactor);
      this.append(records, exchanges.length);
      return;
    } catch {
      this.used = mark;
    }
    for (const e of exchanges) {
      try {
        this.add(e, redactor);
      } catch (error) {
        onFailure(error);
      }
    }
  }

  /** Packs one message (a record, or a list of `count` records) onto the batch's records. */
  private append(message: Record | Record[], count: number): void {
    // A view of msgpackr's own buffer, valid until its next `pack`: copied at once.
    const packed = packr.pack(message);
    const needed = this.recordsUsed + packed.length;
    if (needed > this.records.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.records.length));
      this.records.copy(grown, 0, 0, this.recordsUsed);
      this.records = grown;
    }
    this.records.set(packed, this.recordsUsed);
    this.recordsUsed = needed;
    this.count += count;
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
  take(): EncodedBatch {
    const records = this.records.subarray(0, this.recordsUsed);
    const bodies = this.bodies.subarray(0, this.used);
    this.count = 0;
    this.recordsUsed = 0;
    this.used = 0;
    if (this.records.length > MAX_KEPT_RECORDS_BYTES) this.records = Buffer.allocUnsafe(FIRST_RECORDS_BYTES);
    if (this.bodies.length > MAX_KEPT_BODIES_BYTES) this.bodies = Buffer.allocUnsafe(FIRST_BODIES_BYTES);
    return { records, bodies };
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
export function encodeBatch(exchanges: readonly Exchange[], redactor?: Redactor): EncodedBatch {
  const batch = new BatchEncoder();
  for (const e of exchanges) batch.add(e, redactor);
  return batch.take();
}

/** The reading side of `encodeBatch`: bodies become views of `bodies`. */
export function decodeBatch(records: Uint8Array, bodies: Uint8Array): Exchange[] {
  if (records.length === 0) return [];
  let items: (Record | Exchange)[];
  if (records[0] === JSON_BATCH_START) {
    items = JSON.parse(Buffer.from(records.buffer, records.byteOffset, records.length).toString('utf8')) as (Record | Exchange)[];
  } else {
    // Each message is one record, or the list of records of one turn (`addAll`).
    const decoded = (unpackr.unpackMultiple(records) as unknown[]).flatMap((message) => (Array.isArray(message) && Array.isArray(message[0]) ? message : [message]));
    // Most bytes decode as some MessagePack (each byte below 0x80 is a number): damage shows as the wrong shape.
    if (!decoded.every(isRecord)) throw new Error('a spooled batch is damaged: not a list of exchange records');
    items = decoded;
  }
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
    // A header object comes back as a Map (see `unpackr`), a wire head as a string: both as the header list they hold.
    responseHeaders: r[17] instanceof Map ? flattenHeaders(Object.fromEntries(r[17]) as HeaderObject) : typeof r[17] === 'string' ? flattenHeaders(r[17]) : r[17],
  };
  if (r[4] !== null) exchange.route = r[4];
  if (r[5] !== null) exchange.operationId = r[5];
  if (r[9] !== null) exchange.upstreamMs = r[9] / 1000;
  if (r[12] !== null) exchange.consumer = r[12];
  if (r[13] !== null) exchange.upstream = r[13];
  if (r[14] !== null) exchange.policy = asObject(r[14]) as Exchange['policy'];
  if (r[15] !== null) exchange.policyTimings = (r[15] as unknown[]).map(asObject) as Exchange['policyTimings'];
  const requestBody = body(r[18]);
  if (requestBody) exchange.requestBody = requestBody;
  const responseBody = body(r[19]);
  if (responseBody) exchange.responseBody = responseBody;
  if (r[20] !== null) exchange.error = r[20];
  if (r[21] !== null) exchange.origin = r[21];
  return exchange;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const orNull = (check: (v: unknown) => boolean) => (v: unknown) => v === null || check(v);
const isStringList = (v: unknown) => Array.isArray(v) && v.every(isString);
const isBody = (v: unknown) => Array.isArray(v) && v.length >= 3 && v.length <= 4 && isNumber(v[0]) && isNumber(v[1]) && isNumber(v[2]) && (v.length === 3 || isString(v[3]));
const isPolicy = (v: unknown) => v instanceof Map && isString(v.get('id')) && isString(v.get('reason')) && (v.get('name') === undefined || isString(v.get('name')));
const isTiming = (v: unknown) => v instanceof Map && isString(v.get('id')) && isNumber(v.get('ms')) && (v.get('name') === undefined || isString(v.get('name')));

/** Each field of a decoded record, in `Record` order: the database binds them, so a wrong type is damage. */
const FIELD_CHECKS: readonly ((v: unknown) => boolean)[] = [
  isNumber, isString, isString, orNull(isString), orNull(isString), orNull(isString), isString, isNumber, isNumber, orNull(isNumber), isNumber,
  isString, orNull(isString), orNull(isString), orNull(isPolicy), orNull((v) => Array.isArray(v) && v.every(isTiming)), isStringList,
  (v) => isString(v) || v instanceof Map || isStringList(v), orNull(isBody), orNull(isBody), orNull(isString), orNull(isString),
];

function isRecord(item: unknown): item is Record {
  return Array.isArray(item) && item.length === FIELD_CHECKS.length && FIELD_CHECKS.every((check, i) => check(item[i]));
}

/** An object MessagePack gave back as a `Map` (JSON batches give objects). */
function asObject(value: unknown): unknown {
  return value instanceof Map ? Object.fromEntries(value) : value;
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
