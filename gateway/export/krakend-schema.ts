import { z } from 'zod';

/**
 * A strict model of the part of KrakenD's configuration (version 3, Community Edition) the export writes, from
 * KrakenD's documentation, with field names, types and constraints checked against its published JSON schemas
 * (krakend/krakend-schema, v2.7: `qos/ratelimit/router.json`, `auth/validator.json`, ...; read, not vendored): root,
 * endpoint, backend and the namespaces used. Unknown fields are errors (stricter than KrakenD's own schemas).
 */

const duration = z.string().regex(/^(\d+(h|m|s|ms|us|ns))+$/, 'a Go duration such as 3s, 1m, 500ms');
const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);

const rateLimitRouter = z
  .object({
    max_rate: z.number().min(0).optional(),
    capacity: z.number().int().min(0).optional(),
    client_max_rate: z.number().min(0).optional(),
    client_capacity: z.number().int().min(0).optional(),
    every: duration.optional(),
    strategy: z.enum(['ip', 'header', 'param']).optional(),
    key: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => c.max_rate !== undefined || c.client_max_rate !== undefined, 'max_rate or client_max_rate')
  .refine((c) => c.strategy === undefined || c.strategy === 'ip' || c.key !== undefined, 'strategy header and param need a key');

const validator = z
  .object({
    alg: z.enum(['EdDSA', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512']),
    jwk_url: z.string().url().optional(),
    jwk_local_path: z.string().min(1).optional(),
    audience: z.array(z.string()).optional(),
    issuer: z.string().optional(),
    roles: z.array(z.string()).optional(),
    roles_key: z.string().optional(),
    cache: z.boolean().optional(),
    cache_duration: z.number().int().optional(),
    cookie_key: z.string().optional(),
    auth_header_name: z.string().optional(),
    disable_jwk_security: z.boolean().optional(),
    propagate_claims: z.array(z.tuple([z.string(), z.string()])).optional(),
    leeway: duration.optional(),
    operation_debug: z.boolean().optional(),
  })
  .strict()
  .refine((v) => (v.jwk_url === undefined) !== (v.jwk_local_path === undefined), 'exactly one of jwk_url, jwk_local_path')
  .refine((v) => !v.jwk_url?.startsWith('http:') || v.disable_jwk_security === true, 'an http jwk_url needs disable_jwk_security');

const cors = z
  .object({
    allow_origins: z.array(z.string()).optional(),
    allow_methods: z.array(method).optional(),
    allow_headers: z.array(z.string()).optional(),
    expose_headers: z.array(z.string()).optional(),
    allow_credentials: z.boolean().optional(),
    max_age: duration.optional(),
    debug: z.boolean().optional(),
  })
  .strict();

const martianModifier: z.ZodType = z.union([
  z.object({ 'header.Modifier': z.object({ scope: z.array(z.enum(['request', 'response'])).min(1), name: z.string().min(1), value: z.string() }).strict() }).strict(),
  z.object({ 'header.Blacklist': z.object({ scope: z.array(z.enum(['request', 'response'])).min(1), names: z.array(z.string().min(1)).min(1) }).strict() }).strict(),
]);
const martian = z
  .object({ 'fifo.Group': z.object({ scope: z.array(z.enum(['request', 'response'])).min(1), aggregateErrors: z.boolean().optional(), modifiers: z.array(martianModifier).min(1) }).strict() })
  .strict();

export const krakendBackend = z
  .object({
    url_pattern: z.string().regex(/^\//),
    host: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'scheme://host[:port]')).min(1),
    method: method.optional(),
    encoding: z.enum(['json', 'safejson', 'xml', 'rss', 'string', 'no-op']).optional(),
    extra_config: z.object({ 'modifier/martian': martian.optional(), 'qos/http-cache': z.object({ shared: z.boolean().optional() }).strict().optional() }).strict().optional(),
  })
  .strict();

export const krakendEndpoint = z
  .object({
    endpoint: z.string().regex(/^\/[^?#]*$/),
    method,
    output_encoding: z.enum(['json', 'json-collection', 'yaml', 'xml', 'negotiate', 'string', 'no-op']).optional(),
    input_headers: z.array(z.string()).optional(),
    input_query_strings: z.array(z.string()).optional(),
    timeout: duration.optional(),
    extra_config: z.object({ 'qos/ratelimit/router': rateLimitRouter.optional(), 'auth/validator': validator.optional() }).strict().optional(),
    backend: z.array(krakendBackend).min(1),
  })
  .strict()
  .refine((e) => e.output_encoding !== 'no-op' || e.backend.length === 1, 'a no-op endpoint has exactly one backend')
  .refine((e) => e.output_encoding !== 'no-op' || e.backend.every((b) => b.encoding === 'no-op'), 'a no-op endpoint needs no-op backends');

export const krakendConfig = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(3),
    name: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    timeout: duration.optional(),
    extra_config: z.object({ 'security/cors': cors.optional() }).strict().optional(),
    endpoints: z.array(krakendEndpoint),
  })
  .strict()
  .refine((c) => new Set(c.endpoints.map((e) => `${e.method} ${e.endpoint}`)).size === c.endpoints.length, 'each endpoint and method once');
