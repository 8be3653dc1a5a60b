import type { PolicyDefinition } from '../pipeline/policy.js';
import apiKey from './api-key.js';
import basicAuth from './basic-auth.js';
import cache from './cache.js';
import cors from './cors.js';
import fault from './fault.js';
import headers from './headers.js';
import ipFilter from './ip-filter.js';
import jwt from './jwt.js';
import loadBalance from './load-balance.js';
import mockFallback from './mock-fallback.js';
import quota from './quota.js';
import rateLimit from './rate-limit.js';
import requestSizeLimit from './request-size-limit.js';
import retry from './retry.js';
import rewrite from './rewrite.js';
import timeout from './timeout.js';
import transformBody from './transform-body.js';
import validateRequest from './validate-request.js';
import validateResponse from './validate-response.js';

/** The catalog: every policy a design can `use`, by id (in the order of the reference: auth, traffic, shaping, testing). */
export const policies: readonly PolicyDefinition[] = [
  apiKey,
  basicAuth,
  jwt,
  rateLimit,
  quota,
  cors,
  requestSizeLimit,
  ipFilter,
  timeout,
  retry,
  loadBalance,
  validateRequest,
  validateResponse,
  headers,
  rewrite,
  transformBody,
  cache,
  fault,
  mockFallback,
] as PolicyDefinition[];

export const policiesById: ReadonlyMap<string, PolicyDefinition> = new Map(policies.map((p) => [p.id, p]));
