import { z } from 'zod';
import { definePolicy, type PolicyContext } from '../pipeline/policy.js';
import { duration } from '../pipeline/units.js';

export const config = z
  .object({
    origins: z
      .array(z.string().min(1))
      .min(1)
      .describe('Allowed origins: exact (https://app.example.com), with a wildcard label (https://*.example.com), or "*".'),
    credentials: z.boolean().default(false).describe('Allow cookies and Authorization; the origin is then echoed, never "*".'),
    methods: z.array(z.string()).optional().describe('Methods allowed in preflight; default: the one requested.'),
    headers: z.array(z.string()).optional().describe('Request headers allowed in preflight; default: those requested.'),
    exposeHeaders: z.array(z.string()).optional().describe('Response headers scripts may read.'),
    maxAge: duration.optional().describe('How long browsers may cache a preflight answer.'),
  })
  .strict();

type Config = z.output<typeof config>;

/** Cross-origin resource sharing: answers preflight itself and labels actual responses; unknown origins get no CORS headers. */
export default definePolicy({
  id: 'cors',
  title: 'CORS',
  description: 'Answers CORS preflight requests and adds CORS headers for allowed origins.',
  phase: 'request',
  preflight: true,
  config,
  example: { origins: ['https://app.example.com'], credentials: true, maxAge: '10m' },
  describe: (cfg) => cfg.origins.join(' '),
  create: (cfg) => {
    const allowed = originMatcher(cfg.origins);
    const anyOrigin = cfg.origins.includes('*') && !cfg.credentials;
    const methods = cfg.methods?.map((m) => m.toUpperCase()).join(', ');
    const headers = cfg.headers?.join(', ');
    const expose = cfg.exposeHeaders?.join(', ');
    const maxAge = cfg.maxAge === undefined ? undefined : String(Math.floor(cfg.maxAge / 1000));

    return (ctx) => {
      const origin = ctx.request.headers.origin;
      if (!ctx.preflight) {
        ctx.addResponseHeader('Vary', 'Origin');
        if (origin !== undefined && allowed(origin)) labelActual(ctx, origin);
        return ctx.next();
      }
      const vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
      if (origin === undefined || !allowed(origin)) {
        return ctx.reply(204, undefined, { headers: { vary }, reason: `CORS preflight from origin ${origin ?? '(none)'} not allowed` });
      }
      const requestedHeaders = ctx.request.headers['access-control-request-headers'];
      const reply: Record<string, string> = {
        vary,
        'access-control-allow-origin': anyOrigin ? '*' : origin,
        'access-control-allow-methods': methods ?? String(ctx.request.headers['access-control-request-method'] ?? ctx.route.method),
      };
      const allowHeaders = headers ?? requestedHeaders;
      if (allowHeaders) reply['access-control-allow-headers'] = allowHeaders;
      if (cfg.credentials) reply['access-control-allow-credentials'] = 'true';
      if (maxAge !== undefined) reply['access-control-max-age'] = maxAge;
      return ctx.reply(204, undefined, { headers: reply, reason: `CORS preflight from ${origin}` });
    };

    function labelActual(ctx: PolicyContext, origin: string): void {
      ctx.addResponseHeader('Access-Control-Allow-Origin', anyOrigin ? '*' : origin);
      if (cfg.credentials) ctx.addResponseHeader('Access-Control-Allow-Credentials', 'true');
      if (expose) ctx.addResponseHeader('Access-Control-Expose-Headers', expose);
    }
  },
});

function originMatcher(origins: Config['origins']): (origin: string) => boolean {
  if (origins.includes('*')) return () => true;
  const exact = new Set(origins.filter((o) => !o.includes('*')).map((o) => o.toLowerCase()));
  const patterns = origins
    .filter((o) => o.includes('*'))
    .map((o) => new RegExp('^' + o.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[a-z0-9-]+') + '$'));
  return (origin) => {
    const lower = origin.toLowerCase();
    return exact.has(lower) || patterns.some((p) => p.test(lower));
  };
}
