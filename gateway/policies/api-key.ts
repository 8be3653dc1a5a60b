import { z } from 'zod';
import { definePolicy, type PolicyContext } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';

export const config = z
  .object({
    in: z.enum(['header', 'query', 'cookie']).default('header').describe('Where the client sends the key.'),
    name: z.string().min(1).default('X-API-Key').describe('Header, query parameter or cookie name.'),
  })
  .strict();

/** Key authentication against the workspace's consumers (`portico consumers add`); sets the consumer. */
export default definePolicy({
  id: 'api-key',
  title: 'API key',
  description: 'Requires a key issued to a consumer, in a header, query parameter or cookie.',
  phase: 'request',
  config,
  example: { in: 'header', name: 'X-API-Key' },
  describe: (cfg) => `${cfg.in} ${cfg.name}`,
  secrets: (cfg) => (cfg.in === 'header' ? { headers: [cfg.name] } : cfg.in === 'query' ? { query: [cfg.name] } : {}),
  create: (cfg, { consumers }) => {
    const headerName = cfg.name.toLowerCase();
    const missing = problem(401, 'unauthorized', 'Unauthorized', `An API key is required in the ${cfg.in} "${cfg.name}".`);
    const invalid = problem(401, 'unauthorized', 'Unauthorized', 'The API key is not valid.');

    return (ctx) => {
      const key = readKey(ctx, cfg.in, cfg.name, headerName);
      if (key === undefined || key === '') return ctx.problem(missing, { reason: `no API key in ${cfg.in} ${cfg.name}` });
      const consumer = consumers.findByKey(key);
      if (consumer === undefined) return ctx.problem(invalid, { reason: `unknown API key in ${cfg.in} ${cfg.name}` });
      ctx.consumer = consumer;
      return ctx.next();
    };
  },
});

function readKey(ctx: PolicyContext, where: 'header' | 'query' | 'cookie', name: string, headerName: string): string | undefined {
  if (where === 'query') return ctx.query().get(name) ?? undefined;
  if (where === 'header') {
    const value = ctx.request.headers[headerName];
    // Two copies of the key header are ambiguous: refuse rather than guess which one a backend would read.
    return Array.isArray(value) ? undefined : value;
  }
  const cookie = ctx.request.headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
