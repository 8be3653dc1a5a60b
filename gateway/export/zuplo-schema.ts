import { z } from 'zod';

/**
 * A strict model of Zuplo's `config/routes.oas.json` route extension and `config/policies.json` as the export writes
 * them, from Zuplo's documentation of routes, the URL forward handler, CORS policies and each built-in policy used,
 * checked field by field against the type declarations published in `@zuplo/runtime` 7.6.4 (`out/types/index.d.ts`:
 * `RateLimitInboundPolicyOptions`, `IpAddressRestrictionInboundPolicyOptions`, `CorsPolicyConfiguration`, ...) and the
 * names its `index.js` exports. The options here are subsets of those types (only what the export writes).
 */

const runtime = z.literal('$import(@zuplo/runtime)');
const policyName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a policy name: lower case letters, digits and -');

const policyOptions = {
  'api-key-inbound': z.object({ allowUnauthenticatedRequests: z.boolean(), authHeader: z.string().optional(), authScheme: z.string().optional(), cacheTtlSeconds: z.number().optional() }).strict(),
  'basic-auth-inbound': z
    .object({ allowUnauthenticatedRequests: z.boolean(), accounts: z.array(z.object({ username: z.string().min(1), password: z.string().regex(/^\$env\([A-Z0-9_]+\)$/, 'a $env(...) reference, never a password'), data: z.object({}).passthrough() }).strict()) })
    .strict(),
  'open-id-jwt-auth-inbound': z
    .object({ allowUnauthenticatedRequests: z.boolean(), jwkUrl: z.string().url().optional(), secret: z.string().regex(/^\$env\([A-Z0-9_]+\)$/, 'a $env(...) reference, never a secret').optional(), issuer: z.string().optional(), audience: z.string().optional() })
    .strict()
    .refine((o) => (o.jwkUrl === undefined) !== (o.secret === undefined), 'jwkUrl or secret'),
  'rate-limit-inbound': z.object({ rateLimitBy: z.enum(['ip', 'user', 'function', 'all']), requestsAllowed: z.number().int().positive(), timeWindowMinutes: z.number().positive() }).strict(),
  'caching-inbound': z
    .object({ expirationSecondsTtl: z.number().int().positive(), cacheHttpMethods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])).optional(), statusCodes: z.array(z.number().int()).optional() })
    .strict(),
  'request-size-limit-inbound': z.object({ maxSizeInBytes: z.number().int().positive() }).strict(),
  'ip-address-restriction-inbound': z
    .object({ allow: z.array(z.string()).min(1).optional(), deny: z.array(z.string()).min(1).optional() })
    .strict()
    .refine((o) => o.allow !== undefined || o.deny !== undefined, 'allow or deny'),
  'set-headers-inbound': z.object({ headers: z.array(z.object({ name: z.string(), value: z.string(), overwrite: z.boolean().optional() }).strict()).min(1) }).strict(),
  'set-headers-outbound': z.object({ headers: z.array(z.object({ name: z.string(), value: z.string(), overwrite: z.boolean().optional() }).strict()).min(1) }).strict(),
  'remove-headers-inbound': z.object({ headers: z.array(z.string()).min(1) }).strict(),
  'remove-headers-outbound': z.object({ headers: z.array(z.string()).min(1) }).strict(),
} as const;

const exportsByType: Record<keyof typeof policyOptions, string> = {
  'api-key-inbound': 'ApiKeyInboundPolicy',
  'basic-auth-inbound': 'BasicAuthInboundPolicy',
  'open-id-jwt-auth-inbound': 'OpenIdJwtInboundPolicy',
  'rate-limit-inbound': 'RateLimitInboundPolicy',
  'caching-inbound': 'CachingInboundPolicy',
  'request-size-limit-inbound': 'RequestSizeLimitInboundPolicy',
  'ip-address-restriction-inbound': 'IpAddressRestrictionInboundPolicy',
  'set-headers-inbound': 'SetHeadersInboundPolicy',
  'set-headers-outbound': 'SetHeadersOutboundPolicy',
  'remove-headers-inbound': 'RemoveHeadersInboundPolicy',
  'remove-headers-outbound': 'RemoveHeadersOutboundPolicy',
};

export const zuploPolicy = z
  .object({ name: policyName, policyType: z.enum(Object.keys(policyOptions) as [keyof typeof policyOptions]), handler: z.object({ export: z.string(), module: runtime, options: z.record(z.string(), z.unknown()) }).strict() })
  .strict()
  .superRefine((p, ctx) => {
    if (p.handler.export !== exportsByType[p.policyType]) ctx.addIssue({ code: 'custom', message: `${p.policyType} is exported as ${exportsByType[p.policyType]}`, path: ['handler', 'export'] });
    const parsed = policyOptions[p.policyType].safeParse(p.handler.options);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['handler', 'options', ...issue.path.map(String)] });
  });

export const zuploCorsPolicy = z
  .object({
    name: policyName,
    allowedOrigins: z.array(z.string().regex(/^(\*|https?:\/\/[^/]+)$/, 'an origin without a trailing /')).min(1),
    allowedMethods: z.array(z.string()).optional(),
    allowedHeaders: z.array(z.string()).optional(),
    exposeHeaders: z.array(z.string()).optional(),
    maxAge: z.number().int().min(0).optional(),
    allowCredentials: z.boolean().optional(),
  })
  .strict();

export const zuploPoliciesFile = z.object({ policies: z.array(zuploPolicy), corsPolicies: z.array(zuploCorsPolicy).optional() }).strict();

const route = z
  .object({
    corsPolicy: z.string().min(1),
    handler: z.object({ export: z.literal('urlForwardHandler'), module: runtime, options: z.object({ baseUrl: z.string().url(), forwardSearch: z.boolean().optional() }).strict() }).strict(),
    policies: z.object({ inbound: z.array(policyName), outbound: z.array(policyName).optional() }).strict(),
  })
  .strict();

export const zuploRoutesFile = z
  .object({
    openapi: z.string().regex(/^3\.[01]\.\d+$/),
    info: z.object({ title: z.string(), version: z.string() }).passthrough(),
    paths: z.record(z.string().regex(/^\//), z.partialRecord(z.enum(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']), z.object({ operationId: z.string().optional(), summary: z.string().optional(), 'x-zuplo-route': route }).strict())),
  })
  .strict();

/** Every policy a route names exists, and so does its CORS policy. */
export function checkZuploReferences(routes: z.output<typeof zuploRoutesFile>, policies: z.output<typeof zuploPoliciesFile>): string[] {
  const names = new Set(policies.policies.map((p) => p.name));
  const cors = new Set(['none', 'anything-goes', ...(policies.corsPolicies ?? []).map((c) => c.name)]);
  const problems: string[] = [];
  for (const [path, item] of Object.entries(routes.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const name of op['x-zuplo-route'].policies.inbound) if (!names.has(name)) problems.push(`${method} ${path}: unknown policy ${name}`);
      if (!cors.has(op['x-zuplo-route'].corsPolicy)) problems.push(`${method} ${path}: unknown CORS policy ${op['x-zuplo-route'].corsPolicy}`);
    }
  }
  return problems;
}
