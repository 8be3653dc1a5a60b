/**
 * One spelling per path, decided before routing and before any policy looks at it, so that no policy can be
 * bypassed by writing a path differently (`/admin/../public`, `/%61dmin`, `//admin`, `/a%2e%2e/`).
 * Encoded slashes and backslashes are refused: back ends disagree on what they mean.
 */

export type NormalizedPath = { ok: true; path: string } | { ok: false; reason: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;

export function normalizePath(raw: string): NormalizedPath {
  if (raw.length === 0 || raw.charCodeAt(0) !== 47 /* / */) return { ok: false, reason: 'the request target must be an absolute path' };
  // Fast path: nothing to decode and no dot or empty segments.
  if (!/%|\/\.|\/\/|\\/.test(raw)) return { ok: true, path: raw };
  if (raw.includes('\\')) return { ok: false, reason: 'backslashes are not allowed in paths' };

  const segments: string[] = [];
  const parts = raw.split('/');
  const trailingSlash = raw.length > 1 && raw.endsWith('/');
  for (let i = 1; i < parts.length; i++) {
    const decoded = decodeUnreserved(parts[i]!);
    if (!decoded.ok) return decoded;
    const segment = decoded.path;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  let path = '/' + segments.join('/');
  if (trailingSlash && segments.length > 0) path += '/';
  return { ok: true, path };
}

/** Decodes percent-escapes of unreserved characters (RFC 3986 §6.2.2.2), upper-cases the rest. */
function decodeUnreserved(segment: string): NormalizedPath {
  if (!segment.includes('%')) return { ok: true, path: segment };
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char !== '%') {
      out += char;
      continue;
    }
    const hex = segment.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, reason: `invalid percent-encoding "%${hex}" in path` };
    const code = parseInt(hex, 16);
    if (code === 0x2f || code === 0x5c) return { ok: false, reason: 'encoded slashes are not allowed in paths' };
    if (code === 0x00) return { ok: false, reason: 'encoded NUL is not allowed in paths' };
    const decoded = String.fromCharCode(code);
    out += UNRESERVED.test(decoded) ? decoded : '%' + hex.toUpperCase();
    i += 2;
  }
  return { ok: true, path: out };
}
