import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';

export const config = z.object({}).strict();

/**
 * When the upstream fails (every attempt, with retry) or no upstream is healthy (load-balance), the request is
 * answered from the design's mock instead, and the log says so. A request body is held in memory for it when its
 * Content-Length is within the body limit; a larger or chunked body streams to the upstream, and once it has gone to
 * a failed upstream it cannot be read again: such a request gets the failure's problem instead of the mock.
 */
export default definePolicy({
  id: 'mock-fallback',
  title: 'Mock fallback',
  description: 'Answers from the mock when the upstream fails or none is healthy; flagged in the log.',
  phase: 'request',
  replaysRequest: true,
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
