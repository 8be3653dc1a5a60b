import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { CompiledRoute } from '../pipeline/compile.js';
import type { PolicyTiming } from '../pipeline/run.js';
import type { CapturedBody, Exchange, ExchangeMode, HeaderObject, WireHead } from '../traffic/exchange.js';
import { BodyCapture } from './body-capture.js';

export interface ExchangeSink {
  append(exchange: Exchange): void;
}

/**
 * The gateway server's response class when logging is on (`createServer({ ServerResponse: RecordedResponse })`): it
 * keeps a streamed body as it is written. A subclass rather than wrappers set on each response: two properties added
 * to every response, a closure and a second 'data' listener on every upstream body (whose events then copy their
 * listener list) cost allocations and time on each request.
 */
export class RecordedResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  recorder: ExchangeRecorder | undefined = undefined;
  /** The body as sent, for a streamed response the recorder asked to capture (the upstream's). */
  capture: BodyCapture | undefined = undefined;
}

/**
 * Collects what the log needs about one exchange while it happens, and hands it to the sink when the
 * response is over (finished or aborted). Exists only when logging is on: with `--no-log` nothing is captured.
 * It is on every request's path, so it allocates little: shared listeners, captures only for bodies that exist.
 */
export class ExchangeRecorder {
  readonly started = performance.now();
  readonly startedAt = Date.now();
  url = '';
  mode: ExchangeMode = 'unroutable';
  route: CompiledRoute | undefined = undefined;
  consumer: string | undefined = undefined;
  policy: Exchange['policy'] = undefined;
  upstreamMs: number | undefined = undefined;
  /** The upstream that answered, when a policy chose it (load-balance); default the route's. */
  upstream: string | undefined = undefined;
  error: string | undefined = undefined;
  /** Each policy's time on this request, filled by the chain runner. */
  readonly timings: PolicyTiming[] = [];
  requestBody: CapturedBody | undefined = undefined;
  responseBody: CapturedBody | undefined = undefined;
  private requestCapture: BodyCapture | undefined = undefined;
  private responseCapture: BodyCapture | undefined = undefined;
  /** The response's end, plus one for each party that reports later (the proxy's outcome). */
  private pending = 1;

  constructor(
    private readonly sink: ExchangeSink,
    private readonly req: IncomingMessage,
    private readonly res: RecordedResponse,
    private readonly bodyLimit: number,
  ) {
    res.recorder = this;
  }

  /** Observe a request body that streams through (proxy mode) without consuming it; nothing to do without one. */
  tapRequest(): void {
    const headers = this.req.headers;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return;
    if (headers['content-length'] === '0') return;
    this.requestCapture = tap(this.req, this.bodyLimit);
  }

  /** Keep the response body as it is written from now on (a streamed one: the upstream's). */
  captureResponse(): void {
    this.responseCapture = this.res.capture = new BodyCapture(this.bodyLimit);
  }

  requestBodyWhole(body: Buffer): void {
    this.requestBody = BodyCapture.of(body, this.bodyLimit);
  }

  responseBodyWhole(body: Buffer | string | undefined): void {
    if (body !== undefined) this.responseBody = BodyCapture.of(typeof body === 'string' ? Buffer.from(body) : body, this.bodyLimit);
  }

  /** Someone else (the proxy) will report on this exchange: log it only after they have. */
  awaitOneMore(): void {
    this.pending += 1;
  }

  done(): void {
    if (--this.pending === 0) this.finish();
  }

  private finish(): void {
    const durationMs = performance.now() - this.started;
    const res = this.res;
    const route = this.route;
    const requestBody = this.requestBody ?? this.requestCapture?.result();
    const responseBody = this.responseBody ?? this.responseCapture?.result();
    this.sink.append({
      startedAt: this.startedAt,
      method: this.req.method ?? '',
      rawUrl: this.req.url ?? '',
      url: this.url || (this.req.url ?? ''),
      route: route?.info.path,
      operationId: route?.info.operationId,
      mode: this.mode,
      status: res.headersSent ? res.statusCode : 0,
      durationMs,
      upstreamMs: this.upstreamMs,
      gatewayMs: durationMs - (this.upstreamMs ?? 0),
      clientAddress: this.req.socket.remoteAddress ?? '',
      consumer: this.consumer,
      upstream: this.mode === 'proxy' ? (this.upstream ?? route?.upstream?.name) : undefined,
      policy: this.policy,
      policyTimings: this.timings.length > 0 ? this.timings : undefined,
      requestHeaders: this.req.rawHeaders,
      // Split into headers by the log's worker, off the request path.
      responseHeaders: responseHeaders(res),
      requestBody,
      responseBody,
      error: this.error ?? (res.writableFinished ? undefined : 'the connection closed before the response was complete'),
    });
  }
}

const { write, end, emit } = ServerResponse.prototype;

// Node's `end` does not go through `write`, so each chunk is seen once.
RecordedResponse.prototype.write = function recordingWrite(this: RecordedResponse, chunk: unknown, encoding?: unknown, callback?: unknown) {
  if (this.capture) keep(this.capture, chunk, encoding);
  return (write as (...a: unknown[]) => boolean).call(this, chunk, encoding, callback);
} as RecordedResponse['write'];

RecordedResponse.prototype.end = function recordingEnd(this: RecordedResponse, chunk?: unknown, encoding?: unknown, callback?: unknown) {
  if (this.capture && typeof chunk !== 'function') keep(this.capture, chunk, encoding);
  return (end as (...a: unknown[]) => RecordedResponse).call(this, chunk, encoding, callback);
} as unknown as RecordedResponse['end'];


function keep(capture: BodyCapture, chunk: unknown, encoding: unknown): void {
  if (typeof chunk === 'string' || chunk instanceof Uint8Array) capture.add(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
}

/** Node's internal record of the head it wrote (`_header`, which `headersSent` reads), not in its types. */
type WithHead = ServerResponse & { _header?: unknown };

/**
 * What the client received: the head as written, one string Node already holds, so nothing is built per response
 * (headers given to `writeHead` never reach `getHeaders()`, and reading a header object costs the log ~0.3 µs and
 * megamorphic property loads). A response that never sent its head: the headers set so far.
 */
function responseHeaders(res: ServerResponse): WireHead | HeaderObject {
  const head = (res as WithHead)._header;
  return typeof head === 'string' && head.length > 0 ? head : res.getHeaders();
}

/**
 * The response's end, finished or aborted: Node emits 'close' on every response, once (`emitCloseNT`). Seen here
 * rather than through a listener added to each response, which cost an entry in its event table and the removal.
 */
RecordedResponse.prototype.emit = function recordingEmit(this: RecordedResponse, event: string | symbol): boolean {
  if (event === 'close') {
    const recorder = this.recorder;
    this.recorder = undefined; // once, whatever emits 'close' again
    recorder?.done();
  }
  // `arguments` as they came: V8 passes them on without building an array.
  // eslint-disable-next-line prefer-rest-params
  return emit.apply(this, arguments as unknown as Parameters<typeof emit>);
} as RecordedResponse['emit'];

function tap(stream: Readable, limit: number): BodyCapture {
  const capture = new BodyCapture(limit);
  stream.on('data', (chunk: Buffer) => capture.add(chunk));
  return capture;
}
