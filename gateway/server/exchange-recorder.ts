import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CompiledRoute } from '../pipeline/compile.js';
import type { CapturedBody, Exchange, ExchangeMode } from '../traffic/exchange.js';
import { BodyCapture } from './body-capture.js';

export interface ExchangeSink {
  append(exchange: Exchange): void;
}

/**
 * Collects what the log needs about one exchange while it happens, and hands it to the sink when the
 * response is over (finished or aborted). Exists only when logging is on: with `--no-log` nothing is captured.
 */
export class ExchangeRecorder {
  readonly started = performance.now();
  readonly startedAt = Date.now();
  url = '';
  mode: ExchangeMode = 'unroutable';
  route: CompiledRoute | undefined;
  consumer: string | undefined;
  policy: Exchange['policy'];
  upstreamMs: number | undefined;
  error: string | undefined;
  requestBody: CapturedBody | undefined;
  responseBody: CapturedBody | undefined;
  private requestCapture: BodyCapture | undefined;
  private responseCapture: BodyCapture | undefined;
  /** The response's end, plus one for each party that reports later (the proxy's outcome). */
  private pending = 1;

  constructor(
    private readonly sink: ExchangeSink,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly bodyLimit: number,
  ) {
    res.once('close', () => this.done());
  }

  /** Someone else (the proxy) will report on this exchange: log it only after they have. */
  awaitOneMore(): void {
    this.pending += 1;
  }

  done(): void {
    if (--this.pending === 0) this.finish();
  }

  /** Tap a request body that streams through (proxy mode) without consuming it. */
  tapRequest(): void {
    const capture = (this.requestCapture = new BodyCapture(this.bodyLimit));
    this.req.on('data', (chunk: Buffer) => capture.add(chunk));
  }

  /** Tap a response body written in pieces by someone else (proxy mode). */
  tapResponse(): void {
    const capture = (this.responseCapture = new BodyCapture(this.bodyLimit));
    const res = this.res;
    const write = res.write;
    const end = res.end;
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') capture.add(chunk as Buffer);
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') capture.add(chunk as Buffer);
      return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    } as ServerResponse['end'];
  }

  requestBodyWhole(body: Buffer): void {
    this.requestBody = BodyCapture.of(body, this.bodyLimit);
  }

  responseBodyWhole(body: Buffer | string | undefined): void {
    if (body !== undefined) this.responseBody = BodyCapture.of(typeof body === 'string' ? Buffer.from(body) : body, this.bodyLimit);
  }

  private finish(): void {
    const durationMs = performance.now() - this.started;
    const res = this.res;
    const route = this.route;
    const exchange: Exchange = {
      startedAt: this.startedAt,
      method: this.req.method ?? '',
      rawUrl: this.req.url ?? '',
      url: this.url || (this.req.url ?? ''),
      mode: this.mode,
      status: res.headersSent ? res.statusCode : 0,
      durationMs,
      gatewayMs: durationMs - (this.upstreamMs ?? 0),
      clientAddress: this.req.socket.remoteAddress ?? '',
      requestHeaders: this.req.rawHeaders,
      responseHeaders: flattenHeaders(res.getHeaders()),
    };
    if (route) {
      exchange.route = route.info.path;
      if (route.info.operationId !== undefined) exchange.operationId = route.info.operationId;
      if (route.upstream && this.mode === 'proxy') exchange.upstream = route.upstream.name;
    }
    if (this.upstreamMs !== undefined) exchange.upstreamMs = this.upstreamMs;
    if (this.consumer !== undefined) exchange.consumer = this.consumer;
    if (this.policy) exchange.policy = this.policy;
    const requestBody = this.requestBody ?? this.requestCapture?.result();
    const responseBody = this.responseBody ?? this.responseCapture?.result();
    if (requestBody) exchange.requestBody = requestBody;
    if (responseBody) exchange.responseBody = responseBody;
    const error = this.error ?? (res.writableFinished ? undefined : 'the connection closed before the response was complete');
    if (error !== undefined) exchange.error = error;
    this.sink.append(exchange);
  }
}

function flattenHeaders(headers: OutgoingHttpHeaders): string[] {
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.push(name, item);
    else out.push(name, String(value));
  }
  return out;
}
