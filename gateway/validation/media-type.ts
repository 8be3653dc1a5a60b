/** Media type helpers shared by validation and the mock. */

/** "Application/JSON; charset=utf-8" → "application/json". */
export function parseMediaType(value: string): string {
  const semi = value.indexOf(';');
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/** application/json, any +json type (problem+json, hal+json, ...) and text/json; not x-ndjson (one value per line). */
export function isJsonMediaType(value: string): boolean {
  const base = parseMediaType(value);
  return base === 'application/json' || base.endsWith('+json') || base === 'text/json';
}

/**
 * The entry of `candidates` a request's Content-Type selects: exact match first, then `type/*`, then `*∕*`.
 * Candidates' `type` keys are media ranges as written in the design.
 */
export function matchMediaType<T extends { type: string }>(contentType: string, candidates: readonly T[]): T | undefined {
  const wanted = parseMediaType(contentType);
  const slash = wanted.indexOf('/');
  const major = slash === -1 ? wanted : wanted.slice(0, slash);
  let range: T | undefined;
  let any: T | undefined;
  for (const candidate of candidates) {
    const base = parseMediaType(candidate.type);
    if (base === wanted) return candidate;
    if (base === `${major}/*`) range ??= candidate;
    else if (base === '*/*') any ??= candidate;
  }
  return range ?? any;
}
