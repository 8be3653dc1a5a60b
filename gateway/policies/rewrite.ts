import { z } from 'zod';
import { definePolicy, type PolicyContext } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';

const regex = z.string().refine((text) => {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}, 'a regular expression (JavaScript syntax)');

export const config = z
  .object({
    path: z
      .object({
        from: regex.describe('Matched against the normalised path, e.g. ^/v1/(.*)$ or ^/users/(?<id>[^/]+)$.'),
        to: z.string().regex(/^\/[\x21-\x7e]*$/, 'a path starting with / (no spaces)').refine((to) => !to.includes('#'), 'no fragment').describe('Replacement: $1..$9 and $<name> are the captures; $$ is a dollar sign.'),
      })
      .strict()
      .optional()
      .describe('Path rewrite; a path that does not match is sent as it is.'),
    query: z
      .object({
        set: z.record(z.string().min(1), z.string()).optional().describe('Parameters set (replacing any); values may use the path captures ($1, $<name>).'),
        remove: z.array(z.string().min(1)).optional().describe('Parameters removed.'),
        rename: z.record(z.string().min(1), z.string().min(1)).optional().describe('Parameters renamed: { old: new }.'),
      })
      .strict()
      .optional()
      .describe('Query changes, applied after the path rewrite.'),
  })
  .strict()
  .refine((cfg) => cfg.path !== undefined || cfg.query !== undefined, 'give path, query, or both');

/** `$1`, `$<name>`, `$$` in `template`, from `match`. */
function substitute(template: string, match: RegExpExecArray | null): string {
  return template.replace(/\$(\$|\d|<([A-Za-z_][A-Za-z0-9_]*)>)/g, (_, token: string, name: string | undefined) => {
    if (token === '$') return '$';
    if (!match) return '';
    return (name !== undefined ? match.groups?.[name] : match[Number(token)]) ?? '';
  });
}

/**
 * Rewrites the path and query sent to the upstream, with regular-expression captures. Routing, policies and the log
 * see the request as the client sent it; only the upstream sees the rewritten target.
 */
export default definePolicy({
  id: 'rewrite',
  title: 'Rewrite',
  description: 'Rewrites the path (regular expression with captures) and query sent to the upstream.',
  phase: 'request',
  config,
  example: { path: { from: '^/v1/(.*)$', to: '/api/$1' }, query: { set: { source: 'portico' }, remove: ['debug'] } },
  describe: (cfg) => [cfg.path && `${cfg.path.from} → ${cfg.path.to}`, cfg.query && 'query'].filter(Boolean).join(', '),
  create: (cfg) => {
    const from = cfg.path ? new RegExp(cfg.path.from) : undefined;
    const to = cfg.path?.to;
    const query = cfg.query;
    const invalid = problem(500, 'rewrite-failed', 'Internal Server Error', 'The gateway could not rewrite this request.');
    return (ctx: PolicyContext) => {
      const match = from ? from.exec(ctx.request.path) : null;
      const path = match && to !== undefined ? substitute(to, match) : ctx.request.path;
      let rawQuery = ctx.request.rawQuery;
      if (query) {
        const params = new URLSearchParams(rawQuery);
        for (const name of query.remove ?? []) params.delete(name);
        for (const [old, renamed] of Object.entries(query.rename ?? {})) {
          const values = params.getAll(old);
          if (values.length === 0) continue;
          params.delete(old);
          params.delete(renamed);
          for (const value of values) params.append(renamed, value);
        }
        for (const [name, value] of Object.entries(query.set ?? {})) params.set(name, substitute(value, match));
        rawQuery = params.toString();
      }
      try {
        ctx.setUpstreamTarget(path, rawQuery);
      } catch (error) {
        return ctx.problem(invalid, { reason: (error as Error).message });
      }
      return ctx.next();
    };
  },
});
