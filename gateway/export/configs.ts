import type { z } from 'zod';
import type { config as apiKey } from '../policies/api-key.js';
import type { config as basicAuth } from '../policies/basic-auth.js';
import type { config as cache } from '../policies/cache.js';
import type { config as cors } from '../policies/cors.js';
import type { config as fault } from '../policies/fault.js';
import type { config as headers } from '../policies/headers.js';
import type { config as ipFilter } from '../policies/ip-filter.js';
import type { config as jwt } from '../policies/jwt.js';
import type { config as loadBalance } from '../policies/load-balance.js';
import type { config as quota } from '../policies/quota.js';
import type { config as rateLimit } from '../policies/rate-limit.js';
import type { config as requestSizeLimit } from '../policies/request-size-limit.js';
import type { config as retry } from '../policies/retry.js';
import type { config as rewrite } from '../policies/rewrite.js';
import type { config as timeout } from '../policies/timeout.js';

/** The parsed (output) configuration of each policy an export maps, by id: the policies' own zod types. */
export interface PolicyConfigs {
  'api-key': z.output<typeof apiKey>;
  'basic-auth': z.output<typeof basicAuth>;
  jwt: z.output<typeof jwt>;
  'rate-limit': z.output<typeof rateLimit>;
  quota: z.output<typeof quota>;
  cors: z.output<typeof cors>;
  'request-size-limit': z.output<typeof requestSizeLimit>;
  'ip-filter': z.output<typeof ipFilter>;
  headers: z.output<typeof headers>;
  timeout: z.output<typeof timeout>;
  retry: z.output<typeof retry>;
  'load-balance': z.output<typeof loadBalance>;
  fault: z.output<typeof fault>;
  cache: z.output<typeof cache>;
  rewrite: z.output<typeof rewrite>;
}

export type HeaderChanges = NonNullable<PolicyConfigs['headers']['request']>;

/** The configuration of `policy` typed by its id (the model carries configurations `compile` has already parsed). */
export function configOf<K extends keyof PolicyConfigs>(policy: { id: string; config: unknown }, id: K): PolicyConfigs[K] {
  if (policy.id !== id) throw new Error(`expected a ${id} policy, got ${policy.id}`);
  return policy.config as PolicyConfigs[K];
}

/** Policies that decide who may call: when a target cannot express one, the route is left out (it fails closed). */
export const ACCESS_CONTROL: ReadonlySet<string> = new Set(['api-key', 'basic-auth', 'jwt', 'ip-filter', 'security']);

/** Template variables of the headers policy: `${request.header.x}` ... */
export function templateParts(text: string): ({ text: string } | { variable: string })[] {
  const parts: ({ text: string } | { variable: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ variable: match[1]!.trim() });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
