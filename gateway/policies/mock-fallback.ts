import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';

export const config = z.object({}).strict();

/**
 * When the upstream fails (every attempt, with retry) or no upstream is healthy (load-balance), the request is
 * answered from the design's mock instead, and the log says so. Only requests without a body fall back: a body
 * already streamed to a failed upstream cannot be read again.
 */
export default definePolicy({
  id: 'mock-fallback',
  title: 'Mock fallback',
  description: 'Answers from the mock when the upstream fails or none is healthy; flagged in the log.',
  phase: 'request',
  config,
  example: {},
  create: (_cfg, _services, instance) => {
    const by = { id: 'mock-fallback', ...(instance.name !== undefined && { name: instance.name }), reason: `mock-fallback${instance.name ? ` ${instance.name}` : ''}` };
    return (ctx) => {
      ctx.upstreamPlan().mockFallback = by;
      return ctx.next();
    };
  },
});
