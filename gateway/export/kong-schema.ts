import { z } from 'zod';

/**
 * A strict model of the part of Kong's declarative configuration (decK, `_format_version: "3.0"`) that the export
 * writes and the import reads, from Kong's documentation of each entity and bundled plugin (Kong Gateway 3.x).
 * Strict: an unknown field, a wrong type or a value out of range is an error, so a typo in the export fails its tests
 * instead of a `deck gateway sync`. Fields are the documented ones; defaults are Kong's and so are left out here.
 */

const name = z.string().regex(/^[A-Za-z0-9._~-]+$/, 'a Kong name: letters, digits, . _ ~ -');
const ms = z.number().int().min(1).max(2 ** 31 - 2);
const headerList = z.array(z.string().min(1));
const headerPairs = z.array(z.string().regex(/^[^:]+:.*$/, 'name:value'));

const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;

/** Kong's rate-limiting schema check: limits do not decrease as periods get longer. */
export function periodsInOrder(config: Record<string, unknown>): boolean {
  const limits = PERIODS.map((p) => config[p]).filter((v): v is number => typeof v === 'number');
  return limits.every((v, i) => i === 0 || v >= limits[i - 1]!);
}

const plugins = {
  'key-auth': z
    .object({
      key_names: z.array(z.string().min(1)).min(1),
      key_in_header: z.boolean().optional(),
      key_in_query: z.boolean().optional(),
      key_in_body: z.boolean().optional(),
      hide_credentials: z.boolean().optional(),
      run_on_preflight: z.boolean().optional(),
      anonymous: z.string().optional(),
    })
    .strict(),
  'basic-auth': z.object({ hide_credentials: z.boolean().optional(), anonymous: z.string().optional() }).strict(),
  jwt: z
    .object({
      header_names: z.array(z.string().min(1)).optional(),
      uri_param_names: z.array(z.string().min(1)).optional(),
      cookie_names: z.array(z.string().min(1)).optional(),
      claims_to_verify: z.array(z.enum(['exp', 'nbf'])).optional(),
      key_claim_name: z.string().min(1).optional(),
      secret_is_base64: z.boolean().optional(),
      maximum_expiration: z.number().min(0).max(31536000).optional(),
      run_on_preflight: z.boolean().optional(),
      anonymous: z.string().optional(),
    })
    .strict()
    .refine((c) => !c.maximum_expiration || (c.claims_to_verify ?? []).includes('exp'), 'maximum_expiration needs exp in claims_to_verify'),
  'rate-limiting': z
    .object({
      second: z.number().positive().optional(),
      minute: z.number().positive().optional(),
      hour: z.number().positive().optional(),
      day: z.number().positive().optional(),
      month: z.number().positive().optional(),
      year: z.number().positive().optional(),
      limit_by: z.enum(['consumer', 'credential', 'ip', 'service', 'header', 'path', 'consumer-group']).optional(),
      header_name: z.string().min(1).optional(),
      path: z.string().optional(),
      policy: z.enum(['local', 'cluster', 'redis']).optional(),
      fault_tolerant: z.boolean().optional(),
      hide_client_headers: z.boolean().optional(),
      error_code: z.number().int().optional(),
      error_message: z.string().optional(),
    })
    .strict()
    .refine((c) => ['second', 'minute', 'hour', 'day', 'month', 'year'].some((k) => c[k as keyof typeof c] !== undefined), 'at least one of second, minute, hour, day, month, year')
    .refine((c) => c.limit_by !== 'header' || c.header_name !== undefined, 'limit_by header needs header_name')
    .refine((c) => periodsInOrder(c as Record<string, unknown>), 'a longer period cannot have a lower limit than a shorter one (Kong refuses minute: 100, hour: 50)'),
  cors: z
    .object({
      origins: z.array(z.string().min(1)).optional(),
      methods: z.array(z.enum(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'])).optional(),
      headers: headerList.optional(),
      exposed_headers: headerList.optional(),
      credentials: z.boolean().optional(),
      max_age: z.number().optional(),
      preflight_continue: z.boolean().optional(),
      private_network: z.boolean().optional(),
    })
    .strict(),
  'request-size-limiting': z
    .object({ allowed_payload_size: z.number().int().min(0), size_unit: z.enum(['megabytes', 'kilobytes', 'bytes']).optional(), require_content_length: z.boolean().optional() })
    .strict(),
  'ip-restriction': z
    .object({ allow: z.array(z.string().min(1)).optional(), deny: z.array(z.string().min(1)).optional(), status: z.number().int().optional(), message: z.string().optional() })
    .strict()
    .refine((c) => c.allow !== undefined || c.deny !== undefined, 'allow or deny'),
  'request-transformer': z
    .object({
      http_method: z.string().optional(),
      remove: z.object({ headers: headerList.optional(), querystring: headerList.optional(), body: headerList.optional() }).strict().optional(),
      rename: z.object({ headers: headerPairs.optional(), querystring: headerPairs.optional(), body: headerPairs.optional() }).strict().optional(),
      replace: z.object({ headers: headerPairs.optional(), querystring: headerPairs.optional(), body: headerPairs.optional(), uri: z.string().optional() }).strict().optional(),
      add: z.object({ headers: headerPairs.optional(), querystring: headerPairs.optional(), body: headerPairs.optional() }).strict().optional(),
      append: z.object({ headers: headerPairs.optional(), querystring: headerPairs.optional(), body: headerPairs.optional() }).strict().optional(),
    })
    .strict(),
  'response-transformer': z
    .object({
      remove: z.object({ headers: headerList.optional(), json: headerList.optional() }).strict().optional(),
      rename: z.object({ headers: headerPairs.optional(), json: headerPairs.optional() }).strict().optional(),
      replace: z.object({ headers: headerPairs.optional(), json: headerPairs.optional() }).strict().optional(),
      add: z.object({ headers: headerPairs.optional(), json: headerPairs.optional() }).strict().optional(),
      append: z.object({ headers: headerPairs.optional(), json: headerPairs.optional() }).strict().optional(),
    })
    .strict(),
  'proxy-cache': z
    .object({
      strategy: z.enum(['memory']),
      cache_ttl: z.number().int().positive().optional(),
      request_method: z.array(z.enum(['HEAD', 'GET', 'POST', 'PATCH', 'PUT'])).optional(),
      response_code: z.array(z.number().int().min(100).max(900)).min(1).optional(),
      content_type: z.array(z.string()).optional(),
      vary_headers: z.array(z.string()).optional(),
      vary_query_params: z.array(z.string()).optional(),
      cache_control: z.boolean().optional(),
    })
    .strict(),
} as const;

export type KongPluginName = keyof typeof plugins;
export const KONG_PLUGINS = Object.keys(plugins) as KongPluginName[];

export const kongPlugin = z.discriminatedUnion(
  'name',
  KONG_PLUGINS.map((id) => z.object({ name: z.literal(id), config: plugins[id], enabled: z.boolean().optional(), tags: z.array(z.string()).optional() }).strict()) as unknown as [
    z.ZodObject<{ name: z.ZodLiteral<KongPluginName>; config: z.ZodType }>,
  ],
);

export const kongRoute = z
  .object({
    name,
    methods: z.array(z.enum(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'])).min(1),
    paths: z.array(z.string().regex(/^(\/|~)/, 'a path starting with / or a regex starting with ~')).min(1),
    strip_path: z.boolean(),
    preserve_host: z.boolean().optional(),
    protocols: z.array(z.enum(['http', 'https'])).optional(),
    plugins: z.array(kongPlugin).optional(),
    tags: z.array(z.string()).optional(),
  })
  .strict();

export const kongService = z
  .object({
    name,
    protocol: z.enum(['http', 'https']),
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    path: z.string().regex(/^\//).optional(),
    retries: z.number().int().min(0).max(32767).optional(),
    connect_timeout: ms.optional(),
    read_timeout: ms.optional(),
    write_timeout: ms.optional(),
    tls_verify: z.boolean().optional(),
    routes: z.array(kongRoute).optional(),
    plugins: z.array(kongPlugin).optional(),
    tags: z.array(z.string()).optional(),
  })
  .strict();

const statuses = z.array(z.number().int().min(100).max(999));
export const kongUpstream = z
  .object({
    name,
    algorithm: z.enum(['round-robin', 'consistent-hashing', 'least-connections', 'latency']).optional(),
    targets: z.array(z.object({ target: z.string().regex(/^[^\s]+:\d+$/, 'host:port'), weight: z.number().int().min(0).max(65535).optional() }).strict()).min(1),
    healthchecks: z
      .object({
        active: z
          .object({
            type: z.enum(['http', 'https', 'tcp', 'grpc', 'grpcs']).optional(),
            http_path: z.string().regex(/^\//).optional(),
            timeout: z.number().min(0).optional(),
            concurrency: z.number().int().min(1).optional(),
            healthy: z.object({ interval: z.number().min(0).optional(), http_statuses: statuses.optional(), successes: z.number().int().min(0).max(255).optional() }).strict().optional(),
            unhealthy: z
              .object({ interval: z.number().min(0).optional(), http_statuses: statuses.optional(), http_failures: z.number().int().min(0).max(255).optional(), tcp_failures: z.number().int().min(0).max(255).optional(), timeouts: z.number().int().min(0).max(255).optional() })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        passive: z
          .object({
            type: z.enum(['http', 'https', 'tcp', 'grpc', 'grpcs']).optional(),
            healthy: z.object({ http_statuses: statuses.optional(), successes: z.number().int().min(0).max(255).optional() }).strict().optional(),
            unhealthy: z
              .object({ http_statuses: statuses.optional(), http_failures: z.number().int().min(0).max(255).optional(), tcp_failures: z.number().int().min(0).max(255).optional(), timeouts: z.number().int().min(0).max(255).optional() })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    tags: z.array(z.string()).optional(),
  })
  .strict();

export const kongConsumer = z.object({ username: z.string().min(1), custom_id: z.string().optional(), tags: z.array(z.string()).optional() }).strict();

export const kongFile = z
  .object({
    _format_version: z.literal('3.0'),
    _info: z.object({ select_tags: z.array(z.string()).optional(), defaults: z.object({}).optional() }).strict().optional(),
    services: z.array(kongService).optional(),
    upstreams: z.array(kongUpstream).optional(),
    consumers: z.array(kongConsumer).optional(),
    plugins: z.array(kongPlugin).optional(),
  })
  .strict();

export type KongFile = z.output<typeof kongFile>;
export type KongService = z.output<typeof kongService>;
export type KongRoute = z.output<typeof kongRoute>;
export type KongUpstream = z.output<typeof kongUpstream>;
export interface KongPlugin {
  name: KongPluginName;
  config: Record<string, unknown>;
}
