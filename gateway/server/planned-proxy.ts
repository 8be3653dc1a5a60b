import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { UpstreamPlan } from '../pipeline/policy.js';
import type { Failure } from '../proxy/failure.js';
import type { ForwardOptions, ProxyHooks, ProxyOutcome, Upstream } from '../proxy/upstream.js';

/**
 * Forwarding shaped by policies (`ctx.upstreamPlan()`): attempts to upstreams a balancer picks, each with its own
 * timeout; retries (only for requests whose body, if any, was held in memory; only before anything reached the client) after a backoff; and,
 * when no attempt succeeded, the mock. Requests whose policies shaped nothing never come here.
 */

export interface PlannedAnswers {
  /** What the gateway does around the exchange that reaches the client (recording, response policies). */
  hooks: ProxyHooks;
  /** No upstream is healthy (and no mock fallback): answer 503 without forwarding; reports like `onDone`. */
  noUpstream(detail: string): void;
  /** Answer from the mock, flagged in the log with why. Reports like `onDone`. */
  mock(reason: string): void;
}

/** Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 §6.3): it can be sent again. */
function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

export class PlannedForward implements ProxyHooks {
  private attempts = 0;
  private upstream: string | undefined = undefined;
  /** The accepted response's health verdict, reported to the balancer when the exchange ends. */
  private healthy = true;
  private waiting: NodeJS.Timeout | undefined = undefined;
  /** An attempt started and the balancer has not heard how it ended. */
  private inFlight = false;
  private over = false;
  /** The request can be sent again: it has no body, or its body is held in memory. */
  private readonly replayable: boolean;
  private readonly options: ForwardOptions | undefined;

  constructor(
    private readonly plan: UpstreamPlan,
    private readonly routeUpstream: string,
    private readonly upstreams: ReadonlyMap<string, Upstream>,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly path: string,
    private readonly answers: PlannedAnswers,
    maxRequestBody: number | undefined,
    /** The body read whole earlier (request-body phase): it can be sent again. */
    body: Buffer | undefined,
  ) {
    this.replayable = body !== undefined || hasNoBody(req);
    const options: ForwardOptions = {};
    if (plan.timeoutMs !== undefined) options.timeoutMs = plan.timeoutMs;
    if (body !== undefined) options.body = body;
    else if (maxRequestBody !== undefined) options.maxRequestBody = maxRequestBody;
    this.options = options.timeoutMs === undefined && options.maxRequestBody === undefined && options.body === undefined ? undefined : options;
  }

  /** Told each attempt's upstream (the log records the one that answered). */
  onAttempt: ((upstream: string, attempt: number) => void) | undefined = undefined;

  start(): void {
    // The client may leave while the gateway waits between attempts: nobody else would report it then.
    this.res.once('close', () => {
      if (this.waiting === undefined || this.over) return;
      clearTimeout(this.waiting);
      this.waiting = undefined;
      this.end({ status: 499, error: 'the client closed the connection while the gateway waited to retry' });
    });
    this.attempt();
  }

  private attempt(): void {
    this.waiting = undefined;
    const balancer = this.plan.balancer;
    const name = balancer ? balancer.pick(this.attempts > 0 ? this.upstream : undefined) : this.routeUpstream;
    const upstream = name === undefined ? undefined : this.upstreams.get(name);
    if (name === undefined || upstream === undefined) {
      const detail = name === undefined ? 'no upstream is healthy' : `upstream "${name}" is not defined`;
      this.over = true;
      if (this.plan.mockFallback && this.replayable) this.answers.mock(`${this.plan.mockFallback.reason}: ${detail}; answered from the mock`);
      else this.answers.noUpstream(detail);
      return;
    }
    this.attempts += 1;
    this.upstream = name;
    this.healthy = true;
    balancer?.started(name);
    this.inFlight = true;
    this.onAttempt?.(name, this.attempts);
    upstream.forward(this.req, this.res, this.path, this, this.options);
  }

  private canRetry(): boolean {
    return this.replayable && this.attempts <= (this.plan.retries ?? 0) && !this.res.headersSent && !this.res.destroyed;
  }

  private report(ok: boolean): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    this.plan.balancer?.finished(this.upstream!, ok);
  }

  private retry(): void {
    const wait = this.plan.backoff?.(this.attempts) ?? 0;
    this.waiting = setTimeout(() => this.attempt(), wait);
  }

  onFailureBeforeResponse(failure: Failure): boolean {
    if (this.canRetry()) {
      this.report(false);
      this.retry();
      return true;
    }
    if (this.plan.mockFallback && this.replayable && !this.res.destroyed) {
      this.report(false);
      this.over = true;
      this.answers.mock(`${this.plan.mockFallback.reason}: ${failure.detail}${this.attempts > 1 ? ` (after ${this.attempts} attempts)` : ''}; answered from the mock`);
      return true;
    }
    this.healthy = false;
    return false;
  }

  acceptResponse(status: number): boolean {
    const failed = status === 502 || status === 503 || status === 504;
    if (this.plan.retryStatuses?.has(status) && this.canRetry()) {
      this.report(false);
      this.retry();
      return false;
    }
    this.healthy = !failed;
    return true;
  }

  onResponseHeaders(status: number, headers: IncomingHttpHeaders): void {
    this.answers.hooks.onResponseHeaders?.(status, headers);
  }

  onResponseBody(): void {
    this.answers.hooks.onResponseBody?.();
  }

  onDone(outcome: ProxyOutcome): void {
    this.end(outcome);
  }

  private end(outcome: ProxyOutcome): void {
    this.report(this.healthy && outcome.error === undefined);
    this.over = true;
    this.answers.hooks.onDone?.(outcome);
  }
}
