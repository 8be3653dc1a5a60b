import type { PolicyDefinition } from '../pipeline/policy.js';
import apiKey from './api-key.js';
import cors from './cors.js';
import rateLimit from './rate-limit.js';

/** The catalog: every policy a design can `use`, by id. */
export const policies: readonly PolicyDefinition[] = [apiKey, rateLimit, cors] as PolicyDefinition[];

export const policiesById: ReadonlyMap<string, PolicyDefinition> = new Map(policies.map((p) => [p.id, p]));
