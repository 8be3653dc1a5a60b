import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Design } from '../openapi/design.js';
import type { CompiledPolicy, CompiledRoute, RouteTable } from '../pipeline/compile.js';
import { RequestContext } from '../pipeline/context.js';
import { NEXT } from '../pipeline/policy.js';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from '../pipeline/problem.js';
import { runRequestPhase, runResponsePhase, type Answered, type ChainResult } from '../pipeline/run.js';
import { createUpstream, type ProxyHooks, type ProxyOutcome, type Upstream, type UpstreamConfig } from '../proxy/upstream.js';
import { ExchangeRecorder, RecordedResponse, type ExchangeSink } from './exchange-recorder.js';
import { answerClientError } from './client-error.js';
import { normalizePath } from './normalize-path.js';
import { handleUpgrade } from './upgrade.js';
import { hasBody, RouteRuntime } from './route-runtime.js';
import { PlannedForward } from './planned-proxy.js';
import { requestBodyPhase, responseBodyPhase } from './body-phases.js';

export interface GatewayServerOptions {
  design: Design;
  table: RouteTable;
  /** Where exchanges go; none with `--no-log`. */
  log?: ExchangeSink;
  /** How much of each body the log keeps (full size and hash are always kept). */
  logBodyLimit?: number;
}

export interface GatewayServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Swap in a new design: requests in flight finish on the routes they started with. */
  reload(design: Design, table: RouteTable): void;
  close(): Promise<void>;
}

interface State {
  table: RouteTable;
  runtime: RouteRuntime;
  upstreams: Map<string, Upstream>;
  upstreamConfigs: Map<string, UpstreamConfig>;
}

export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const log = options.log;
  const logBodyLimit = options.logBodyLimit ?? 64 * 1024;
  let state = stateFor(options.design, options.table);

  // With logging off the plain ServerResponse: the recording one costs a little on every response.
  const server = createServer({ requestTimeout: 120_000, ...(log && { ServerResponse: RecordedResponse }) }, (req, res) => {
    const recorder = log ? new ExchangeRecorder(log, req, res as RecordedResponse, logBodyLimit) : undefined;
    handle(state, req, res, recorder).catch((error: unknown) => {
      if (recorder) recorder.error = `gateway error: ${(error as Error).message}`;
      sendProblem(res, problem(500, 'internal', 'Internal Server Error', 'The gateway failed while handling this request.'));
    });
  });
  server.on('clientError', (error, socket) => answerClientError(error as NodeJS.ErrnoException & { rawPacket?: Buffer }, socket as Socket, log));
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    handleUpgrade(state, req, socket, head, log).catch(() => socket.destroy());
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    reload(design, table) {
      const previous = state;
      state = stateFor(design, table, previous);
      for (const [name, upstream] of previous.upstreams) if (state.upstreams.get(name) !== upstream) upstream.close();
      if (previous.table !== table) previous.table.close();
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const upstream of state.upstreams.values()) upstream.close();
        state.table.close();
      });
    },
  };
}

function stateFor(design: Design, table: RouteTable, previous?: State): State {
  const upstreams = new Map<string, Upstream>();
  const upstreamConfigs = new Map<string, UpstreamConfig>();
  for (const [name, definition] of table.upstreams) {
    const config = { name, url: definition.url, timeoutMs: definition.timeout, insecure: definition.insecure, preserveHost: definition.preserveHost };
    const existing = previous?.upstreams.get(name);
    const before = previous?.upstreamConfigs.get(name);
    upstreams.set(name, existing && before && sameConfig(before, config) ? existing : createUpstream(config));
    upstreamConfigs.set(name, config);
  }
  return { table, runtime: new RouteRuntime(design, table.bodyLimit), upstreams, upstreamConfigs };
}

function sameConfig(a: UpstreamConfig, b: UpstreamConfig): boolean {
  return a.url === b.url && a.timeoutMs === b.timeoutMs && a.insecure === b.insecure && a.preserveHost === b.preserveHost;
}

async function handle(state: State, req: IncomingMessage, res: ServerResponse, recorder: ExchangeRecorder | undefined): Promise<void> {
  const method = req.method ?? 'GET';
  const target = splitTarget(req.url ?? '/');
  const normalized = normalizePath(target.path);
  if (!normalized.ok) {
    if (recorder) recorder.mode = 'rejected';
    sendProblem(res, problem(400, 'bad-path', 'Bad Request', normalized.reason));
    return;
  }
  const path = normalized.path;
  if (recorder) recorder.url = path + target.query;

  let preflight = false;
  let match = state.table.find(method, path);
  if (!match && method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string') {
    match = state.table.find(req.headers['access-control-request-method'], path);
    preflight = match !== undefined && match.route.preflightChain.length > 0;
    if (!preflight) match = undefined;
  }
  if (!match) {
    const allowed = state.table.allowedMethods(path);
    if (allowed.length === 0) sendProblem(res, problem(404, 'not-found', 'Not Found', `No operation of the design matches ${path}.`));
    else sendProblem(res, problem(405, 'method-not-allowed', 'Method Not Allowed', `${path} does not accept ${method}.`), { allow: allowed.join(', ') });
    return;
  }

  const route = match.route;
  if (recorder) recorder.route = route;
  const ctx = new RequestContext(
    { method, path, rawQuery: target.query.slice(1), headers: req.headers, clientAddress: req.socket.remoteAddress ?? '', params: match.params, rawHeaders: req.rawHeaders },
    route.info,
    preflight,
  );
  const chain = preflight ? route.preflightChain : route.chain;
  let result: ChainResult | Promise<ChainResult> = chain.length === 0 ? NEXT : runRequestPhase(chain, ctx, 0, recorder?.timings);
  if (result instanceof Promise) result = await result;
  if (recorder) recorder.consumer = ctx.consumer;

  if (result === NEXT && !preflight && (route.bodyChain.length > 0 || (route.replaysRequest && fitsInMemory(req, state.table.bodyLimit)))) {
    result = requestBodyPhase(state.runtime, state.table.bodyLimit, route, ctx, req, recorder);
    if (result instanceof Promise) result = await result;
  }

  if (result !== NEXT) {
    if (recorder) {
      recorder.mode = result.reply.status >= 400 ? 'rejected' : 'policy';
      recorder.policy = { id: result.by.id, ...(result.by.name !== undefined && { name: result.by.name }), reason: `${result.by.label}: ${result.reply.reason}` };
      recorder.consumer = ctx.consumer;
    }
    sendReply(state, res, route, ctx, result, recorder);
    return;
  }
  if (route.mode === 'proxy') {
    proxy(state, route, ctx, req, res, ctx.upstreamTarget ?? path + target.query, recorder);
    return;
  }
  await state.runtime.mock(route, ctx, req, res, recorder, (status, headers, body) => respond(state, res, route, ctx, recorder, 'mock', status, headers, body), ctx.bodyRead ? { body: ctx.requestBody() } : undefined);
}

function proxy(state: State, route: CompiledRoute, ctx: RequestContext, req: IncomingMessage, res: ServerResponse, path: string, recorder: ExchangeRecorder | undefined): void {
  if (ctx.plan !== undefined) {
    proxyPlanned(state, route, ctx, req, res, path, recorder);
    return;
  }
  const upstream = state.upstreams.get(route.upstream!.name)!;
  if (recorder) {
    recorder.mode = 'proxy';
    recorder.tapRequest();
    recorder.awaitOneMore();
  }
  // Headers policies added (CORS, RateLimit-*) also label the gateway's own 502/504 problems.
  if (ctx.responseHeaders) for (const name in ctx.responseHeaders) res.setHeader(name, ctx.responseHeaders[name]!);
  const needsHooks = recorder !== undefined || ctx.responseHeaders !== undefined || route.responseChain.length > 0 || route.responseBodyChain.length > 0;
  const limit = ctx.requestBodyLimit;
  // A body read whole is sent from memory; a request without one streams its (ended, empty) self as usual.
  const body = ctx.bodyRead ? ctx.requestBody() : undefined;
  const options = body !== undefined ? { body } : limit && { maxRequestBody: limit.max };
  upstream.forward(req, res, path, needsHooks || limit !== undefined ? new ProxiedExchange(state, route, ctx, recorder) : undefined, options);
}

const EMPTY = Buffer.alloc(0);

/**
 * A request a policy may send again is held in memory only when its length is known and within the body limit
 * (or it has none); a larger or chunked one streams as usual and is not sent twice.
 */
function fitsInMemory(req: IncomingMessage, limit: number): boolean {
  if (!hasBody(req)) return true;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && length !== undefined && Number(length) <= limit;
}

/** Forwarding a policy shaped (timeout, retry, load-balance, mock-fallback): off the plain path, which stays as lean as it was. */
function proxyPlanned(state: State, route: CompiledRoute, ctx: RequestContext, req: IncomingMessage, res: ServerResponse, path: string, recorder: ExchangeRecorder | undefined): void {
  const plan = ctx.plan!;
  if (recorder) {
    recorder.mode = 'proxy';
    recorder.tapRequest();
    recorder.awaitOneMore();
  }
  if (ctx.responseHeaders) for (const name in ctx.responseHeaders) res.setHeader(name, ctx.responseHeaders[name]!);
  const planned = new PlannedForward(plan, route.upstream!.name, state.upstreams, req, res, path, {
    hooks: new ProxiedExchange(state, route, ctx, recorder),
    noUpstream(detail) {
      const value = problem(503, 'no-healthy-upstream', 'Service Unavailable', `No upstream can take this request: ${detail}.`);
      if (recorder) {
        recorder.policy = plan.balancer ? { ...plan.balancer.by, reason: `${plan.balancer.by.reason}: ${detail}` } : undefined;
        recorder.error = detail;
      }
      const body = JSON.stringify(value);
      recorder?.responseBodyWhole(body);
      respond(state, res, route, ctx, recorder, 'policy', 503, { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' }, body);
      recorder?.done();
    },
    mock(reason) {
      state.runtime
        .mock(route, ctx, req, res, recorder, (status, headers, body) => respond(state, res, route, ctx, recorder, 'mock', status, headers, body), ctx.bodyRead ? { body: ctx.requestBody() } : undefined)
        .catch((error: unknown) => {
          if (recorder) recorder.error = `gateway error: ${(error as Error).message}`;
          sendProblem(res, problem(500, 'internal', 'Internal Server Error', 'The gateway failed while handling this request.'));
        })
        .finally(() => {
          if (recorder) recorder.policy = { ...plan.mockFallback!, reason };
          recorder?.done();
        });
    },
  }, ctx.requestBodyLimit?.max, ctx.bodyRead ? ctx.requestBody() : undefined);
  if (recorder) planned.onAttempt = (upstream) => (recorder.upstream = upstream);
  planned.start();
}

/** What the gateway does around one proxied exchange, as one object: no closures per request. */
class ProxiedExchange implements ProxyHooks {
  /** Set when the route has response-body policies: the proxy then reads response bodies whole, up to this. */
  readonly bufferResponseLimit: number | undefined;

  constructor(
    private readonly state: State,
    private readonly route: CompiledRoute,
    private readonly ctx: RequestContext,
    private readonly recorder: ExchangeRecorder | undefined,
  ) {
    this.bufferResponseLimit = route.responseBodyChain.length > 0 ? state.table.bodyLimit : undefined;
  }

  onResponseBodyWhole(status: number, headers: OutgoingHttpHeaders, body: Buffer): { status: number; body: Buffer } {
    const answer = responseBodyPhase(this.state.runtime, this.route, this.ctx, this.recorder, 'upstream', status, headers, body);
    this.recorder?.responseBodyWhole(answer.body);
    return answer;
  }

  onResponseHeaders(status: number, headers: OutgoingHttpHeaders): void {
    const { ctx, route } = this;
    if (ctx.responseHeaders) mergeHeaders(headers, ctx.responseHeaders);
    if (route.responseChain.length > 0) runResponsePhase(route.responseChain, { request: ctx.request, route: route.info, consumer: ctx.consumer, status, headers });
  }

  onResponseBody(): void {
    this.recorder?.captureResponse();
  }

  onDone(outcome: ProxyOutcome): void {
    const recorder = this.recorder;
    if (!recorder) return;
    if (outcome.upstreamMs !== undefined) recorder.upstreamMs = outcome.upstreamMs;
    if (outcome.error !== undefined) recorder.error = outcome.error;
    if (outcome.code === 'BODY_TOO_LARGE' && this.ctx.requestBodyLimit) {
      recorder.mode = 'rejected';
      recorder.policy = this.ctx.requestBodyLimit.policy;
    } else if (outcome.code === 'TIMEOUT' && this.ctx.plan?.timeoutBy) {
      recorder.policy = this.ctx.plan.timeoutBy;
    }
    recorder.done();
  }
}

/** Sends a policy's reply, with the headers earlier policies added and the response phase applied. */
function sendReply(state: State, res: ServerResponse, route: CompiledRoute, ctx: RequestContext, answered: Answered, recorder: ExchangeRecorder | undefined): void {
  const { reply, by } = answered;
  respond(state, res, route, ctx, recorder, reply.replay ? 'cache' : 'policy', reply.status, { ...reply.headers }, reply.body, by);
}

/** Answers with a whole body (a reply, the mock): response-body phase, headers policies added, response phase. */
function respond(
  state: State,
  res: ServerResponse,
  route: CompiledRoute,
  ctx: RequestContext,
  recorder: ExchangeRecorder | undefined,
  source: 'mock' | 'policy' | 'cache',
  status: number,
  headers: OutgoingHttpHeaders,
  body: Buffer | string | undefined,
  answeredBy?: CompiledPolicy,
): void {
  if (route.responseBodyChain.length > 0 && ctx.request.method !== 'HEAD') {
    const answer = responseBodyPhase(state.runtime, route, ctx, recorder, source, status, headers, body === undefined ? EMPTY : typeof body === 'string' ? Buffer.from(body) : body, answeredBy);
    status = answer.status;
    body = answer.body.length === 0 && body === undefined ? undefined : answer.body;
  }
  recorder?.responseBodyWhole(body);
  if (ctx.responseHeaders) mergeHeaders(headers, ctx.responseHeaders);
  if (route.responseChain.length > 0) runResponsePhase(route.responseChain, { request: ctx.request, route: route.info, consumer: ctx.consumer, status, headers });
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(body);
}

function mergeHeaders(target: OutgoingHttpHeaders, extra: OutgoingHttpHeaders): void {
  for (const name in extra) {
    const value = extra[name]!;
    const existing = target[name];
    if (existing === undefined || name !== 'vary') target[name] = value;
    else target[name] = `${String(existing)}, ${String(value)}`;
  }
}

export function sendProblem(res: ServerResponse, value: Problem, headers?: OutgoingHttpHeaders): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(value);
  res.writeHead(value.status, { ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function splitTarget(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q) };
}
