import { Unpackr } from 'msgpackr';
import { flattenHeaders, type CapturedBody, type Exchange, type ExchangeMode, type HeaderObject, type RawHeaders, type WireHead } from './exchange.js';
import { MessagePackWriter } from './msgpack-writer.js';
import type { Redactor } from './redact.js';

/**
 * A batch of exchanges as it is spooled: the exchanges as MessagePack, one message per exchange, plus one buffer
 * holding every body. Each exchange is a positional array (`Record` below), not an object, and durations are whole
 * microseconds. The event loop encodes every exchange, so the encoding is chosen for its cost there: written field by
 * field (`MessagePackWriter`) where msgpackr's generic `pack` of the record array cost 3.4 % of the gateway's
 * throughput in the bench, and `JSON.stringify` more (docs/logging-cost.md). msgpackr decodes, off the request path.
 * Batches spooled as JSON by earlier versions (text starting with `[`) still decode.
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
 * Maps (header objects, policies) decode as `Map`s, so that every name comes back as it was (`__proto__` included:
 * msgpackr renames it when it decodes maps into objects). `useRecords: false`: no record extension, each message
 * stands alone.
 */
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false });

/** A batch as the spool writes it. Both are views of buffers the encoder reuses for its next batch. */
export interface EncodedBatch {
  records: Uint8Array;
  bodies: Uint8Array;
}

/**
 * Builds a spool batch as exchanges end: each is redacted and encoded when it is added, its record written as
 * MessagePack into the batch's records buffer (`MessagePackWriter`, field by field in `Record` order: no record array
 * is built, and no generic encoder dispatches on each value's type) and its bodies into the bodies buffer, both reused
 * from batch to batch. Nothing of an exchange stays on the heap until the spool write: held exchanges (header lists,
 * body buffers) survived every young-generation GC in the batch window (`--trace-gc-nvp`: 110 KB more per scavenge,
 * ~0.9 µs per request), and held encodings were then joined and copied once more (~0.3 µs per request in `perf`;
 * docs/logging-cost.md).
 */
export class BatchEncoder {
  private count = 0;
  private out = new MessagePackWriter(FIRST_RECORDS_BYTES);
  private bodies = Buffer.allocUnsafe(FIRST_BODIES_BYTES);
  private used = 0;

  get length(): number {
    return this.count;
  }

  /** Redacts and encodes one exchange into the batch; the exchange is not referenced afterwards. */
  add(e: Exchange, redactor?: Redactor): void {
    const recordsMark = this.out.position;
    const bodiesMark = this.used;
    try {
      this.write(e, redactor);
    } catch (error) {
      // A record that cannot be encoded leaves the batch as it was.
      this.out.position = recordsMark;
      this.used = bodiesMark;
      throw error;
    }
    this.count++;
  }

  /** `add` for each of the exchanges that ended in one turn of the event loop; each that cannot be encoded goes to `onFailure`. */
  addAll(exchanges: readonly Exchange[], redactor: Redactor | undefined, onFailure: (error: unknown) => void): void {
    for (let i = 0; i < exchanges.length; i++) {
      try {
        this.add(exchanges[i] as Exchange, redactor);
      } catch (error) {
        onFailure(error);
      }
    }
  }

  /** One exchange as its `Record`. */
  private write(e: Exchange, redactor: Redactor | undefined): void {
    const w = this.out;
    const rawUrl = redactor ? redactor.url(e.rawUrl) : e.rawUrl;
    w.arrayHeader(RECORD_FIELDS);
    w.number(e.startedAt);
    w.string(e.method);
    w.string(rawUrl);
    if (e.url === e.rawUrl) w.nil();
    else w.string(redactor ? redactor.url(e.url) : e.url);
    optionalString(w, e.route);
    optionalString(w, e.operationId);
    w.string(e.mode);
    w.number(e.status);
    w.number(toUs(e.durationMs));
    if (e.upstreamMs === undefined) w.nil();
    else w.number(toUs(e.upstreamMs));
    w.number(toUs(e.gatewayMs));
    w.string(e.clientAddress);
    optionalString(w, e.consumer);
    optionalString(w, e.upstream);
    if (e.policy) writeIdentified(w, e.policy.id, e.policy.name, 'reason', e.policy.reason);
    else w.nil();
    if (e.policyTimings) writeTimings(w, e.policyTimings);
    else w.nil();
    writeStrings(w, redactor ? redactor.headers(e.requestHeaders) : e.requestHeaders);
    writeHeaders(w, redactor ? redactor.anyHeaders(e.responseHeaders) : e.responseHeaders);
    this.writeBody(e.requestBody);
    this.writeBody(e.responseBody);
    optionalString(w, e.error);
    optionalString(w, e.origin);
  }

  /**
   * The batch so far, as spooled (see the top of this file), and an empty batch from here on. Both are views of
   * buffers the next batch reuses: write them out before the next `add`.
   */
  take(): EncodedBatch {
    const records = this.out.take();
    const bodies = this.bodies.subarray(0, this.used);
    this.count = 0;
    this.used = 0;
    if (this.out.buffer.length > MAX_KEPT_RECORDS_BYTES) this.out = new MessagePackWriter(FIRST_RECORDS_BYTES);
    if (this.bodies.length > MAX_KEPT_BODIES_BYTES) this.bodies = Buffer.allocUnsafe(FIRST_BODIES_BYTES);
    return { records, bodies };
  }

  /** A body's bytes into the bodies buffer, and its `BodyRecord` (or nil) into the record. */
  private writeBody(body: CapturedBody | undefined): void {
    const w = this.out;
    if (!body) {
      w.nil();
      return;
    }
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
    w.arrayHeader(body.sha256 === undefined ? 3 : 4);
    w.number(offset);
    w.number(bytes.length);
    w.number(body.size);
    if (body.sha256 !== undefined) w.string(body.sha256);
  }
}

function optionalString(w: MessagePackWriter, value: string | undefined): void {
  if (value === undefined) w.nil();
  else w.string(value);
}

function writeStrings(w: MessagePackWriter, list: readonly string[]): void {
  w.arrayHeader(list.length);
  for (let i = 0; i < list.length; i++) w.string(list[i] as string);
}

/** A wire head as one string, a header list as strings, a header object as a map (decoded as a `Map`: every name comes back). */
function writeHeaders(w: MessagePackWriter, headers: RawHeaders | HeaderObject | WireHead): void {
  if (typeof headers === 'string') w.string(headers);
  else if (Array.isArray(headers)) writeStrings(w, headers);
  else {
    const names = Object.keys(headers).filter((name) => headers[name] !== undefined);
    w.mapHeader(names.length);
    for (const name of names) {
      const value = headers[name]!;
      w.string(name);
      if (Array.isArray(value)) writeStrings(w, value);
      else if (typeof value === 'number') w.number(value);
      else w.string(value);
    }
  }
}

/** `{ id, name?, [key]: value }` as a map: a policy and why it answered, or a policy's time on the request. */
function writeIdentified(w: MessagePackWriter, id: string, name: string | undefined, key: string, value: string | number): void {
  w.mapHeader(name === undefined ? 2 : 3);
  w.string('id');
  w.string(id);
  if (name !== undefined) {
    w.string('name');
    w.string(name);
  }
  w.string(key);
  if (typeof value === 'string') w.string(value);
  else w.number(value);
}

function writeTimings(w: MessagePackWriter, timings: NonNullable<Exchange['policyTimings']>): void {
  w.arrayHeader(timings.length);
  for (const timing of timings) writeIdentified(w, timing.id, timing.name, 'ms', timing.ms);
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
    const decoded = unpackr.unpackMultiple(records) as unknown[];
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

const RECORD_FIELDS = FIELD_CHECKS.length;

function isRecord(item: unknown): item is Record {
  return Array.isArray(item) && item.length === RECORD_FIELDS && FIELD_CHECKS.every((check, i) => check(item[i]));
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
