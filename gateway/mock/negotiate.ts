import Negotiator from 'negotiator';
import { isJsonMediaType, parseMediaType } from '../validation/media-type.js';

/**
 * Content negotiation of the mock: which of a response's media types answers an `Accept` header.
 * - No Accept, or one that accepts anything: the first JSON-ish media type of the response, else the first.
 * - Otherwise `negotiator` ranks the response's concrete media types (q-values, specificity; ties keep
 *   JSON-ish first, then document order).
 * - A media range written in the design (`application/*`, `*∕*`) answers with the first concrete type the
 *   client asked for that it covers.
 * Undefined when nothing is acceptable (the mock answers 406).
 */

export interface Negotiated {
  /** The key of the response's `content` map. */
  key: string;
  /** The Content-Type to send. */
  contentType: string;
}

export function orderMediaTypes(keys: readonly string[]): string[] {
  return [...keys.filter((k) => isJsonMediaType(k)), ...keys.filter((k) => !isJsonMediaType(k))];
}

export function negotiate(accept: string | undefined, ordered: readonly string[]): Negotiated | undefined {
  if (ordered.length === 0) return undefined;
  const acceptsAnything = accept === undefined || accept.trim() === '' || accept.split(',').some((part) => parseMediaType(part) === '*/*' && !/;\s*q=0(\.0*)?\s*($|;)/.test(part));
  const concrete = ordered.filter((key) => !key.includes('*'));
  if (acceptsAnything && (accept === undefined || accept.trim() === '' || !accept.includes('/') || onlyWildcard(accept))) {
    const first = concrete[0] ?? ordered[0]!;
    return { key: first, contentType: first.includes('*') ? 'application/json' : first };
  }
  const chosen = concrete.length > 0 ? new Negotiator({ headers: { accept } }).mediaTypes(concrete)[0] : undefined;
  if (chosen !== undefined) {
    const key = concrete.find((k) => k === chosen) ?? concrete.find((k) => parseMediaType(k) === parseMediaType(chosen)) ?? chosen;
    return { key, contentType: key };
  }
  // Media ranges in the design: serve the first concrete type asked for that a range covers.
  const ranges = ordered.filter((key) => key.includes('*'));
  for (const part of (accept ?? '').split(',')) {
    const wanted = parseMediaType(part);
    if (wanted === '' || wanted.includes('*') || /;\s*q=0(\.0*)?\s*($|;)/.test(part)) continue;
    const major = wanted.slice(0, wanted.indexOf('/'));
    const range = ranges.find((r) => parseMediaType(r) === '*/*' || parseMediaType(r) === `${major}/*`);
    if (range) return { key: range, contentType: wanted };
  }
  if (acceptsAnything) {
    const first = concrete[0] ?? ordered[0]!;
    return { key: first, contentType: first.includes('*') ? 'application/json' : first };
  }
  return undefined;
}

function onlyWildcard(accept: string): boolean {
  return accept.split(',').every((part) => parseMediaType(part) === '*/*');
}
