/** Test helpers: real servers on 127.0.0.1 port 0, a gateway in front of an upstream, a plain client. */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { createUpstream, type ProxyHooks, type ProxyOutcome, type Upstream, type UpstreamConfig } from '../upstream.js';

export async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

export async function closeServer(server: net.Server): Promise<void> {
  (server as http.Server).closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

export interface Gateway {
  port: number;
  upstream: Upstream;
  /** onDone outcomes, in order. */
  outcomes: ProxyOutcome[];
  /** Resolves with the next onDone outcome. */
  nextOutcome(): Promise<ProxyOutcome>;
  close(): Promise<void>;
}

/** A gateway server that forwards everything (req.url as the path) to one upstream, like the lead's server will. */
export async function startGateway(
  config: Partial<UpstreamConfig> & { url: string },
  extraHooks: Omit<ProxyHooks, 'onDone'> = {},
): Promise<Gateway> {
  const upstream = createUpstream({ name: 'petstore', timeoutMs: 5000, ...config });
  const outcomes: ProxyOutcome[] = [];
  let waiters: Array<(outcome: ProxyOutcome) => void> = [];
  const hooks: ProxyHooks = {
    ...extraHooks,
    onDone(outcome) {
      outcomes.push(outcome);
      const pending = waiters;
      waiters = [];
      for (const resolve of pending) resolve(outcome);
    },
  };
  const server = http.createServer((req, res) => upstream.forward(req, res, req.url ?? '/', hooks));
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => upstream.forwardUpgrade(req, socket, head, req.url, hooks));
  const port = await listen(server);
  return {
    port,
    upstream,
    outcomes,
    nextOutcome: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      upstream.close();
      await closeServer(server);
    },
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestOptions {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Buffer | Readable;
}

/** One request on a fresh connection; the body is collected. */
export function request(port: number, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** Sends raw bytes, returns everything the server sent until it closed the connection. */
export function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An upstream HTTP server; `seen` holds what it received. */
export async function startUpstream(handler: Handler): Promise<{ port: number; server: http.Server; close(): Promise<void> }> {
  const server = http.createServer(handler);
  const port = await listen(server);
  return { port, server, close: () => closeServer(server) };
}

/** Echoes method, url, headers (as received, lower-case, joined) and body size as JSON. */
export const echoHandler: Handler = (req, res) => {
  let size = 0;
  req.on('data', (chunk: Buffer) => (size += chunk.length));
  req.on('end', () => {
    const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, size });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
};

export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  size: number;
}

export function json<T>(reply: Reply): T {
  return JSON.parse(reply.body.toString('utf8')) as T;
}
