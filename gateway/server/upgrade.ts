import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RouteTable } from '../pipeline/compile.js';
import { RequestContext } from '../pipeline/context.js';
import { NEXT } from '../pipeline/policy.js';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from '../pipeline/problem.js';
import { runRequestPhase } from '../pipeline/run.js';
import type { Upstream } from '../proxy/upstream.js';
import type { Exchange } from '../traffic/exchange.js';
import type { ExchangeSink } from './exchange-recorder.js';
import { normalizePath } from './normalize-path.js';

/**
 * WebSocket handshakes: routed and run through the route's request policies like any request, then tunnelled.
 * Each handshake is one exchange in the log, written when the tunnel closes (or when the handshake is refused).
 */
export async function handleUpgrade(
  routes: { table: RouteTable; upstreams: ReadonlyMap<string, Upstream> },
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  log: ExchangeSink | undefined,
): Promise<void> {
  const started = performance.now();
  const startedAt = Date.now();
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const query = q === -1 ? '' : rawUrl.slice(q);
  const normalized = normalizePath(q === -1 ? rawUrl : rawUrl.slice(0, q));
  const match = normalized.ok ? routes.table.find('GET', normalized.path) : undefined;
  const record = (fields: Pick<Exchange, 'status' | 'mode'> & Partial<Exchange>) => {
    if (!log) return;
    const durationMs = performance.now() - started;
    log.append({
      startedAt,
      method: req.method ?? 'GET',
      rawUrl,
      url: normalized.ok ? normalized.path + query : rawUrl,
      route: match?.route.info.path,
      operationId: match?.route.info.operationId,
      durationMs,
      gatewayMs: durationMs - (fields.upstreamMs ?? 0),
      clientAddress: req.socket.remoteAddress ?? '',
      requestHeaders: req.rawHeaders,
      responseHeaders: [],
      ...fields,
    });
  };

  const upstream = match?.route.upstream && routes.upstreams.get(match.route.upstream.name);
  if (!normalized.ok || !match || match.route.mode !== 'proxy' || !upstream) {
    writeProblem(socket, problem(404, 'not-found', 'Not Found', 'No proxied operation of the design matches this WebSocket request.'));
    record({ status: 404, mode: 'unroutable' });
    return;
  }
  const ctx = new RequestContext(
    { method: 'GET', path: normalized.path, rawQuery: query.slice(1), headers: req.headers, clientAddress: req.socket.remoteAddress ?? '', params: match.params, rawHeaders: req.rawHeaders },
    match.route.info,
    false,
  );
  const result = match.route.chain.length === 0 ? NEXT : await runRequestPhase(match.route.chain, ctx);
  if (result !== NEXT) {
    const { status, headers, body } = result.reply;
    const text = body === undefined ? '' : String(body);
    const lines = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(text)), connection: 'close' }).map(([k, v]) => `${k}: ${String(v)}`);
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines.join('\r\n')}\r\n\r\n${text}`);
    record({ status, mode: status >= 400 ? 'rejected' : 'policy', consumer: ctx.consumer, policy: { id: result.by.id, name: result.by.name, reason: `${result.by.label}: ${result.reply.reason}` } });
    return;
  }
  upstream.forwardUpgrade(req, socket, head, normalized.path + query, {
    onDone: (outcome) => record({ status: outcome.status, mode: 'proxy', upstream: upstream.name, consumer: ctx.consumer, upstreamMs: outcome.upstreamMs, error: outcome.error }),
  });
}

function writeProblem(socket: Socket, value: Problem): void {
  const body = JSON.stringify(value);
  socket.end(`HTTP/1.1 ${value.status} ${STATUS_CODES[value.status] ?? ''}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
