import { z } from 'zod';
import { definePolicy, NEXT, type Outcome } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';
import { duration } from '../pipeline/units.js';

export const config = z
  .object({
    delay: z
      .union([duration, z.object({ min: duration, max: duration }).strict()])
      .optional()
      .describe('Latency added before the request goes on: fixed (250ms) or random between min and max ({ min: 100ms, max: 2s }).'),
    errorRate: z.number().min(0).max(1).optional().describe('Share of requests answered with `status` instead, from 0 to 1.'),
    status: z.number().int().min(400).max(599).default(500).describe('Status of the injected errors.'),
  })
  .strict()
  .refine((cfg) => typeof cfg.delay !== 'object' || cfg.delay.min <= cfg.delay.max, { message: 'delay.min must not exceed delay.max', path: ['delay'] })
  .refine((cfg) => cfg.delay !== undefined || cfg.errorRate !== undefined, 'give delay, errorRate, or both');

/** Chaos testing: added latency and injected errors, decided per request. */
export default definePolicy({
  id: 'fault',
  title: 'Fault injection',
  description: 'Adds latency (fixed or random) and answers a share of requests with an error status, for chaos testing.',
  phase: 'request',
  config,
  example: { delay: { min: '100ms', max: '2s' }, errorRate: 0.1, status: 503 },
  describe: (cfg) =>
    [
      cfg.delay !== undefined && (typeof cfg.delay === 'number' ? `delay ${cfg.delay}ms` : `delay ${cfg.delay.min}-${cfg.delay.max}ms`),
      cfg.errorRate !== undefined && `${cfg.errorRate * 100}% ${cfg.status}`,
    ]
      .filter(Boolean)
      .join(', '),
  create: (cfg, services) => {
    const random = services.random ?? Math.random;
    const injected = problem(cfg.status, 'fault-injected', 'Injected Fault', 'This error was injected by the fault policy.');
    const errorRate = cfg.errorRate ?? 0;
    const delay = cfg.delay;
    return (ctx) => {
      const fail = errorRate > 0 && random() < errorRate;
      const outcome: Outcome = fail ? ctx.problem(injected, { reason: `injected ${cfg.status} (error rate ${errorRate})` }) : NEXT;
      if (delay === undefined) return outcome;
      const ms = typeof delay === 'number' ? delay : delay.min + Math.round(random() * (delay.max - delay.min));
      if (ms === 0) return outcome;
      return new Promise<Outcome>((resolve) => setTimeout(resolve, ms, outcome));
    };
  },
});
