// The `portico://app/` scheme that serves the packaged renderer. Chosen over `file:` because a standard, secure
// custom scheme gives the page a real origin of its own ('self' in the CSP means only our files), can serve nothing
// but the renderer folder (file: would reach the whole disk), lets us attach headers (CSP) to every response, and
// keeps ES modules and workers working without `file:`'s special privileges (the fuse that grants them is off).
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'portico';
export const APP_HOST = 'app';

/** Registered before `ready` with `protocol.registerSchemesAsPrivileged`. */
export const schemePrivileges = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Is this URL one of our pages? (Node's URL gives non-special schemes an opaque origin, so compare the parts.) */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** The file under `root` that a request URL names, or null when it is not ours or leaves the folder. */
export function resolveAppFile(root: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const relative = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '');
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  const file = normalize(join(base, relative));
  return file.startsWith(base) ? file : null;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};
export const contentType = (file: string): string => types[extname(file).toLowerCase()] ?? 'application/octet-stream';

/** The `protocol.handle` handler: our files with their type, the CSP and nosniff; 404 for anything else. */
export function appProtocolHandler(root: string, csp: string, read: (file: string) => Promise<Buffer> = readFile) {
  return async (request: Request): Promise<Response> => {
    const file = request.method === 'GET' ? resolveAppFile(root, request.url) : null;
    const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' };
    if (!file) return new Response('Not found', { status: 404, headers });
    try {
      const body = await read(file);
      return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Type': contentType(file) } });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  };
}
