import { z } from 'zod';
import { definePolicy, type PolicyRequest, type PolicyServices, type ResponseBodyContext } from '../pipeline/policy.js';
import { duration, size } from '../pipeline/units.js';

export const config = z
  .object({
    ttl: duration.default(30_000).describe("How long a response is served from the cache when it does not say (Cache-Control s-maxage/max-age win)."),
    maxSize: size.default(10 * 1024 * 1024).describe('Memory for the whole cache; least recently used entries go first.'),
    maxEntrySize: size.default(1024 * 1024).describe('Largest response body cached.'),
  })
  .strict();

/** Statuses cacheable by default (RFC 9110 §15.1), minus those this gateway has no use storing. */
const STATUSES = new Set([200, 203, 204, 301, 308]);
/** Request headers that ask an upstream to treat a request as another one: such requests bypass the cache. */
const OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override', 'x-original-url', 'x-rewrite-url', 'x-forwarded-prefix'];
/** Response headers never replayed: hop-by-hop, or about this one answer. */
const NOT_STORED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'age', 'x-cache']);

interface Entry {
  key: string;
  vary: [name: string, value: string][];
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  storedAt: number;
  expiresAt: number;
  size: number;
}

/** An LRU by bytes: a Map keeps insertion order, and a hit is moved to the end. */
class Store {
  private readonly entries = new Map<string, Entry[]>();
  private readonly order = new Map<Entry, true>();
  private bytes = 0;

  constructor(private readonly maxSize: number) {}

  find(key: string, request: PolicyRequest, now: number): Entry | undefined {
    const variants = this.entries.get(key);
    if (!variants) return undefined;
    for (const entry of variants) {
      if (!entry.vary.every(([name, value]) => headerValue(request, name) === value)) continue;
      if (entry.expiresAt <= now) {
        this.delete(entry);
        return undefined;
      }
      this.order.delete(entry);
      this.order.set(entry, true);
      return entry;
    }
    return undefined;
  }

  put(entry: Entry): void {
    // A new variant replaces the one stored for the same Vary values.
    const same = (v: Entry) => v.vary.length === entry.vary.length && v.vary.every(([name, value], i) => entry.vary[i]![0] === name && entry.vary[i]![1] === value);
    for (const old of this.entries.get(entry.key)?.filter(same) ?? []) this.delete(old);
    const variants = this.entries.get(entry.key) ?? [];
    variants.push(entry);
    this.entries.set(entry.key, variants);
    this.order.set(entry, true);
    this.bytes += entry.size;
    for (const oldest of this.order.keys()) {
      if (this.bytes <= this.maxSize) break;
      this.delete(oldest);
    }
  }

  private delete(entry: Entry): void {
    if (!this.order.delete(entry)) return;
    this.bytes -= entry.size;
    const variants = this.entries.get(entry.key)?.filter((v) => v !== entry) ?? [];
    if (variants.length === 0) this.entries.delete(entry.key);
    else this.entries.set(entry.key, variants);
  }

  get size(): number {
    return this.bytes;
  }
}

function headerValue(request: PolicyRequest, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function directives(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(value ?? '').split(',')) {
    const [name, argument] = part.trim().toLowerCase().split('=');
    if (name) out.set(name, (argument ?? '').replace(/^"|"$/g, ''));
  }
  return out;
}

/**
 * The key: method, normalised path, query sorted by name, and the consumer; `Vary` headers select among variants.
 * Anything else in the request cannot change what is served: requests whose headers could make the upstream
 * answer something else for the same key (method overrides, X-Original-URL) bypass the cache, and forwarding
 * headers are set by the gateway from the socket, never taken from the client.
 */
function cacheKey(request: PolicyRequest, consumer: string | undefined): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  for (const name of OVERRIDES) if (request.headers[name] !== undefined) return undefined;
  const control = request.headers['cache-control'];
  if (control !== undefined && directives(control).has('no-store')) return undefined;
  // RFC 9111 §3.5: a shared cache does not store answers to authenticated requests unless each user has its own key.
  if (request.headers.authorization !== undefined && consumer === undefined) return undefined;
  const who = consumer === undefined ? '-' : `consumer:${consumer}`;
  if (request.rawQuery === '') return `${request.method} ${request.path}? ${who}`;
  const params = [...new URLSearchParams(request.rawQuery)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${request.method} ${request.path}?${new URLSearchParams(params).toString()} ${who}`;
}

const stores = new WeakMap<PolicyServices, Map<string, Store>>();

/**
 * An in-memory HTTP cache for GET and HEAD: LRU with a size cap; honours Cache-Control (no-store, private,
 * no-cache, s-maxage, max-age) on requests and responses; never stores responses that set cookies; `X-Cache: HIT`
 * or `MISS` on every answer of the route. Stores only the upstream's answers. Place it after the auth policies: the
 * consumer is part of the key.
 */
export default definePolicy({
  id: 'cache',
  title: 'Cache',
  description: 'Caches GET/HEAD responses in memory (LRU, size cap), keyed by method, path, query, Vary headers and consumer; X-Cache: HIT|MISS.',
  phase: 'both',
  config,
  example: { ttl: '30s', maxSize: '50mb' },
  describe: (cfg) => `ttl ${cfg.ttl}ms`,
  create: (cfg, services, instance) => {
    let byGateway = stores.get(services);
    if (!byGateway) stores.set(services, (byGateway = new Map()));
    const storeKey = `${instance.key}|${cfg.maxSize}`;
    let store = byGateway.get(storeKey);
    if (!store) byGateway.set(storeKey, (store = new Store(cfg.maxSize)));
    const cache = store;
    const prefix = `${instance.key}|`;

    return {
      request: (ctx) => {
        const key = cacheKey(ctx.request, ctx.consumer);
        if (key === undefined) {
          if (ctx.request.method === 'GET' || ctx.request.method === 'HEAD') ctx.addResponseHeader('X-Cache', 'BYPASS');
          return ctx.next();
        }
        const now = services.now();
        const control = ctx.request.headers['cache-control'];
        const entry = control !== undefined && directives(control).has('no-cache') ? undefined : cache.find(prefix + key, ctx.request, now);
        if (!entry) {
          ctx.addResponseHeader('X-Cache', 'MISS');
          return ctx.next();
        }
        const headers: Record<string, string | string[]> = { ...entry.headers, age: String(Math.floor((now - entry.storedAt) / 1000)), 'x-cache': 'HIT' };
        return { status: entry.status, headers, body: entry.body, reason: 'cache hit', replay: true };
      },
      responseBody: (ctx: ResponseBodyContext) => {
        // Only the upstream's answers: a mock fallback must not outlive the upstream's outage.
        if (ctx.source !== 'upstream' || !STATUSES.has(ctx.status) || ctx.body.length > cfg.maxEntrySize) return;
        if (ctx.headers['set-cookie'] !== undefined) return;
        const control = directives(ctx.headers['cache-control']);
        if (control.has('no-store') || control.has('private') || control.has('no-cache')) return;
        const vary = String(ctx.headers.vary ?? '')
          .split(',')
          .map((v) => v.trim().toLowerCase())
          .filter(Boolean);
        if (vary.includes('*')) return;
        // An encoded body suits only clients that accept that encoding, whether or not the upstream said Vary.
        const encoding = ctx.headers['content-encoding'];
        if (encoding !== undefined && encoding !== 'identity' && !vary.includes('accept-encoding')) vary.push('accept-encoding');
        const seconds = control.get('s-maxage') ?? control.get('max-age');
        const ttl = seconds !== undefined && /^\d+$/.test(seconds) ? Number(seconds) * 1000 : cfg.ttl;
        if (ttl <= 0) return;
        const key = cacheKey(ctx.request, ctx.consumer);
        if (key === undefined) return;
        const headers: Record<string, string | string[]> = {};
        let headerBytes = 0;
        for (const [name, value] of Object.entries(ctx.headers)) {
          if (value === undefined || NOT_STORED.has(name)) continue;
          headers[name] = Array.isArray(value) ? value.map(String) : String(value);
          headerBytes += name.length + String(value).length;
        }
        const now = services.now();
        cache.put({
          key: prefix + key,
          vary: vary.map((name) => [name, headerValue(ctx.request, name)]),
          status: ctx.status,
          headers,
          body: ctx.body,
          storedAt: now,
          expiresAt: now + ttl,
          size: ctx.body.length + headerBytes + 200,
        });
      },
    };
  },
});
