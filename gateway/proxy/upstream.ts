/**
 * Forwarding to one upstream: a keep-alive agent and one http-proxy server per upstream, made once;
 * per request only the outgoing headers and a small exchange record are built.
 *
 * http-proxy is used for the plumbing (outgoing request, body piping both ways, the WebSocket tunnel). We take over:
 * - headers: hop-by-hop hygiene and forwarding headers (its `xfwd` appends to what the client sent: spoofable);
 * - the response (`selfHandleResponse`): hygiene, the response hook, errors mid-stream;
 * - timeouts (its `proxyTimeout` surfaces as a reset, indistinguishable from a real one);
 * - its `deleteLength` pass is removed: it sets `Content-Length: 0` on a chunked DELETE, and Node then writes the body
 *   after a request that declared none (smuggling).
 */
import http, { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import httpProxy from 'http-proxy';
import { bodyTooLargeFailure, hookFailure, timeoutFailure, upstreamFailure, type Failure } from './failure.js';
import { stripResponseHeaders, upstreamRequestHeaders, type RequestHeaderOptions } from './headers.js';
import { problemResponseBytes, sendProblem } from './problem.js';

export interface UpstreamConfig {
  /** The name in the design (`x-portico.upstreams.<name>`), used in problems and logs. */
  name: string;
  /** `http:` or `https:` URL; its path is a prefix for every forwarded path. No credentials, query or fragment. */
  url: string;
  /** Limit for the response headers to arrive, and idle limit on the upstream connection while streaming. */
  timeoutMs: number;
  /** Accept any certificate from an `https:` upstream (self-signed, expired, wrong name). */
  insecure?: boolean;
  /** Send the client's Host header instead of the upstream's host. */
  preserveHost?: boolean;
}

export interface ProxyOutcome {
  /** The status the client got; 499 when the client left before any response. */
  status: number;
  /** From forwarding to the upstream's response headers. */
  upstreamMs?: number;
  /** Set when the exchange failed: upstream error, timeout, client gone. */
  error?: string;
  /** The failure's stable code when the gateway answered it (TIMEOUT, ECONNREFUSED, BODY_TOO_LARGE, ...). */
  code?: string;
}

export interface ForwardOptions {
  /** Answer 413 (and stop forwarding) once the request body passes this many bytes: for chunked bodies, counted as they stream. */
  maxRequestBody?: number;
  /** This exchange's limit for the response headers (and idle limit while streaming), instead of the upstream's. */
  timeoutMs?: number;
  /** The request body to send, read whole earlier (and perhaps changed), instead of streaming the client's. */
  body?: Buffer;
}

export interface ProxyHooks {
  /** Called once the upstream's response headers arrived, before anything is sent to the client; may mutate `headers` (response policies). */
  onResponseHeaders?(status: number, headers: IncomingHttpHeaders): void;
  /** Called once the upstream's response body is about to be written to the client as it streams (after `writeHead`). */
  onResponseBody?(): void;
  /** Called once when the exchange is over (response finished, or failed). For a WebSocket: when the tunnel closes. */
  onDone?(outcome: ProxyOutcome): void;
  /**
   * HTTP only. The exchange failed before anything was sent to the client (refused, reset, timed out before the
   * response): return true to take it over (for another attempt, or another answer). The exchange then lets go of the
   * client's response without writing to it and never calls `onDone`. Return false to answer the failure as usual.
   */
  onFailureBeforeResponse?(failure: Failure): boolean;
  /**
   * HTTP only. The upstream's status arrived, before anything is sent to the client: return false to discard this
   * response (for another attempt); the exchange then lets go as for `onFailureBeforeResponse`.
   */
  acceptResponse?(status: number): boolean;
  /**
   * HTTP only. When set, the response body is read whole (up to this many bytes) before anything is sent, and
   * `onResponseBodyWhole` may change it; a larger body streams unchanged (and `onResponseBody` is called instead).
   */
  bufferResponseLimit?: number;
  /** With `bufferResponseLimit`: the whole body; returns the status and body to send (`headers` may be changed in place). */
  onResponseBodyWhole?(status: number, headers: IncomingHttpHeaders, body: Buffer): { status: number; body: Buffer };
}

export interface Upstream {
  readonly name: string;
  /** Forwards `req` to `path` (normalised path plus raw query) below the upstream URL's path and streams the answer to `res`. Never throws. */
  forward(req: IncomingMessage, res: ServerResponse, path: string, hooks?: ProxyHooks, options?: ForwardOptions): void;
  /**
   * Forwards a WebSocket handshake (the server's `upgrade` event), then the tunnel, to `path` (default: `req.url`)
   * below the upstream URL's path. Other upgrades get a 400 problem. Never throws.
   */
  forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path?: string, hooks?: ProxyHooks): void;
  /** Closes every connection to the upstream, in use or idle; exchanges in flight fail. */
  close(): void;
}

/** The parts of http-proxy's server we use, typed as they behave (the published types force a per-request options copy). */
interface ProxyServer {
  web(req: IncomingMessage, res: ServerResponse, callback: (error: Error, req: IncomingMessage, res: ServerResponse) => void): void;
  web(req: IncomingMessage, res: ServerResponse, options: { buffer: Readable }, callback: (error: Error, req: IncomingMessage, res: ServerResponse) => void): void;
  ws(req: IncomingMessage, socket: Duplex, head: Buffer, callback: (error: Error, req: IncomingMessage, socket: Duplex) => void): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  close(): void;
  webPasses: Array<{ name: string }>;
  wsPasses: Array<{ name: string }>;
}

const kExchange = Symbol('portico.proxy.exchange');
type Carrier<T, X> = T & { [kExchange]?: X };

const STATUS_CLIENT_GONE = 499;

export function createUpstream(config: UpstreamConfig): Upstream {
  return new ProxiedUpstream(config);
}

class ProxiedUpstream implements Upstream {
  readonly name: string;
  readonly timeoutMs: number;
  private readonly agent: http.Agent;
  private readonly proxy: ProxyServer;
  private readonly headerOptions: RequestHeaderOptions;
  private readonly upgradeHeaderOptions: RequestHeaderOptions;

  constructor(config: UpstreamConfig) {
    const url = parseUpstreamUrl(config);
    if (!Number.isFinite(config.timeoutMs) || config.timeoutMs <= 0) {
      throw new Error(`upstream ${config.name}: timeoutMs must be a positive number, got ${config.timeoutMs}`);
    }
    this.name = config.name;
    this.timeoutMs = config.timeoutMs;
    const secure = url.protocol === 'https:';
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    const verify = config.insecure !== true;

    // `timeout` bounds connecting (new sockets start with it) and idle pooled sockets; an active request sets its own.
    // `servername` is fixed so SNI and the certificate check use the upstream's name even when the Host is preserved.
    const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, timeout: config.timeoutMs };
    this.agent = secure
      ? new https.Agent({ ...agentOptions, rejectUnauthorized: verify, servername: net.isIP(hostname) === 0 ? hostname : '' })
      : new http.Agent(agentOptions);

    const proxy = httpProxy.createProxyServer({
      target: { protocol: url.protocol, host: hostname, hostname, port, path: url.pathname },
      agent: this.agent,
      secure: verify,
      selfHandleResponse: true,
      // Use req.url (which forward() sets to `path`) as is, without url.parse.
      toProxy: true,
    }) as unknown as ProxyServer;
    proxy.webPasses = proxy.webPasses.filter((pass) => pass.name === 'stream');
    proxy.wsPasses = proxy.wsPasses.filter((pass) => pass.name === 'stream');
    proxy.on('proxyReq', onProxyReq);
    proxy.on('proxyRes', onProxyRes);
    proxy.on('proxyReqWs', onProxyReqWs);
    proxy.on('error', ignore); // every call passes a callback; this only keeps http-proxy from throwing
    this.proxy = proxy;

    const preserveHost = config.preserveHost === true;
    this.headerOptions = { upstreamHost: url.host, preserveHost, websocket: false };
    this.upgradeHeaderOptions = { upstreamHost: url.host, preserveHost, websocket: true };
  }

  forward(req: IncomingMessage, res: ServerResponse, path: string, hooks?: ProxyHooks, options?: ForwardOptions): void {
    const exchange = new HttpExchange(this, req, res, hooks);
    (res as Carrier<ServerResponse, HttpExchange>)[kExchange] = exchange;
    res.once('close', onClientClose);
    if (options?.timeoutMs !== undefined) exchange.timeoutMs = options.timeoutMs;
    if (options?.maxRequestBody !== undefined) {
      exchange.maxRequestBody = options.maxRequestBody;
      (req as Carrier<IncomingMessage, HttpExchange>)[kExchange] = exchange;
      req.on('data', onRequestData);
    }
    // http-proxy reads the path and headers from req, synchronously: lend it ours for the call.
    const { url, headers } = req;
    req.url = path;
    req.headers = upstreamRequestHeaders(req, this.headerOptions) as IncomingHttpHeaders;
    try {
      const body = options?.body;
      if (body === undefined) this.proxy.web(req, res, onProxyError);
      else {
        req.headers['content-length'] = String(body.length);
        delete req.headers['transfer-encoding'];
        const buffer = new PassThrough();
        buffer.end(body);
        this.proxy.web(req, res, { buffer }, onProxyError);
      }
    } catch (error) {
      exchange.fail(upstreamFailure(this.name, error));
    } finally {
      req.url = url;
      req.headers = headers;
    }
  }

  forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path = req.url ?? '/', hooks?: ProxyHooks): void {
    const exchange = new UpgradeExchange(this, socket, hooks);
    (socket as Carrier<Duplex, UpgradeExchange>)[kExchange] = exchange;
    socket.on('error', onUpgradeClientError); // the server removed its own listener when it emitted `upgrade`
    socket.once('close', onUpgradeClientClose);
    if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      exchange.status = 400;
      exchange.error = `unsupported upgrade: ${req.method} ${req.headers.upgrade ?? ''}`;
      socket.end(problemResponseBytes(400, 'Bad Request', 'only WebSocket upgrades (GET, Upgrade: websocket) are forwarded'));
      return;
    }
    const { url, headers } = req;
    req.url = path;
    req.headers = upstreamRequestHeaders(req, this.upgradeHeaderOptions) as IncomingHttpHeaders;
    try {
      this.proxy.ws(req, socket, head, onUpgradeError);
    } catch (error) {
      exchange.fail(upstreamFailure(this.name, error));
      socket.end();
    } finally {
      req.url = url;
      req.headers = headers;
    }
  }

  close(): void {
    this.agent.destroy();
    this.proxy.close();
  }
}

function parseUpstreamUrl(config: UpstreamConfig): URL {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new Error(`upstream ${config.name}: invalid url ${JSON.stringify(config.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`upstream ${config.name}: url must be http: or https:, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error(`upstream ${config.name}: credentials do not belong in the url (secrets stay out of the design)`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new Error(`upstream ${config.name}: url must not have a query or fragment`);
  }
  return url;
}

// ---------------------------------------------------------------- plain HTTP

class HttpExchange {
  readonly start = performance.now();
  proxyReq: ClientRequest | undefined = undefined;
  proxyRes: IncomingMessage | undefined = undefined;
  upstreamMs: number | undefined = undefined;
  error: string | undefined = undefined;
  timedOut = false;
  failed = false;
  closed = false;
  code: string | undefined = undefined;
  maxRequestBody = Infinity;
  requestBytes = 0;
  timeoutMs: number;
  /** Taken over by the hooks: this exchange no longer touches the client's response. */
  released = false;

  constructor(
    readonly upstream: ProxiedUpstream,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly hooks: ProxyHooks | undefined,
  ) {
    this.timeoutMs = upstream.timeoutMs;
  }

  failure(error: unknown): Failure {
    return this.timedOut ? timeoutFailure(this.upstream.name, this.timeoutMs) : upstreamFailure(this.upstream.name, error);
  }

  /** Lets go of the client's response (the hooks took over): no listener of this exchange stays on it. */
  release(): void {
    this.released = true;
    this.failed = true;
    this.proxyReq?.destroy();
    this.proxyRes?.destroy();
    this.res.off('close', onClientClose);
    this.req.off('data', onRequestData);
    const carried = this.res as CarriedRes;
    if (carried[kExchange] === this) carried[kExchange] = undefined;
    const carriedReq = this.req as CarriedMsg;
    if (carriedReq[kExchange] === this) carriedReq[kExchange] = undefined;
  }

  /** Ends the exchange: a problem if nothing was sent yet, else the client connection is cut (never a problem after a partial body). */
  fail(failure: Failure): void {
    if (this.failed) return;
    if (!this.closed && !this.res.headersSent && failure.code !== 'BODY_TOO_LARGE' && this.hooks?.onFailureBeforeResponse?.(failure)) {
      this.release();
      return;
    }
    this.failed = true;
    this.error = failure.detail;
    this.code = failure.code;
    this.proxyReq?.destroy();
    this.proxyRes?.destroy();
    const { req, res } = this;
    if (this.closed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!req.complete) {
      // The rest of the request body goes nowhere; do not keep a connection whose input is still mid-body.
      res.setHeader('connection', 'close');
      req.unpipe();
      req.resume();
    }
    sendProblem(res, failure.status, failure.title, failure.detail, { upstream: this.upstream.name, code: failure.code });
  }
}

type CarriedRes = Carrier<ServerResponse, HttpExchange>;
type CarriedReq = Carrier<ClientRequest, HttpExchange>;
type CarriedMsg = Carrier<IncomingMessage, HttpExchange>;

/** Counts a capped request body as it streams; past the cap the exchange ends in 413 (or a cut connection once answered). */
function onRequestData(this: CarriedMsg, chunk: Buffer): void {
  const exchange = this[kExchange];
  if (exchange === undefined || exchange.failed) return;
  exchange.requestBytes += chunk.length;
  if (exchange.requestBytes > exchange.maxRequestBody) {
    this.off('data', onRequestData);
    exchange.fail(bodyTooLargeFailure(exchange.maxRequestBody));
  }
}

/** http-proxy: the outgoing request has a socket (and no header is flushed yet). */
function onProxyReq(proxyReq: ClientRequest, _req: IncomingMessage, res: ServerResponse): void {
  const exchange = (res as CarriedRes)[kExchange];
  if (exchange === undefined) return;
  exchange.proxyReq = proxyReq;
  (proxyReq as CarriedReq)[kExchange] = exchange;
  if (exchange.closed || exchange.failed) {
    proxyReq.destroy();
    return;
  }
  // Per request, not only on the agent: a reused socket may carry a shorter idle timeout from a Keep-Alive hint.
  proxyReq.setTimeout(exchange.timeoutMs, onUpstreamTimeout);
}

function onUpstreamTimeout(this: ClientRequest): void {
  const exchange = (this as CarriedReq)[kExchange];
  if (exchange === undefined) return;
  exchange.timedOut = true;
  // Surfaces as an error on the request (no response yet) or on the response (streaming): both end in fail().
  this.destroy();
}

/** http-proxy's error callback: the upstream request failed before a response (refused, reset, TLS, timeout). */
function onProxyError(error: Error, _req: IncomingMessage, res: ServerResponse): void {
  const exchange = (res as CarriedRes)[kExchange];
  exchange?.fail(exchange.failure(error));
}

/** http-proxy: the upstream's response headers arrived (`selfHandleResponse`: the rest is ours). */
function onProxyRes(proxyRes: IncomingMessage, _req: IncomingMessage, res: ServerResponse): void {
  const exchange = (res as CarriedRes)[kExchange];
  if (exchange === undefined) {
    proxyRes.destroy();
    return;
  }
  exchange.proxyRes = proxyRes;
  (proxyRes as CarriedMsg)[kExchange] = exchange;
  proxyRes.on('error', onUpstreamResponseError);
  exchange.upstreamMs = performance.now() - exchange.start;
  if (exchange.closed || exchange.failed) {
    proxyRes.destroy();
    return;
  }
  const status = proxyRes.statusCode ?? 502;
  if (exchange.hooks?.acceptResponse !== undefined && !exchange.hooks.acceptResponse(status)) {
    exchange.release();
    return;
  }
  const headers = stripResponseHeaders(proxyRes.headers);
  const limit = exchange.hooks?.bufferResponseLimit;
  if (limit !== undefined && exchange.req.method !== 'HEAD' && status !== 204 && status !== 304) {
    bufferResponse(exchange, proxyRes, status, headers, limit);
    return;
  }
  try {
    exchange.hooks?.onResponseHeaders?.(status, headers);
  } catch (error) {
    exchange.fail(hookFailure(exchange.upstream.name, error));
    return;
  }
  try {
    res.writeHead(status, proxyRes.statusMessage, headers);
  } catch (error) {
    // Node refused a status or header from the upstream; writeHead may have merged some of them already.
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    res.statusMessage = '';
    exchange.fail(upstreamFailure(exchange.upstream.name, error));
    return;
  }
  exchange.hooks?.onResponseBody?.();
  proxyRes.pipe(res);
}

/** Reads the upstream's body whole for the hooks, then answers; past `limit` it gives up and streams the rest unchanged. */
function bufferResponse(exchange: HttpExchange, proxyRes: IncomingMessage, status: number, headers: IncomingHttpHeaders, limit: number): void {
  const { res, hooks } = exchange;
  const chunks: Buffer[] = [];
  let size = 0;
  const writeHead = (code: number): boolean => {
    try {
      hooks!.onResponseHeaders?.(code, headers);
    } catch (error) {
      exchange.fail(hookFailure(exchange.upstream.name, error));
      return false;
    }
    try {
      res.writeHead(code, code === status ? proxyRes.statusMessage : undefined, headers);
      return true;
    } catch (error) {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      exchange.fail(upstreamFailure(exchange.upstream.name, error));
      return false;
    }
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) {
      chunks.push(chunk);
      return;
    }
    // Too large to hold: send what came as it is, and stream the rest.
    proxyRes.off('data', onData);
    proxyRes.off('end', onEnd);
    proxyRes.pause();
    if (!writeHead(status)) return;
    hooks!.onResponseBody?.();
    for (const kept of chunks) res.write(kept);
    res.write(chunk);
    proxyRes.pipe(res);
  };
  const onEnd = () => {
    if (exchange.failed || exchange.closed) return;
    let answer: { status: number; body: Buffer };
    try {
      answer = hooks!.onResponseBodyWhole!(status, headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    } catch (error) {
      exchange.fail(hookFailure(exchange.upstream.name, error));
      return;
    }
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.body.length);
    if (!writeHead(answer.status)) return;
    res.end(answer.body);
  };
  proxyRes.on('data', onData);
  proxyRes.once('end', onEnd);
}

/** The upstream's response failed while streaming (reset, idle timeout, truncated body). */
function onUpstreamResponseError(this: IncomingMessage, error: Error): void {
  const exchange = (this as CarriedMsg)[kExchange];
  exchange?.fail(exchange.failure(error));
}

/** The client's response closed: finished, or the client went away (then the upstream request is aborted). */
function onClientClose(this: ServerResponse): void {
  const exchange = (this as CarriedRes)[kExchange];
  if (exchange === undefined) return;
  exchange.closed = true;
  if (!this.writableFinished) {
    exchange.error ??= 'the client closed the connection';
    exchange.proxyReq?.destroy();
    exchange.proxyRes?.destroy();
  }
  report(exchange.hooks, {
    status: this.headersSent ? this.statusCode : STATUS_CLIENT_GONE,
    upstreamMs: exchange.upstreamMs,
    error: exchange.error,
    ...(exchange.code !== undefined && { code: exchange.code }),
  });
}

function report(hooks: ProxyHooks | undefined, outcome: ProxyOutcome): void {
  if (hooks?.onDone === undefined) return;
  try {
    hooks.onDone(outcome);
  } catch (error) {
    // A listener of a socket event must not throw; surface it without taking the gateway down.
    process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'PorticoProxyHookWarning');
  }
}

// ---------------------------------------------------------------- WebSocket upgrades

class UpgradeExchange {
  readonly start = performance.now();
  proxyReq: ClientRequest | undefined = undefined;
  proxySocket: Socket | undefined = undefined;
  status = 0;
  upstreamMs: number | undefined = undefined;
  error: string | undefined = undefined;
  timedOut = false;
  /** The upstream answered (101 or another status): from here on http-proxy writes to the client. */
  answered = false;
  closed = false;

  constructor(
    readonly upstream: ProxiedUpstream,
    readonly socket: Duplex,
    readonly hooks: ProxyHooks | undefined,
  ) {}

  fail(failure: Failure): void {
    if (this.error !== undefined) return;
    this.error = failure.detail;
    if (this.answered || this.closed || !this.socket.writable) return;
    this.status = failure.status;
    this.socket.write(problemResponseBytes(failure.status, failure.title, failure.detail, { upstream: this.upstream.name, code: failure.code }));
  }
}

type CarriedSocket = Carrier<Duplex, UpgradeExchange>;
type CarriedUpgradeReq = Carrier<ClientRequest, UpgradeExchange>;
type CarriedUpgradeMsg = Carrier<IncomingMessage, UpgradeExchange>;

/** http-proxy: the handshake request to the upstream was created (synchronously, before it is sent). */
function onProxyReqWs(proxyReq: ClientRequest, _req: IncomingMessage, socket: Duplex): void {
  const exchange = (socket as CarriedSocket)[kExchange];
  if (exchange === undefined) return;
  exchange.proxyReq = proxyReq;
  (proxyReq as CarriedUpgradeReq)[kExchange] = exchange;
  proxyReq.setTimeout(exchange.upstream.timeoutMs, onUpgradeTimeout);
  // Registered before http-proxy's own listeners, so these run first and may change the headers it writes.
  proxyReq.once('upgrade', onUpstreamUpgraded);
  proxyReq.once('response', onUpstreamDeclined);
}

function onUpgradeTimeout(this: ClientRequest): void {
  const exchange = (this as CarriedUpgradeReq)[kExchange];
  if (exchange === undefined || exchange.answered) return;
  exchange.timedOut = true;
  this.destroy();
}

/** http-proxy's error callback for upgrades; it ends the client socket right after. */
function onUpgradeError(error: Error, _req: IncomingMessage, socket: Duplex): void {
  const exchange = (socket as CarriedSocket)[kExchange];
  if (exchange === undefined) return;
  const { name, timeoutMs } = exchange.upstream;
  exchange.fail(exchange.timedOut ? timeoutFailure(name, timeoutMs) : upstreamFailure(name, error));
}

function onUpstreamUpgraded(this: ClientRequest, proxyRes: IncomingMessage, proxySocket: Socket): void {
  const exchange = (this as CarriedUpgradeReq)[kExchange];
  if (exchange === undefined) return;
  exchange.answered = true;
  exchange.status = 101;
  exchange.upstreamMs = performance.now() - exchange.start;
  exchange.proxySocket = proxySocket;
  (proxySocket as Carrier<Socket, UpgradeExchange>)[kExchange] = exchange;
  proxySocket.once('close', onUpgradeUpstreamClose);
  if (exchange.closed) {
    proxySocket.destroy();
    return;
  }
  try {
    exchange.hooks?.onResponseHeaders?.(101, proxyRes.headers);
  } catch (error) {
    exchange.error = hookFailure(exchange.upstream.name, error).detail;
    proxySocket.destroy();
    exchange.socket.destroy();
  }
}

/** The upstream answered the handshake with something else than 101: http-proxy writes it raw, so make it well-framed. */
function onUpstreamDeclined(this: ClientRequest, proxyRes: IncomingMessage): void {
  const exchange = (this as CarriedUpgradeReq)[kExchange];
  if (exchange === undefined) return;
  exchange.answered = true;
  exchange.status = proxyRes.statusCode ?? 502;
  exchange.upstreamMs = performance.now() - exchange.start;
  (proxyRes as CarriedUpgradeMsg)[kExchange] = exchange;
  proxyRes.on('error', onDeclinedResponseError);
  // Node has decoded any chunking: without Transfer-Encoding the body runs to the end of the connection. http-proxy
  // writes this answer from `proxyRes.headers` after us, so they are replaced with the stripped ones.
  const headers = stripResponseHeaders(proxyRes.headers);
  headers.connection = 'close';
  proxyRes.headers = headers;
  try {
    exchange.hooks?.onResponseHeaders?.(exchange.status, headers);
  } catch (error) {
    exchange.error = hookFailure(exchange.upstream.name, error).detail;
    proxyRes.destroy();
    exchange.socket.destroy();
  }
}

function onDeclinedResponseError(this: IncomingMessage, error: Error): void {
  const exchange = (this as CarriedUpgradeMsg)[kExchange];
  if (exchange === undefined) return;
  exchange.error ??= upstreamFailure(exchange.upstream.name, error).detail;
  exchange.socket.destroy();
}

function onUpgradeClientError(this: Duplex, error: Error): void {
  const exchange = (this as CarriedSocket)[kExchange];
  if (exchange !== undefined) exchange.error ??= `client connection failed (${(error as NodeJS.ErrnoException).code ?? error.message})`;
}

function onUpgradeClientClose(this: Duplex): void {
  const exchange = (this as CarriedSocket)[kExchange];
  if (exchange === undefined) return;
  exchange.closed = true;
  if (!exchange.answered) {
    exchange.error ??= 'the client closed the connection';
    exchange.proxyReq?.destroy();
  }
  const proxySocket = exchange.proxySocket;
  if (proxySocket !== undefined && !proxySocket.destroyed) {
    // A clean client end was passed on by the pipe: give the upstream time to close; otherwise cut it now.
    if (proxySocket.writableEnded) proxySocket.setTimeout(exchange.upstream.timeoutMs, destroyThis);
    else proxySocket.destroy();
  }
  report(exchange.hooks, {
    status: exchange.status === 0 ? STATUS_CLIENT_GONE : exchange.status,
    upstreamMs: exchange.upstreamMs,
    error: exchange.error,
  });
}

function onUpgradeUpstreamClose(this: Socket): void {
  const exchange = (this as Carrier<Socket, UpgradeExchange>)[kExchange];
  // A clean upstream end was passed on by the pipe; an abrupt one would leave the client waiting.
  if (exchange !== undefined && !exchange.socket.writableEnded) exchange.socket.destroy();
}

function destroyThis(this: Socket): void {
  this.destroy();
}

function ignore(): void {}
