import type { PolicyDefinition, PolicyServices, RequestHandler, ResponseBodyHandler, ResponseHandler, SecretNames } from './policy.js';

/** The shapes compilation works with, apart so that compile.ts and security.ts share them without a cycle. */

export interface CompileOptions {
  policies: ReadonlyMap<string, PolicyDefinition>;
  services: PolicyServices;
  /** `mock`: answer every route from the design (--mock); `proxy`: forward every route to `upstreamUrl` (--upstream). */
  mode?: 'auto' | 'mock' | 'proxy';
  upstreamUrl?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface CompiledPolicy {
  id: string;
  name?: string;
  /** For the log: "rate-limit steady (100/1m by ip)". */
  label: string;
  request?: RequestHandler;
  requestBody?: RequestHandler;
  response?: ResponseHandler;
  responseBody?: ResponseBodyHandler;
  preflight: boolean;
  /** See PolicyDefinition.replaysRequest. */
  replaysRequest: boolean;
  secrets?: SecretNames;
  /** Upstreams the policy forwards to (load-balance). */
  upstreams?: string[];
  close?(): void;
}
