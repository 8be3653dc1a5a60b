import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';
import { duration } from '../pipeline/units.js';

export const config = z
  .object({
    response: duration
      .refine((ms) => ms > 0, 'a positive duration')
      .describe("Time the upstream has for its response headers (and the longest silence while it streams); 504 beyond. Replaces the upstream's own timeout for this route."),
  })
  .strict();

/** A per-route upstream timeout: each attempt gets `response`; a late upstream is answered with a 504 problem naming this policy in the log. */
export default definePolicy({
  id: 'timeout',
  title: 'Timeout',
  description: "Gives the upstream a per-route time limit for its response; 504 beyond it. Applies to proxied routes.",
  phase: 'request',
  config,
  example: { response: '5s' },
  describe: (cfg) => `${cfg.response}ms`,
  create: (cfg, _services, instance) => {
    const by = { id: 'timeout', ...(instance.name !== undefined && { name: instance.name }), reason: `timeout${instance.name ? ` ${instance.name}` : ''} (${cfg.response}ms): the upstream did not answer in time` };
    return (ctx) => {
      const plan = ctx.upstreamPlan();
      plan.timeoutMs = cfg.response;
      plan.timeoutBy = by;
      return ctx.next();
    };
  },
});
