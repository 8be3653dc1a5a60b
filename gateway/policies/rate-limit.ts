import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';
import { duration } from '../pipeline/units.js';

export const config = z
  .object({
    limit: z.number().int().positive().describe('Requests allowed per window.'),
    window: duration.describe('Window length, e.g. 1s, 1m, 1h.'),
    by: z.enum(['ip', 'consumer']).default('ip').describe('Count per client address, or per consumer (address when anonymous).'),
  })
  .strict();

/**
 * Fixed-window rate limit keyed on the socket address or the consumer, never on client-sent headers.
 * Headers follow draft-ietf-httpapi-ratelimit-headers (RateLimit-Limit/Remaining/Reset) plus Retry-After on 429.
 */
export default definePolicy({
  id: 'rate-limit',
  title: 'Rate limit',
  description: 'Limits requests per client address or consumer in a time window; 429 with Retry-After beyond it.',
  phase: 'request',
  config,
  describe: (cfg) => `${cfg.limit}/${formatWindow(cfg.window)} by ${cfg.by}`,
  create: (cfg, { counters, now }, instance) => {
    const limit = String(cfg.limit);
    const summary = `${cfg.limit}/${formatWindow(cfg.window)} by ${cfg.by}`;
    return (ctx) => {
      const at = now();
      const { count, resetAt } = counters.hit(`${instance.key}|${ctx.clientKey(cfg.by)}`, cfg.window, at);
      const reset = String(Math.max(1, Math.ceil((resetAt - at) / 1000)));
      ctx.addResponseHeader('RateLimit-Limit', limit);
      ctx.addResponseHeader('RateLimit-Remaining', String(Math.max(0, cfg.limit - count)));
      ctx.addResponseHeader('RateLimit-Reset', reset);
      if (count <= cfg.limit) return ctx.next();
      return ctx.problem(
        problem(429, 'rate-limited', 'Too Many Requests', `Rate limit of ${summary} exceeded; retry in ${reset} s.`),
        { headers: { 'retry-after': reset }, reason: `rate limit ${summary} exceeded` },
      );
    };
  },
});

function formatWindow(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
