import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { Problem } from './problem.js';

/**
 * The policy development kit: what a policy is, and what it may see and do.
 * A policy sees a request only through `PolicyContext`, so it can be tested without sockets,
 * and stops a chain only by returning a reply (Envoy's StopIteration, Kong's `kong.response.exit`).
 */

export interface RouteInfo {
  method: string;
  /** Path template as written in the design, e.g. /pets/{id}. */
  path: string;
  operationId?: string;
}

export interface PolicyRequest {
  readonly method: string;
  /** Normalised path: what routing matched. */
  readonly path: string;
  /** Query string as received, without the leading `?`. */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  /** The socket's address: never a client-sent forwarding header. */
  readonly clientAddress: string;
  /** Path parameters by their names in the template. */
  readonly params: Readonly<Record<string, string>>;
  /** Headers as received, name, value, name, value, ... with every copy: Node keeps only the first of some (Authorization). */
  readonly rawHeaders: readonly string[];
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  readonly body?: Buffer | string;
  /** Why, for the traffic log (never sent to the client). */
  readonly reason: string;
  /** A stored response replayed (a cache hit): response-body policies see it as source `cache`. */
  readonly replay?: boolean;
}

/** Returned by `ctx.next()`: go on with the chain. A single shared value: continuing allocates nothing. */
export const NEXT = Symbol('next');
export type Outcome = typeof NEXT | Reply;

export interface ReplyOptions {
  headers?: Record<string, string | string[]>;
  /** Why, for the log; defaults to the problem's detail or title. */
  reason?: string;
}

export interface PolicyContext {
  readonly request: PolicyRequest;
  readonly route: RouteInfo;
  /** True while answering a CORS preflight for this route (only preflight-aware policies run then). */
  readonly preflight: boolean;
  /** The authenticated consumer, once an auth policy has set it. */
  consumer: string | undefined;
  /** Query parameters, parsed on first use. */
  query(): URLSearchParams;
  /** Adds a header to whatever response this request gets (reply, mock or upstream). */
  addResponseHeader(name: string, value: string): void;
  /**
   * Sets (or, with `undefined`, removes) a header of the request as it goes on: to later policies, the mock and the
   * upstream. The traffic log keeps the headers the client sent.
   */
  setRequestHeader(name: string, value: string | string[] | undefined): void;
  /**
   * Caps the request body at `max` bytes: the gateway answers 413 as soon as more arrive, also for a chunked body
   * while it streams to the upstream. `policy` names who set the cap, for the log.
   */
  limitRequestBody(max: number, policy: PolicyAttribution): void;
  /**
   * How this request is forwarded, when the route proxies: per-attempt timeout, retries, which upstream each attempt
   * goes to, and a fallback to the mock. Created on first use; a request whose policies never ask forwards as plainly
   * as it can (one attempt, the route's upstream).
   */
  upstreamPlan(): UpstreamPlan;
  /**
   * Sends the request to this path and query on the upstream instead of the routed ones (rewrite). `path` must start
   * with `/`; it is joined to the upstream URL's own path like a routed one. Routing and the log keep the original.
   */
  setUpstreamTarget(path: string, rawQuery: string): void;
  /** The request body read whole (request-body phase only; undefined when the request has none). */
  requestBody(): Buffer | undefined;
  /** Replaces the body that goes on (request-body phase): Content-Length follows. */
  setRequestBody(body: Buffer): void;
  /** Checks parameters and the body against the operation in the design, as the mock does (request-body phase). */
  validateRequest(): RequestCheck;
  /** The key that identifies this client for counting: socket address, or consumer (falling back to the address). */
  clientKey(by: 'ip' | 'consumer'): string;
  next(): Outcome;
  reply(status: number, body?: Buffer | string, options?: ReplyOptions): Reply;
  /** A reply with an RFC 9457 body. */
  problem(value: Problem, options?: ReplyOptions): Reply;
}

export interface ResponseContext {
  readonly request: PolicyRequest;
  readonly route: RouteInfo;
  readonly consumer: string | undefined;
  readonly status: number;
  /** Mutable, lower-case names. */
  readonly headers: Record<string, string | string[] | number | undefined>;
}

/** A violation of the design, with where it is (a JSON pointer into the body or the parameter). */
export interface ContractViolation {
  in: string;
  name?: string;
  pointer: string;
  message: string;
}

export type RequestCheck = { ok: true } | { ok: false; status: 400 | 415 | 422; errors: ContractViolation[] };

/**
 * The response-body phase: the whole response (upstream's, mock's or a policy's reply), before anything is sent.
 * Routes with such a policy read response bodies whole up to the body limit; larger ones stream unchanged.
 */
export interface ResponseBodyContext extends ResponseContext {
  status: number;
  body: Buffer;
  /** Where the answer came from: a cache hit or a refusal need not be cached or checked again. */
  readonly source: 'upstream' | 'mock' | 'policy' | 'cache';
  /** Checks status, Content-Type and body against the operation's documented responses. */
  validateResponse(): ContractViolation[];
  /** Tells the log about this response (when no policy answered or refused the request). */
  report(policy: PolicyAttribution): void;
}

export type ResponseBodyHandler = (ctx: ResponseBodyContext) => void;

/**
 * Forwarding, shaped by request-phase policies (timeout, retry, load-balance, mock-fallback) and carried out by the
 * gateway. An attempt fails when the upstream cannot be reached, resets or times out before its response, or answers
 * with one of `retryStatuses`; once a response has started to reach the client nothing is attempted again.
 */
export interface UpstreamPlan {
  /** Limit for each attempt's response headers (and idle limit while streaming); default the upstream's `timeout`. */
  timeoutMs?: number;
  /** Attempts after the first. The gateway retries only requests without a body (their body cannot be sent twice). */
  retries?: number;
  /** Wait before retry n (1-based). */
  backoff?(retry: number): number;
  /** Statuses that count as a failed attempt when a retry is left (e.g. 502, 503, 504). */
  retryStatuses?: ReadonlySet<number>;
  /** Chooses each attempt's upstream among the design's `x-portico.upstreams`, and hears how it went. */
  balancer?: Balancer;
  /** Who set `timeoutMs`: named in the log when an attempt times out. */
  timeoutBy?: PolicyAttribution;
  /** When every attempt failed, or no upstream is healthy, answer from the design's mock; named in the log. */
  mockFallback?: PolicyAttribution;
}

export interface Balancer {
  /** The policy that balances, for the log (a 503 when no upstream is healthy). */
  readonly by: PolicyAttribution;
  /** The upstream for the next attempt (a name of `x-portico.upstreams`); undefined when none is healthy. */
  pick(exclude?: string): string | undefined;
  /** An attempt to `upstream` starts (least-connections counts these). */
  started(upstream: string): void;
  /** An attempt to `upstream` is over: `ok` false for a failure (passive health counts these). */
  finished(upstream: string, ok: boolean): void;
}

/** Who answered or refused, as the traffic log records it. */
export interface PolicyAttribution {
  id: string;
  name?: string;
  reason: string;
}

export type RequestHandler = (ctx: PolicyContext) => Outcome | Promise<Outcome>;
export type ResponseHandler = (ctx: ResponseContext) => void;

export interface PolicyHandlers {
  request?: RequestHandler;
  /** After the request phase, with the body read whole (`ctx.requestBody()`); may reply or replace the body. */
  requestBody?: RequestHandler;
  response?: ResponseHandler;
  /** With the response body read whole, before the response phase; runs in reverse order like it. */
  responseBody?: ResponseBodyHandler;
  /** Stops what the policy runs in the background (health checks) when its route table is replaced or closed. */
  close?(): void;
}

/** Fixed-window counters shared by the policies of one gateway (rate limits now, quotas later). */
export interface Counters {
  /** Counts one hit for `key` in the window of `windowMs` containing `now`; returns the count so far and the window's end. */
  hit(key: string, windowMs: number, now: number): { count: number; resetAt: number };
  /** Like `hit`, for a window sliding with `now` (estimated from the current and previous fixed windows). */
  slide(key: string, windowMs: number, now: number): { count: number; resetAt: number };
}

/** Who holds which API key: the workspace's consumer store, seen through a narrow door. */
export interface ConsumerDirectory {
  findByKey(presentedKey: string): string | undefined;
  /** Whether `password` is the consumer's password (basic-auth). Absent: no consumer has a password. */
  checkPassword?(consumer: string, password: string): Promise<boolean>;
}

/** Counters per calendar period that outlive the process (quotas): one gateway's, kept in the workspace data. */
export interface QuotaCounters {
  /** Counts one hit for `key` in the UTC day or month containing `now`; returns the count so far and the period's end. */
  hit(key: string, period: 'day' | 'month', now: number): { count: number; resetAt: number };
}

export interface SecretNames {
  headers?: string[];
  query?: string[];
}

export interface PolicyServices {
  counters: Counters;
  consumers: ConsumerDirectory;
  now(): number;
  /** Persistent quota counters; without them quotas count in memory (and a restart resets them). */
  quotas?: QuotaCounters;
  /** A number in [0, 1): fault injection's dice. Default Math.random. */
  random?(): number;
}

export interface PolicyInstance {
  /** The named instance in `x-portico.policies`, when it is one. */
  name?: string;
  /** Unique per instance in a gateway: counters and caches are keyed by it. */
  key: string;
  route: RouteInfo;
  /** Directory of the file the configuration is written in: relative paths in a config (key files) start there. */
  baseDir?: string;
  /** The design's upstreams by name (`x-portico.upstreams`), for policies that choose among them. */
  upstreams?: ReadonlyMap<string, { url: string }>;
}

/**
 * Thrown by `create` for a configuration the schema accepts but that cannot work (a key file that does not exist,
 * algorithms that do not fit the key). `compile` reports it at the config's place in the document, at `path` below `with`.
 */
export class PolicyConfigError extends Error {
  constructor(
    message: string,
    readonly path: readonly (string | number)[] = [],
  ) {
    super(message);
    this.name = 'PolicyConfigError';
  }
}

export interface PolicyDefinition<C extends z.ZodType = z.ZodType> {
  id: string;
  title: string;
  /** One sentence for the catalog. */
  description: string;
  phase: 'request' | 'response' | 'both';
  config: C;
  /** A typical configuration as users write it (the `with:` of `x-portico`), for the reference docs. */
  example?: z.input<C>;
  /** Takes part in CORS preflight requests (which carry no credentials, so auth policies must not). */
  preflight?: boolean;
  /** Always answers: must be the last policy of a chain. */
  terminal?: boolean;
  /**
   * May send the request upstream again (retry) or answer it after a failed attempt (mock-fallback): the gateway then
   * holds a request body in memory when its Content-Length is within the body limit, so that it can be sent again.
   */
  replaysRequest?: boolean;
  /** Where this configuration makes clients send secrets: redacted from the traffic log. */
  secrets?(config: z.output<C>): SecretNames;
  /** The upstreams this configuration forwards to (load-balance): a route naming none is proxied to these. */
  upstreams?(config: z.output<C>): string[];
  /** A short description of one configuration, for the log: "100/1m by consumer". */
  describe?(config: z.output<C>): string;
  /** Runs when a route is compiled; the handlers it returns run per request and should not allocate needlessly. */
  create(config: z.output<C>, services: PolicyServices, instance: PolicyInstance): PolicyHandlers | RequestHandler;
}

export function definePolicy<C extends z.ZodType>(definition: PolicyDefinition<C>): PolicyDefinition<C> {
  return definition;
}
