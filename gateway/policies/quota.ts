import { z } from 'zod';
import { MemoryQuotaCounters } from '../pipeline/counters.js';
import { definePolicy } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';

export const config = z
  .object({
    limit: z.number().int().positive().describe('Requests allowed per period.'),
    period: z.enum(['day', 'month']).default('day').describe('Calendar period, in UTC: the count resets at midnight or on the 1st.'),
    by: z.enum(['consumer', 'ip']).default('consumer').describe('Count per consumer (the address when anonymous), or per client address.'),
  })
  .strict();

/**
 * Request quotas per consumer per UTC day or month. Counts are kept in the workspace data (quotas.db), so a restart
 * does not reset them. Beyond the quota: 429 with Retry-After and the reset time.
 */
export default definePolicy({
  id: 'quota',
  title: 'Quota',
  description: 'Limits requests per consumer per day or month, counted persistently; 429 with the reset time beyond it.',
  phase: 'request',
  config,
  example: { limit: 10000, period: 'month', by: 'consumer' },
  describe: (cfg) => `${cfg.limit}/${cfg.period} by ${cfg.by}`,
  create: (cfg, services, instance) => {
    const quotas = services.quotas ?? new MemoryQuotaCounters();
    const limit = String(cfg.limit);
    const summary = `${cfg.limit}/${cfg.period} by ${cfg.by}`;
    const prefix = `${instance.key}|`;
    return (ctx) => {
      const at = services.now();
      const { count, resetAt } = quotas.hit(prefix + ctx.clientKey(cfg.by), cfg.period, at);
      const reset = String(Math.max(1, Math.ceil((resetAt - at) / 1000)));
      ctx.addResponseHeader('X-Quota-Limit', limit);
      ctx.addResponseHeader('X-Quota-Remaining', String(Math.max(0, cfg.limit - count)));
      ctx.addResponseHeader('X-Quota-Reset', new Date(resetAt).toISOString());
      if (count <= cfg.limit) return ctx.next();
      const resetsAt = new Date(resetAt).toISOString();
      return ctx.problem(
        problem(429, 'quota-exceeded', 'Too Many Requests', `The quota of ${summary} is used up; it resets at ${resetsAt}.`, { resetsAt }),
        { headers: { 'retry-after': reset }, reason: `quota ${summary} exceeded for ${ctx.clientKey(cfg.by)}` },
      );
    };
  },
});
