import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';

export const config = z.object({}).strict();

const TITLES = { 400: 'Bad Request', 415: 'Unsupported Media Type', 422: 'Unprocessable Content' } as const;

/**
 * The mock mode's request validation, on any route (proxied too): parameters and body against the operation,
 * OpenAPI 3.0 or 3.1 semantics. 400 for parameters and unparseable JSON, 415 for a Content-Type the operation does
 * not accept, 422 for a body that breaks its schema; every violation with its JSON pointer. The body is read whole
 * (up to x-portico.limits.body) before the request goes on.
 */
export default definePolicy({
  id: 'validate-request',
  title: 'Validate request',
  description: 'Checks parameters and body against the design before forwarding: 400/415/422 problems listing every violation with its JSON pointer.',
  phase: 'request',
  config,
  example: {},
  create: () => ({
    requestBody: (ctx) => {
      const verdict = ctx.validateRequest();
      if (verdict.ok) return ctx.next();
      const count = verdict.errors.length;
      return ctx.problem(
        problem(verdict.status, 'invalid-request', TITLES[verdict.status], `The request does not match the design: ${count} violation${count === 1 ? '' : 's'}.`, { errors: verdict.errors }),
        { reason: verdict.errors.map((e) => `${e.in}${e.name ? ' ' + e.name : ''}${e.pointer}: ${e.message}`).join('; ') },
      );
    },
  }),
});
