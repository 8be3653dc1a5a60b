import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import type { ErrorCode } from '../contract/index.js';
import type { Dispatcher } from './rpc.js';

/**
 * Browser mode's control channel: the contract over HTTP on 127.0.0.1, and the built renderer as static files.
 *
 * - `GET /?token=T` sets the session cookie (HttpOnly, SameSite=Strict) and redirects to `/`, so the token leaves
 *   the address bar. Every `/api/*` request needs that cookie or `Authorization: Bearer T`.
 * - DNS rebinding: the `Host` header must be `127.0.0.1:<port>` or `localhost:<port>`; an `Origin`, when sent, must
 *   be the page's own (`http://<host>`).
 * - `POST /api/call/<method>` (JSON body) → `CallResult`; `GET /api/events` → Server-Sent Events.
 */

export interface HttpHostOptions {
  dispatcher: Dispatcher;
  /** 0 (default): any free port. */
  port?: number;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /** The built renderer (`dist/renderer`); when it has no index.html, `/` says how to build it. */
  rendererDir?: string;
  /** Largest call body; default 64 MiB (a large design is written whole). */
  bodyLimit?: number;
  /** Comment lines that keep SSE connections open through idle periods; default 15 s. */
  heartbeatMs?: number;
  logError?: (message: string) => void;
}

export interface HttpHost {
  readonly server: Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly token: string;
  /** The address to open: `origin/?token=...`. */
  readonly url: string;
  /** The session cookie's name (per port: cookies are not scoped by port). */
  readonly cookieName: string;
  close(): Promise<void>;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Monaco and @stoplight/elements set inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // Monaco starts its workers from blob: URLs.
  "worker-src 'self' blob:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

const STATUS_OF: Record<ErrorCode, number> = { bad_request: 400, unknown_method: 404, not_found: 404, conflict: 409, forbidden: 403, internal: 500 };

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portico</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Portico</h1>
<p>The engine is running, but the user interface has not been built. Run <code>npm run build</code>, then open this address again.</p>
</body></html>
`;

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const bodyLimit = options.bodyLimit ?? 64 * 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const logError = options.logError ?? ((message: string) => void process.stderr.write(`${message}\n`));
  const rendererDir = options.rendererDir ? await realpath(options.rendererDir).catch(() => undefined) : undefined;
  const streams = new Set<ServerResponse>();
  let port = 0;
  let cookieName = 'portico';

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    handle(req, res).catch((error: unknown) => {
      logError(`portico: control request failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendProblem(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return sendProblem(res, 403, 'Forbidden', 'unexpected Host header');
    const origin = req.headers.origin;
    const url = new URL(req.url ?? '/', `http://${host}`);
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    // The docs preview is a sandboxed frame (an opaque origin, so Chromium runs it in its own process): its script and
    // style loads are CORS requests with `Origin: null`. They may read the static files, which are public build
    // output; never /api (no cookie is sent from there either).
    const opaqueStatic = origin === 'null' && !isApi && (req.method === 'GET' || req.method === 'HEAD');
    if (origin !== undefined && origin !== `http://${host}` && !opaqueStatic) return sendProblem(res, 403, 'Forbidden', 'cross-origin requests are refused');

    if (isApi) {
      if (!authorized(req)) return sendProblem(res, 403, 'Forbidden', 'missing or wrong token: open the address Portico printed');
      if (url.pathname.startsWith('/api/call/')) return call(req, res, url.pathname.slice('/api/call/'.length));
      if (url.pathname === '/api/events') return events(req, res);
      return sendProblem(res, 404, 'Not Found');
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendProblem(res, 405, 'Method Not Allowed');
    }
    const presented = url.searchParams.get('token');
    if (url.pathname === '/' && presented !== null) {
      if (!matches(presented)) return sendProblem(res, 403, 'Forbidden', 'wrong token');
      res.setHeader('set-cookie', `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      res.setHeader('cache-control', 'no-store');
      res.writeHead(303, { location: '/' }).end();
      return;
    }
    if (opaqueStatic) {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('cross-origin-resource-policy', 'cross-origin');
    }
    res.setHeader('vary', 'Origin');
    return serveStatic(req, res, url.pathname);
  }

  function matches(presented: string): boolean {
    const bytes = Buffer.from(presented);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  }

  function authorized(req: IncomingMessage): boolean {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && matches(bearer)) return true;
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq !== -1 && part.slice(0, eq).trim() === cookieName && matches(part.slice(eq + 1).trim())) return true;
    }
    return false;
  }

  async function call(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendProblem(res, 405, 'Method Not Allowed');
    }
    // JSON only: a cross-origin form cannot send it without a preflight, which the Origin check refuses.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return sendProblem(res, 415, 'Unsupported Media Type', 'send application/json');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > bodyLimit) return sendProblem(res, 413, 'Content Too Large', `bodies are limited to ${bodyLimit} bytes`);
    const body = await readBody(req, bodyLimit);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return sendProblem(res, 413, 'Content Too Large', `bodies are limited to ${bodyLimit} bytes`);
    }
    let params: unknown = {};
    if (body.length > 0) {
      try {
        params = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'bad_request', message: 'the body is not valid JSON' } });
      }
    }
    let name = method;
    try {
      name = decodeURIComponent(method);
    } catch {
      // an undecodable name is an unknown method
    }
    const result = await options.dispatcher.dispatch(name, params);
    sendJson(res, result.ok ? 200 : STATUS_OF[result.error.code], result);
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return sendProblem(res, 405, 'Method Not Allowed');
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\nretry: 2000\n\n');
    streams.add(res);
    const unsubscribe = options.dispatcher.subscribe(({ event, payload }) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const index = rendererDir ? join(rendererDir, 'index.html') : undefined;
    const hasIndex = index ? await stat(index).then((s) => s.isFile(), () => false) : false;
    if (!rendererDir || !hasIndex) {
      if (pathname !== '/' && pathname !== '/index.html') return sendProblem(res, 404, 'Not Found');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendProblem(res, 400, 'Bad Request', 'bad percent-encoding');
    }
    if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) return sendProblem(res, 404, 'Not Found');
    let file = resolve(rendererDir, '.' + (decoded === '/' ? '/index.html' : decoded));
    if (!file.startsWith(rendererDir + sep)) return sendProblem(res, 404, 'Not Found');
    let info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      // Client-side routes (no extension) get the app; missing assets are 404.
      if (extname(decoded) !== '') return sendProblem(res, 404, 'Not Found');
      file = index as string;
      info = await stat(file);
    }
    const real = await realpath(file);
    if (!real.startsWith(rendererDir + sep)) return sendProblem(res, 404, 'Not Found');
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(real).on('error', () => res.destroy()).pipe(res);
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  port = (server.address() as AddressInfo).port;
  cookieName = `portico_${port}`;
  const origin = `http://127.0.0.1:${port}`;
  return {
    server,
    port,
    origin,
    token,
    url: `${origin}/?token=${token}`,
    cookieName,
    close() {
      return new Promise((done) => {
        for (const stream of streams) stream.end();
        server.close(() => done());
        server.closeIdleConnections();
      });
    },
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        req.pause();
        done(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) done(Buffer.concat(chunks));
    });
    req.on('error', fail);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
  res.end(body);
}

function sendProblem(res: ServerResponse, status: number, title: string, detail?: string): void {
  const body = JSON.stringify({ type: 'about:blank', title, status, ...(detail && { detail }) });
  res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
  res.end(body);
}
