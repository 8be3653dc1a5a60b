import { z } from 'zod';
import { definePolicy, type ContractViolation } from '../pipeline/policy.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../pipeline/problem.js';

export const config = z
  .object({
    enforce: z.boolean().default(false).describe('Replace a response that breaks the design with a 502 problem listing the violations.'),
    header: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name').default('X-Contract-Violations').describe('Response header that reports violations (their count and the first).'),
  })
  .strict();

const UNSAFE = /[^\t\x20-\x7e]/g;
const describe = (v: ContractViolation) => `${v.in}${v.name ? ' ' + v.name : ''}${v.pointer}: ${v.message}`;

/**
 * Checks the upstream's responses against the design (status, Content-Type, required headers and header values, JSON body schema),
 * so QA sees where the upstream breaks the contract: violations go to the log and a response header; with
 * `enforce`, the client gets a 502 problem instead. The upstream is asked for uncompressed responses so that they
 * can be read; bodies over the body limit stream unchecked.
 */
export default definePolicy({
  id: 'validate-response',
  title: 'Validate response',
  description: "Checks the upstream's responses against the design; violations go to the log and a response header, or become a 502 with enforce.",
  phase: 'both',
  config,
  example: { enforce: false },
  describe: (cfg) => (cfg.enforce ? 'enforce' : 'report'),
  create: (cfg, _services, instance) => {
    const header = cfg.header.toLowerCase();
    const id = { id: 'validate-response', ...(instance.name !== undefined && { name: instance.name }) };
    const label = `validate-response${instance.name ? ` ${instance.name}` : ''}`;
    return {
      request: (ctx) => {
        // A compressed body cannot be checked: ask for identity.
        if (ctx.request.headers['accept-encoding'] !== undefined) ctx.setRequestHeader('accept-encoding', undefined);
        return ctx.next();
      },
      responseBody: (ctx) => {
        if (ctx.source !== 'upstream') return;
        const encoding = ctx.headers['content-encoding'];
        if (encoding !== undefined && encoding !== 'identity') {
          ctx.report({ ...id, reason: `${label}: not checked (Content-Encoding ${String(encoding)})` });
          return;
        }
        const violations = ctx.validateResponse();
        if (violations.length === 0) return;
        const summary = violations.map(describe).join('; ');
        ctx.report({ ...id, reason: `${label}: ${violations.length} violation${violations.length === 1 ? '' : 's'} of the design in the upstream's ${ctx.status} response: ${summary}` });
        if (cfg.enforce) {
          const value = problem(502, 'contract-violation', 'Bad Gateway', `The upstream's response does not match the design: ${violations.length} violation${violations.length === 1 ? '' : 's'}.`, { upstreamStatus: ctx.status, errors: violations });
          for (const name of Object.keys(ctx.headers)) delete ctx.headers[name];
          ctx.headers['content-type'] = PROBLEM_CONTENT_TYPE;
          ctx.headers['cache-control'] = 'no-store';
          ctx.status = 502;
          ctx.body = Buffer.from(JSON.stringify(value));
          return;
        }
        ctx.headers[header] = `${violations.length}; ${describe(violations[0]!)}`.replace(UNSAFE, '?').slice(0, 300);
      },
    };
  },
});
