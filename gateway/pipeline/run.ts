import type { CompiledPolicy } from './compile.js';
import { NEXT, type PolicyContext, type Reply, type ResponseBodyContext, type ResponseContext } from './policy.js';

/** Running a compiled chain: request phase in order until a policy replies; response phase in reverse. */

export interface Answered {
  reply: Reply;
  by: CompiledPolicy;
}

export type ChainResult = typeof NEXT | Answered;

/** How long one policy took on one request (the traffic log's per-policy timings). */
export interface PolicyTiming {
  id: string;
  name?: string;
  ms: number;
}

function timed(timings: PolicyTiming[], policy: CompiledPolicy, start: number): void {
  timings.push(policy.name === undefined ? { id: policy.id, ms: performance.now() - start } : { id: policy.id, name: policy.name, ms: performance.now() - start });
}

/**
 * Synchronous while the policies are: no promise is made for a chain of synchronous policies.
 * `timings` (when the exchange is logged) gets each policy's time, an asynchronous one's until it settled.
 */
export function runRequestPhase(chain: readonly CompiledPolicy[], ctx: PolicyContext, from = 0, timings?: PolicyTiming[]): ChainResult | Promise<ChainResult> {
  for (let i = from; i < chain.length; i++) {
    const policy = chain[i]!;
    if (!policy.request) continue;
    const start = timings ? performance.now() : 0;
    const outcome = policy.request(ctx);
    if (outcome instanceof Promise) {
      return outcome.then((settled) => {
        if (timings) timed(timings, policy, start);
        return settled === NEXT ? runRequestPhase(chain, ctx, i + 1, timings) : { reply: settled, by: policy };
      });
    }
    if (timings) timed(timings, policy, start);
    if (outcome === NEXT) continue;
    return { reply: outcome, by: policy };
  }
  return NEXT;
}

/** The request-body phase: like the request phase, over the policies that look at the body. */
export function runBodyPhase(chain: readonly CompiledPolicy[], ctx: PolicyContext, from = 0, timings?: PolicyTiming[]): ChainResult | Promise<ChainResult> {
  for (let i = from; i < chain.length; i++) {
    const policy = chain[i]!;
    const start = timings ? performance.now() : 0;
    const outcome = policy.requestBody!(ctx);
    if (outcome instanceof Promise) {
      return outcome.then((settled) => {
        if (timings) timed(timings, policy, start);
        return settled === NEXT ? runBodyPhase(chain, ctx, i + 1, timings) : { reply: settled, by: policy };
      });
    }
    if (timings) timed(timings, policy, start);
    if (outcome === NEXT) continue;
    return { reply: outcome, by: policy };
  }
  return NEXT;
}

/** `responseBodyChain` is already reversed at compile time. */
export function runResponseBodyPhase(responseBodyChain: readonly CompiledPolicy[], ctx: ResponseBodyContext): void {
  for (let i = 0; i < responseBodyChain.length; i++) responseBodyChain[i]!.responseBody!(ctx);
}

/** `responseChain` is already reversed at compile time. */
export function runResponsePhase(responseChain: readonly CompiledPolicy[], ctx: ResponseContext): void {
  for (let i = 0; i < responseChain.length; i++) responseChain[i]!.response!(ctx);
}

export { NEXT };
