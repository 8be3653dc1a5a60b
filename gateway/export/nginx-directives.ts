import { templateParts, type HeaderChanges, type PolicyConfigs } from './configs.js';
import type { ExportRoute } from './model.js';

/** The text pieces of the nginx export: problem bodies, CORS and header directives, quoting. */

/** The problem bodies nginx answers itself (their JSON is the local gateway's shape). */
const PROBLEMS: [number, string, string, string][] = [
  [400, 'bad-path', 'Bad Request', 'The request path is not accepted.'],
  [401, 'unauthorized', 'Unauthorized', 'Credentials are required.'],
  [403, 'forbidden', 'Forbidden', 'The client address is not allowed.'],
  [413, 'payload-too-large', 'Payload Too Large', 'The request body is too large.'],
  [429, 'rate-limited', 'Too Many Requests', 'Rate limit exceeded.'],
  [502, 'bad-gateway', 'Bad Gateway', 'The upstream could not be reached.'],
  [504, 'gateway-timeout', 'Gateway Timeout', 'The upstream did not answer in time.'],
];

/** `suffix`: the error locations of a CORS policy (they label the problem for allowed origins, as locally). */
export function errorPages(indent: string, suffix = ''): string[] {
  return PROBLEMS.map(([status]) => `${indent}error_page ${status} @portico_${status}${suffix};`);
}

export function problemLocations(suffix = '', headers: string[] = []): string[] {
  return PROBLEMS.flatMap(([status, slug, title, detail]) => [
    `    location @portico_${status}${suffix} {`,
    '        default_type application/problem+json;',
    ...(status === 429 ? ['        add_header Retry-After 1 always;'] : []),
    ...headers.map((h) => `    ${h}`),
    `        return ${status} '${problemJson(status, slug, title, detail)}';`,
    '    }',
  ]);
}

export function problemJson(status: number, slug: string, title: string, detail: string): string {
  return JSON.stringify({ type: `urn:portico:problem:${slug}`, title, status, detail }).replace(/'/g, "\\'");
}

export function corsActual(cfg: PolicyConfigs['cors'], prefix: string): string[] {
  return [
    '    add_header Vary Origin always;',
    `    add_header Access-Control-Allow-Origin ${prefix}_origin always;`,
    ...(cfg.credentials ? [`    add_header Access-Control-Allow-Credentials ${prefix}_credentials always;`] : []),
    ...(cfg.exposeHeaders ? [`    add_header Access-Control-Expose-Headers ${prefix}_expose always;`] : []),
  ];
}

export function corsPreflight(cfg: PolicyConfigs['cors'], prefix: string, location: string): string[] {
  return [
    `location = ${location}/preflight {`,
    '    internal;',
    '    add_header Vary "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" always;',
    `    add_header Access-Control-Allow-Origin ${prefix}_origin always;`,
    `    add_header Access-Control-Allow-Methods ${prefix}_methods always;`,
    `    add_header Access-Control-Allow-Headers ${prefix}_headers always;`,
    ...(cfg.credentials ? [`    add_header Access-Control-Allow-Credentials ${prefix}_credentials always;`] : []),
    ...(cfg.maxAge !== undefined ? [`    add_header Access-Control-Max-Age ${prefix}_max_age always;`] : []),
    '    return 204;',
    '}',
  ];
}

/** A headers-policy value as an nginx string, or undefined when a template has no nginx variable. */
function nginxValue(text: string, consumer: string | undefined, route: ExportRoute): string | undefined {
  let out = '';
  for (const part of templateParts(text)) {
    if ('text' in part) {
      if (part.text.includes('$')) return undefined;
      out += part.text;
      continue;
    }
    const v = part.variable;
    const query = v.startsWith('request.query.') ? v.slice('request.query.'.length) : undefined;
    if (v === 'client.ip') out += '$remote_addr';
    else if (v === 'request.method') out += '$request_method';
    // In the operation's location $uri is the internal one: the path as routed was saved before the dispatch.
    else if (v === 'request.path') out += '$portico_path';
    else if (v === 'route.path') out += route.path;
    else if (v === 'route.operationId') out += route.operationId ?? '';
    else if (v === 'consumer') out += consumer ? '$portico_consumer' : '';
    else if (v.startsWith('request.header.')) out += `$http_${varName(v.slice('request.header.'.length))}`;
    else if (query !== undefined && /^[A-Za-z0-9_]+$/.test(query)) out += `$arg_${query}`;
    else return undefined;
  }
  return quote(out);
}

export function requestHeaders(changes: HeaderChanges | undefined, consumer: string | undefined, route: ExportRoute, unsupported: (why: string) => void): string[] {
  if (!changes) return [];
  const lines: string[] = [];
  for (const name of changes.remove ?? []) lines.push(`    proxy_set_header ${name} "";`);
  for (const [from, to] of Object.entries(changes.rename ?? {})) lines.push(`    proxy_set_header ${to} $http_${varName(from)};`, `    proxy_set_header ${from} "";`);
  for (const [name, text] of Object.entries(changes.set ?? {})) {
    const value = nginxValue(text, consumer, route);
    if (value === undefined) unsupported(`request header ${name}: the template "${text}" has no nginx equivalent (path parameters and a literal $ are not available)`);
    else lines.push(`    proxy_set_header ${name} ${value};`);
  }
  for (const [name, text] of Object.entries(changes.append ?? {})) {
    const value = nginxValue(text, consumer, route);
    if (value === undefined) unsupported(`request header ${name}: the template "${text}" has no nginx equivalent`);
    else {
      lines.push(`    proxy_set_header ${name} "$http_${varName(name)}${value.length > 2 ? ', ' : ''}${value.slice(1, -1)}";`);
      unsupported(`request header ${name}: appended as one value joined with ", " (a leading ", " when the client sent none)`);
    }
  }
  return lines;
}

export function responseHeaders(changes: HeaderChanges | undefined, consumer: string | undefined, route: ExportRoute, unsupported: (why: string) => void): string[] {
  if (!changes) return [];
  const lines: string[] = [];
  for (const name of changes.remove ?? []) lines.push(`    proxy_hide_header ${name};`);
  for (const [from, to] of Object.entries(changes.rename ?? {})) lines.push(`    proxy_hide_header ${from};`, `    add_header ${to} $upstream_http_${varName(from)} always;`);
  for (const [name, text] of Object.entries(changes.set ?? {})) {
    const value = nginxValue(text, consumer, route);
    if (value === undefined) unsupported(`response header ${name}: the template "${text}" has no nginx equivalent`);
    else lines.push(`    proxy_hide_header ${name};`, `    add_header ${name} ${value} always;`);
  }
  for (const [name, text] of Object.entries(changes.append ?? {})) {
    const value = nginxValue(text, consumer, route);
    if (value === undefined) unsupported(`response header ${name}: the template "${text}" has no nginx equivalent`);
    else lines.push(`    add_header ${name} ${value} always;`);
  }
  return lines;
}

/** Static segments before parameters, segment by segment, as the local router prefers them. */
export function compareTemplates(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]!.includes('{') ? 1 : 0;
    const pb = sb[i]!.includes('{') ? 1 : 0;
    if (pa !== pb) return pa - pb;
  }
  return sb.length - sa.length || a.localeCompare(b);
}

export function hostPort(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname.includes(':') ? `[${parsed.hostname.replace(/^\[|\]$/g, '')}]` : parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
}

export function msOrS(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function varName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
