import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';
import { size } from '../pipeline/units.js';

export const config = z
  .object({
    max: size.describe('Largest request body accepted, e.g. 1kb, 10mb.'),
  })
  .strict();

/**
 * Refuses large request bodies with 413 before reading them: a declared Content-Length over the cap is refused at once;
 * a chunked body is counted as it streams and cut off with 413 as soon as it passes the cap.
 */
export default definePolicy({
  id: 'request-size-limit',
  title: 'Request size limit',
  description: 'Answers 413 to request bodies larger than `max`, before reading them (chunked bodies: as soon as they pass it).',
  phase: 'request',
  config,
  example: { max: '1kb' },
  describe: (cfg) => `max ${cfg.max} bytes`,
  create: (cfg, _services, instance) => {
    const tooLarge = problem(413, 'body-too-large', 'Content Too Large', `The request body exceeds the limit of ${cfg.max} bytes.`);
    // The unread body must not be parsed as the next request: the connection closes after the answer.
    const headers = { connection: 'close' };
    const label = `request-size-limit${instance.name ? ` ${instance.name}` : ''} (max ${cfg.max} bytes)`;
    const streaming = { id: 'request-size-limit', ...(instance.name !== undefined && { name: instance.name }), reason: `${label}: chunked body passed ${cfg.max} bytes` };
    return (ctx) => {
      const declared = ctx.request.headers['content-length'];
      if (declared !== undefined && Number(declared) > cfg.max) {
        return ctx.problem(tooLarge, { headers, reason: `Content-Length ${declared} exceeds ${cfg.max} bytes` });
      }
      if (ctx.request.headers['transfer-encoding'] !== undefined) ctx.limitRequestBody(cfg.max, streaming);
      return ctx.next();
    };
  },
});
