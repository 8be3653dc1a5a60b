/**
 * The `Prefer` request header (RFC 7240) as the mock reads it, Prism-compatible:
 *   Prefer: code=404, example=notFound, dynamic=true, delay=250
 * Preferences may be separated by commas or semicolons, values may be quoted, names are case-insensitive.
 * Unknown preferences are ignored. `delay` (milliseconds, capped at 60 s) is applied by the server, not here.
 */

export interface MockPreferences {
  /** Status code the client wants (100..599). */
  code?: number;
  /** Name of an entry of the media type's `examples`. */
  example?: string;
  /** Generate a fresh body from the schema on each request, ignoring examples. */
  dynamic?: boolean;
  /** Milliseconds to wait before answering. */
  delay?: number;
}

export const MAX_DELAY_MS = 60_000;

export function parsePrefer(header: string | string[] | undefined): MockPreferences {
  const out: MockPreferences = {};
  if (header === undefined) return out;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text === '') return out;
  for (const part of text.split(/[,;]/)) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    let value = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    switch (name) {
      case 'code': {
        const code = Number(value);
        if (/^\d{3}$/.test(value) && code >= 100 && code <= 599) out.code = code;
        else out.code = Number.NaN;
        break;
      }
      case 'example':
        if (value !== '') out.example = value;
        break;
      case 'dynamic':
        out.dynamic = eq === -1 || value.toLowerCase() === 'true';
        break;
      case 'delay': {
        const delay = Number(value);
        if (Number.isFinite(delay) && delay >= 0) out.delay = Math.min(Math.round(delay), MAX_DELAY_MS);
        break;
      }
      default:
        break;
    }
  }
  return out;
}
