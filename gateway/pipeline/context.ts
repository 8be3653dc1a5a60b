import type { OutgoingHttpHeaders } from 'node:http';
import { NEXT, type Outcome, type PolicyAttribution, type PolicyContext, type PolicyRequest, type Reply, type ReplyOptions, type RequestCheck, type RouteInfo, type UpstreamPlan } from './policy.js';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

/** The per-request context. A class, so that its methods live on the prototype and a request allocates one object. */
export class RequestContext implements PolicyContext {
  consumer: string | undefined = undefined;
  /** Headers policies asked to add to the response; created on first use. */
  responseHeaders: OutgoingHttpHeaders | undefined = undefined;
  /** The request body cap a policy set (request-size-limit), and who set it. */
  requestBodyLimit: { max: number; policy: PolicyAttribution } | undefined = undefined;
  /** Path and query for the upstream, when a policy rewrote them. */
  upstreamTarget: string | undefined = undefined;
  /** How to forward, when a policy shaped it. */
  plan: UpstreamPlan | undefined = undefined;
  /** The body read whole for the request-body phase, and the one to forward when a policy replaced it. */
  body: Buffer | undefined = undefined;
  /** The request's body has been read (or it has none): `requestBody()` is all of it, and the stream is spent. */
  bodyRead = false;
  replacedBody: Buffer | undefined = undefined;
  /** Set by the gateway for the request-body phase: the operation's request validator. */
  validator: (() => RequestCheck) | undefined = undefined;
  private parsedQuery: URLSearchParams | undefined = undefined;

  constructor(
    readonly request: PolicyRequest,
    readonly route: RouteInfo,
    readonly preflight: boolean,
  ) {}

  query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.request.rawQuery));
  }

  addResponseHeader(name: string, value: string): void {
    const headers = (this.responseHeaders ??= {});
    const key = name.toLowerCase();
    const existing = headers[key];
    if (existing === undefined) headers[key] = value;
    else headers[key] = Array.isArray(existing) ? [...existing, value] : [String(existing), value];
  }

  setRequestHeader(name: string, value: string | string[] | undefined): void {
    // The request's header object is Node's own (`req.headers`): what the mock, validation and the proxy read.
    const headers = this.request.headers as Record<string, string | string[] | undefined>;
    const key = name.toLowerCase();
    if (value === undefined) delete headers[key];
    else headers[key] = value;
  }

  limitRequestBody(max: number, policy: PolicyAttribution): void {
    if (this.requestBodyLimit === undefined || max < this.requestBodyLimit.max) this.requestBodyLimit = { max, policy };
  }

  upstreamPlan(): UpstreamPlan {
    return (this.plan ??= {});
  }

  setUpstreamTarget(path: string, rawQuery: string): void {
    if (!path.startsWith('/') || /[^\x21-\x7e]|#/.test(path) || /[^\x21-\x7e]|#/.test(rawQuery)) {
      throw new Error(`invalid upstream target ${JSON.stringify(path + (rawQuery ? '?' + rawQuery : ''))}`);
    }
    this.upstreamTarget = rawQuery === '' ? path : `${path}?${rawQuery}`;
  }

  requestBody(): Buffer | undefined {
    return this.replacedBody ?? this.body;
  }

  setRequestBody(body: Buffer): void {
    this.replacedBody = body;
  }

  validateRequest(): RequestCheck {
    if (!this.validator) throw new Error('validateRequest() is only available in the request-body phase');
    return this.validator();
  }

  clientKey(by: 'ip' | 'consumer'): string {
    return by === 'consumer' && this.consumer !== undefined ? `consumer:${this.consumer}` : `ip:${this.request.clientAddress}`;
  }

  next(): Outcome {
    return NEXT;
  }

  reply(status: number, body?: Buffer | string, options?: ReplyOptions): Reply {
    return {
      status,
      ...(options?.headers && { headers: options.headers }),
      ...(body !== undefined && { body }),
      reason: options?.reason ?? `answered ${status}`,
    };
  }

  problem(value: Problem, options?: ReplyOptions): Reply {
    return {
      status: value.status,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...options?.headers },
      body: JSON.stringify(value),
      reason: options?.reason ?? value.detail ?? value.title,
    };
  }
}
