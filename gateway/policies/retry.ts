import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';
import { duration } from '../pipeline/units.js';

/** RFC 9110 §9.2.2: the methods whose repetition has the effect of one request. POST and PATCH are never retried. */
const IDEMPOTENT = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'] as const;

export const config = z
  .object({
    retries: z.number().int().min(1).max(10).default(2).describe('Attempts after the first.'),
    backoff: duration.default(100).describe('Wait before the first retry; doubled for each next one, with jitter (50–100% of it).'),
    maxBackoff: duration.default(2_000).describe('Longest wait between attempts.'),
    statuses: z.array(z.number().int().min(500).max(599)).default([502, 503, 504]).describe('Upstream statuses that count as a failed attempt (connection failures and timeouts always do).'),
    methods: z.array(z.enum(IDEMPOTENT)).min(1).default([...IDEMPOTENT]).describe('Methods retried; only idempotent methods can be listed.'),
  })
  .strict();

/**
 * Retries failed upstream attempts of idempotent requests, with exponential backoff and jitter. An attempt fails when
 * the upstream cannot be reached, resets or times out before its response, or answers one of `statuses`. Nothing is
 * retried once the response has started to reach the client. A request body is held in memory to be sent again when
 * its Content-Length is within the body limit; a larger or chunked body streams and its request is not retried.
 */
export default definePolicy({
  id: 'retry',
  title: 'Retry',
  description: 'Retries idempotent requests whose upstream attempt failed before the response started, with exponential backoff.',
  phase: 'request',
  replaysRequest: true,
  config,
  example: { retries: 2, backoff: '100ms', statuses: [502, 503] },
  describe: (cfg) => `${cfg.retries} retries, backoff ${cfg.backoff}ms`,
  create: (cfg, services) => {
    const random = services.random ?? Math.random;
    const methods = new Set<string>(cfg.methods);
    const statuses = new Set(cfg.statuses);
    const backoff = (retry: number) => Math.round(Math.min(cfg.maxBackoff, cfg.backoff * 2 ** (retry - 1)) * (0.5 + random() / 2));
    return (ctx) => {
      if (!methods.has(ctx.request.method)) return ctx.next();
      const plan = ctx.upstreamPlan();
      plan.retries = cfg.retries;
      plan.backoff = backoff;
      plan.retryStatuses = statuses;
      return ctx.next();
    };
  },
});
