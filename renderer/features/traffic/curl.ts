/**
 * "Copy as cURL": a logged (or edited) request as one POSIX shell command. Every argument that is not plainly safe is
 * single-quoted (a `'` inside becomes `'\''`), so nothing in a URL, header or body is ever expanded by the shell.
 * Binary bodies are piped in from base64 (`printf … | base64 -d | curl --data-binary @-`) since shell strings cannot
 * hold NUL bytes.
 */

export interface CurlRequest {
  method: string;
  /** Absolute URL, or a path joined to `base`. */
  url: string;
  headers: Array<[string, string]>;
  /** Body as text. */
  body?: string;
  /** Body as base64 (binary), used when `body` is absent. */
  bodyBase64?: string;
  /** The body was cut when it was logged: the command says so. */
  truncated?: { logged: number; size: number };
}

/** Headers curl computes itself (or that only make sense on the original connection). */
const SKIP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'proxy-connection', 'te', 'trailer', 'expect']);

/** What the engine writes in place of a secret (gateway/traffic/redact.ts). */
export const REDACTED = '[REDACTED]';

/** Quotes one argument for a POSIX shell. */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_\-./:=@%+,]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function joinUrl(base: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  return base.replace(/\/+$/, '') + (url.startsWith('/') ? url : `/${url}`);
}

export function toCurl(request: CurlRequest, base = 'http://127.0.0.1'): string {
  const method = request.method.toUpperCase();
  const hasBody = request.body !== undefined ? true : request.bodyBase64 !== undefined && request.bodyBase64 !== '';
  const args: string[] = ['curl'];
  if (method === 'HEAD') args.push('--head');
  else if (!(method === 'GET' && !hasBody) && !(method === 'POST' && hasBody)) args.push('-X', shellQuote(method));
  args.push(shellQuote(joinUrl(base, request.url)));
  for (const [name, value] of request.headers) {
    if (SKIP.has(name.toLowerCase())) continue;
    args.push('-H', shellQuote(`${name}: ${value}`));
  }
  let prefix = '';
  if (request.body !== undefined) args.push('--data-raw', shellQuote(request.body));
  else if (hasBody) {
    args.push('--data-binary', '@-');
    prefix = `printf '%s' ${shellQuote(request.bodyBase64!)} | base64 -d | `;
  }
  const redacted = request.headers.filter(([name, value]) => !SKIP.has(name.toLowerCase()) && value.includes(REDACTED)).map(([name]) => name);
  const note =
    (redacted.length ? `# secrets were redacted when logged: fill in ${redacted.join(', ')}\n` : '') +
    (request.truncated ? `# the body was truncated when logged: ${request.truncated.logged} of ${request.truncated.size} bytes\n` : '');
  return note + prefix + args.reduce((line, arg, i) => (i === 0 ? arg : /^-/.test(arg) && i > 1 ? `${line} \\\n  ${arg}` : `${line} ${arg}`), '');
}
