/**
 * Header hygiene between client and upstream: hop-by-hop headers (RFC 9110 §7.6.1) stay on their hop,
 * forwarding headers are ours (RFC 7239 and the X-Forwarded-* family), a client cannot set them.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Never passed on, in either direction. Any `proxy-*` header is dropped too. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'http2-settings',
]);

/**
 * Request headers we replace rather than pass on: the Host (set below), Expect (our server has already answered
 * `100 Continue`), the forwarding headers (any `x-forwarded-*`, `forwarded`, `x-real-ip`: the client could forge them).
 */
const REPLACED_ON_REQUEST = new Set(['host', 'expect', 'forwarded', 'x-real-ip']);

function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-');
}

/** Deletes the headers a Connection header lists (`Connection: close, X-Foo` removes X-Foo). */
function removeListed(headers: Record<string, unknown>, connection: string | string[]): void {
  const value = Array.isArray(connection) ? connection.join(',') : connection;
  // The common values list no other header: skip the split.
  if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') return;
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '') delete headers[name];
  }
}

/** The client's address as a forwarding header should show it: IPv4-mapped IPv6 addresses as plain IPv4. */
export function clientAddress(req: IncomingMessage): string | undefined {
  const address = req.socket.remoteAddress;
  if (address !== undefined && address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  return address;
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** `Forwarded: for=...;proto=...;host=...` (RFC 7239 §4), IPv6 nodes bracketed and quoted. */
function forwardedValue(address: string | undefined, proto: string, host: string | undefined): string {
  const node = address === undefined ? 'unknown' : address.includes(':') ? `"[${address}]"` : address;
  return host === undefined ? `for=${node};proto=${proto}` : `for=${node};proto=${proto};host=${quoted(host)}`;
}

export interface RequestHeaderOptions {
  /** The Host to send: the upstream's `host[:port]`. */
  upstreamHost: string;
  /** Send the client's Host instead of `upstreamHost`. */
  preserveHost: boolean;
  /** Keep `Connection: Upgrade` and `Upgrade` (a WebSocket handshake). */
  websocket: boolean;
}

/**
 * The headers to send upstream for `req`: a new object, `req.headers` is not touched.
 * Framing is ours: Content-Length is kept, a body of unknown length is re-sent chunked whatever the client's
 * Transfer-Encoding said (and whatever its Connection header listed).
 */
export function upstreamRequestHeaders(req: IncomingMessage, options: RequestHeaderOptions): OutgoingHttpHeaders {
  const source = req.headers;
  const out: OutgoingHttpHeaders = {};
  for (const name in source) {
    if (isHopByHop(name) || REPLACED_ON_REQUEST.has(name) || name.startsWith('x-forwarded-')) continue;
    out[name] = source[name];
  }
  if (source.connection !== undefined) removeListed(out, source.connection);

  const contentLength = source['content-length'];
  if (contentLength !== undefined) out['content-length'] = contentLength;
  else if (source['transfer-encoding'] !== undefined) out['transfer-encoding'] = 'chunked';

  if (options.websocket) {
    out.connection = 'Upgrade';
    out.upgrade = source.upgrade;
  }

  const host = source.host;
  out.host = options.preserveHost && host !== undefined ? host : options.upstreamHost;
  const address = clientAddress(req);
  const proto = (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
  if (address !== undefined) out['x-forwarded-for'] = address;
  out['x-forwarded-proto'] = proto;
  if (host !== undefined) out['x-forwarded-host'] = host;
  out.forwarded = forwardedValue(address, proto, host);
  return out;
}

/**
 * An upstream response's headers without the hop-by-hop ones: Node re-frames the body for our client (chunked or
 * Content-Length, keep-alive or close). A copy, not deletions in place: `delete` turns V8's object into a slow
 * dictionary, and every reader after (writeHead, the traffic log's encoder) walked it slowly, on every response.
 */
export function stripResponseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (!isHopByHop(name)) out[name] = headers[name];
  }
  const connection = headers.connection;
  if (connection !== undefined) removeListed(out, connection);
  return out;
}
