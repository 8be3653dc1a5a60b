import type { CompiledPolicy } from './compile.js';
import { NEXT, type PolicyContext, type Reply, type ResponseBodyContext, type ResponseContext } from './policy.js';

/** Running a compiled chain: request phase in order until a policy replies; response phase in reverse. */

export interface Answered {
  reply: Reply;
  by: CompiledPolicy;
}

export type ChainResult = typeof NEXT | Answered;

/** Synchronous while the policies are: no promise is made for a chain of synchronous policies. */
export function runRequestPhase(chain: readonly CompiledPolicy[], ctx: PolicyContext, from = 0): ChainResult | Promise<ChainResult> {
  for (let i = from; i < chain.length; i++) {
    const policy = chain[i]!;
    if (!policy.request) continue;
    const outcome = policy.request(ctx);
    if (outcome === NEXT) continue;
    if (outcome instanceof Promise) {
      return outcome.then((settled) => (settled === NEXT ? runRequestPhase(chain, ctx, i + 1) : { reply: settled, by: policy }));
    }
    return { reply: outcome, by: policy };
  }
  return NEXT;
}

/** The request-body phase: like the request phase, over the policies that look at the body. */
export function runBodyPhase(chain: readonly CompiledPolicy[], ctx: PolicyContext, from = 0): ChainResult | Promise<ChainResult> {
  for (let i = from; i < chain.length; i++) {
    const policy = chain[i]!;
    const outcome = policy.requestBody!(ctx);
    if (outcome === NEXT) continue;
    if (outcome instanceof Promise) {
      return outcome.then((settled) => (settled === NEXT ? runBodyPhase(chain, ctx, i + 1) : { reply: settled, by: policy }));
    }
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
