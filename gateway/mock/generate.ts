import type { Design, Node } from '../openapi/design.js';
import { schemaCheck, describeError } from '../validation/ajv.js';
import { sampleSchema, type SampleSettings } from './sample.js';

/**
 * A value for a schema that validates against it (checked with the gateway's own Ajv wiring).
 * Attempts, in order, until one validates: with the schemas' own examples, without them, without optional
 * properties, then every branch choice, then other seeds (half of them making oneOf's other branches fail on purpose). When none validates (a contradictory schema), the last sample is returned
 * with `valid: false` and the reasons, so the caller can say so.
 */

export interface Generated {
  value: unknown;
  valid: boolean;
  /** Why the value does not validate (only when valid is false). */
  problems?: string[];
}

/**
 * Attempts 3–9 keep the seed and shift every oneOf/anyOf choice by 3..9: with the same base choice, each of up to
 * seven branches is tried (a new seed per attempt left ~0.5 % of Figma's `Comment` samples invalid: overlapping open
 * branches, where only some are valid alone). Attempts 10–15 then try other seeds.
 */
const ATTEMPTS = 16;
const SAME_SEED_UNTIL = 10;

export function generateValid(design: Design, schema: Node, direction: SampleSettings['direction'], seed: number): Generated {
  const check = schemaCheck(design, schema, direction);
  let last: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const settings: SampleSettings = {
      direction,
      seed: attempt < SAME_SEED_UNTIL ? seed : (seed + attempt * 7919) >>> 0,
      useExamples: attempt === 0,
      optional: attempt < 2 || (attempt > 2 && attempt % 2 === 1),
      branchShift: attempt < 3 ? 0 : attempt,
      exclusive: attempt >= 3 && attempt % 2 === 1,
    };
    last = sampleSchema(design, schema, settings);
    if (last === undefined) continue;
    if (check(last)) return { value: last, valid: true };
  }
  return {
    value: last,
    valid: false,
    problems: check.errors.slice(0, 5).map((error) => {
      const d = describeError(error);
      return `${d.pointer || '/'} ${d.message}`;
    }),
  };
}
