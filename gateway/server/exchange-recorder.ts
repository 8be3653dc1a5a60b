import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { CompiledRoute } from '../pipeline/compile.js';
import type { PolicyTiming } from '../pipeline/run.js';
import type { CapturedBody, Exchange, ExchangeMode, HeaderObject } from '../traffic/exchange.js';
import { BodyCapture } from './body-capture.js';

export interface ExchangeSink {
  append(exchange: Exchange): void;
}

const kRecorder = Symbol('portico.recorder');
type RecordedResponse = ServerResponse & { [kRecorder]?: ExchangeRecorder };

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
  /** Headers given to `writeHead` (see recordingWriteHead). */
  writtenHeaders: HeaderObject | undefined = undefined;
  /** The response's end, plus one for each party that reports later (the proxy's outcome). */
  private pending = 1;

  constructor(
    private readonly sink: ExchangeSink,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly bodyLimit: number,
  ) {
    (res as RecordedResponse)[kRecorder] = this;
    res.on('close', onResponseClose);
    res.writeHead = recordingWriteHead as ServerResponse['writeHead'];
  }

  /** Observe a request body that streams through (proxy mode) without consuming it; nothing to do without one. */
  tapRequest(): void {
    const headers = this.req.headers;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return;
    if (headers['content-length'] === '0') return;
    this.requestCapture = tap(this.req, this.bodyLimit);
  }

  /** Observe a response body that streams through (the upstream's). */
  tapResponse(body: Readable): void {
    this.responseCapture = tap(body, this.bodyLimit);
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
      // Flattened by the writer, on its own thread.
      responseHeaders: this.writtenHeaders ? { ...res.getHeaders(), ...this.writtenHeaders } : res.getHeaders(),
      requestBody,
      responseBody,
      error: this.error ?? (res.writableFinished ? undefined : 'the connection closed before the response was complete'),
    });
  }
}

const writeHead = ServerResponse.prototype.writeHead;

/**
 * `writeHead(status, [message], headers)` with no `setHeader` before writes the headers straight to the socket, and
 * `getHeaders()` never sees them (mocks, problems and the proxy answer that way): keep them for the log.
 */
function recordingWriteHead(this: RecordedResponse, ...args: unknown[]): ServerResponse {
  const headers = args.find((a, i) => i > 0 && a !== null && typeof a === 'object');
  const recorder = this[kRecorder];
  if (recorder && headers) recorder.writtenHeaders = Array.isArray(headers) ? pairsToObject(headers as unknown[]) : (headers as HeaderObject);
  return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
}

function pairsToObject(list: unknown[]): HeaderObject {
  const out: HeaderObject = {};
  // Either [[name, value], ...] or a flat [name, value, name, value, ...].
  if (Array.isArray(list[0])) for (const [name, value] of list as [string, string][]) out[name.toLowerCase()] = value;
  else for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i]).toLowerCase()] = String(list[i + 1]);
  return out;
}

function onResponseClose(this: RecordedResponse): void {
  this[kRecorder]?.done();
}

function tap(stream: Readable, limit: number): BodyCapture {
  const capture = new BodyCapture(limit);
  stream.on('data', (chunk: Buffer) => capture.add(chunk));
  return capture;
}
