import { z } from 'zod';
import { definePolicy, PolicyConfigError, type PolicyRequest, type ResponseContext } from '../pipeline/policy.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Framing and routing headers: changing them would let a design smuggle requests or break the connection. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']);
const REQUEST_ONLY = new Set(['host']);

const value = z.string().regex(/^[^\r\n\0]*$/, 'a header value on one line');

/** Why a header name cannot be used on `side`, or undefined when it can. */
function refusedName(header: string, side: 'request' | 'response'): string | undefined {
  if (!TOKEN.test(header)) return `"${header}" is not a header name`;
  const lower = header.toLowerCase();
  if (FRAMING.has(lower) || (side === 'request' && (REQUEST_ONLY.has(lower) || lower.startsWith('proxy-')))) {
    return `${header} is managed by the gateway and cannot be changed here`;
  }
  return undefined;
}

const changes = (side: 'request' | 'response') =>
  z
    .object({
      set: z.record(z.string(), value).optional().describe('Headers set (replacing any copy); values may use ${...} templates.'),
      append: z.record(z.string(), value).optional().describe('Headers added after any existing copy; values may use ${...} templates.'),
      remove: z.array(z.string()).optional().describe('Headers removed.'),
      rename: z.record(z.string(), z.string()).optional().describe('Headers renamed: { Old-Name: New-Name }.'),
    })
    .strict()
    .superRefine((cfg, ctx) => {
      const check = (header: string, path: (string | number)[]) => {
        const message = refusedName(header, side);
        if (message) ctx.addIssue({ code: 'custom', message, path });
      };
      for (const op of ['set', 'append'] as const) for (const header of Object.keys(cfg[op] ?? {})) check(header, [op, header]);
      (cfg.remove ?? []).forEach((header, i) => check(header, ['remove', i]));
      for (const [from, to] of Object.entries(cfg.rename ?? {})) {
        check(from, ['rename', from]);
        check(to, ['rename', from]);
      }
    });

export const config = z
  .object({
    request: changes('request').optional().describe('Changes to the request before it goes on (to the upstream or the mock).'),
    response: changes('response').optional().describe('Changes to the response before it reaches the client.'),
  })
  .strict();

type Changes = z.output<ReturnType<typeof changes>>;

/** What a template can read: the request (as received by this policy) and the consumer. */
interface TemplateSource {
  request: PolicyRequest;
  consumer: string | undefined;
  query(): URLSearchParams;
}

type Part = string | ((source: TemplateSource) => string);
type Template = (source: TemplateSource) => string;

/** Characters Node refuses in a header value: stripped from interpolated request values, so a value can never break a header. */
const UNSAFE = /[^\t\x20-\x7e\x80-\xff]/g;

/**
 * `${request.header.x-user}`, `${request.query.page}`, `${request.param.id}`, `${request.method}`, `${request.path}`,
 * `${client.ip}`, `${consumer}`, `${route.path}`, `${route.operationId}`. A missing value is empty.
 */
export function compileTemplate(text: string, route: { path: string; operationId?: string }, at: (string | number)[]): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(variable(match[1]!.trim(), route, at));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.length === 1 && typeof parts[0] === 'string') {
    const constant = parts[0];
    return () => constant;
  }
  return (source) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : part(source).replace(UNSAFE, '');
    return out;
  };
}

function variable(expression: string, route: { path: string; operationId?: string }, at: (string | number)[]): Part {
  const dot = expression.indexOf('.', expression.startsWith('request.') ? 'request.'.length : 0);
  switch (expression) {
    case 'request.method':
      return (s) => s.request.method;
    case 'request.path':
      return (s) => s.request.path;
    case 'client.ip':
      return (s) => s.request.clientAddress;
    case 'consumer':
      return (s) => s.consumer ?? '';
    case 'route.path':
      return route.path;
    case 'route.operationId':
      return route.operationId ?? '';
  }
  const kind = dot === -1 ? expression : expression.slice(0, dot);
  const key = dot === -1 ? '' : expression.slice(dot + 1);
  if (key !== '') {
    if (kind === 'request.header') {
      const lower = key.toLowerCase();
      return (s) => {
        const found = s.request.headers[lower];
        return Array.isArray(found) ? found.join(', ') : (found ?? '');
      };
    }
    if (kind === 'request.query') return (s) => s.query().get(key) ?? '';
    if (kind === 'request.param') return (s) => s.request.params[key] ?? '';
  }
  throw new PolicyConfigError(
    `unknown template variable \${${expression}} (known: request.method, request.path, request.header.<name>, request.query.<name>, request.param.<name>, client.ip, consumer, route.path, route.operationId)`,
    at,
  );
}

interface Plan {
  remove: string[];
  rename: [string, string][];
  set: [string, Template][];
  append: [string, Template][];
}

function plan(changes: Changes | undefined, side: string, route: { path: string; operationId?: string }): Plan | undefined {
  if (!changes) return undefined;
  const templates = (record: Record<string, string> | undefined, op: string) =>
    Object.entries(record ?? {}).map(([header, text]) => [header.toLowerCase(), compileTemplate(text, route, [side, op, header])] as [string, Template]);
  const result: Plan = {
    remove: (changes.remove ?? []).map((h) => h.toLowerCase()),
    rename: Object.entries(changes.rename ?? {}).map(([from, to]) => [from.toLowerCase(), to.toLowerCase()]),
    set: templates(changes.set, 'set'),
    append: templates(changes.append, 'append'),
  };
  const empty = result.remove.length + result.rename.length + result.set.length + result.append.length === 0;
  return empty ? undefined : result;
}

/** Header changes on the request and the response: set, append, remove, rename, with values templated from the request and consumer. */
export default definePolicy({
  id: 'headers',
  title: 'Headers',
  description: 'Sets, appends, removes and renames request and response headers; values can be templated from the request and the consumer.',
  phase: 'both',
  config,
  example: { request: { set: { 'X-Consumer': '${consumer}' }, remove: ['X-Debug'] }, response: { set: { 'X-Served-By': 'portico' }, remove: ['Server'] } },
  describe: (cfg) =>
    (['request', 'response'] as const)
      .filter((side) => cfg[side])
      .map((side) => `${side}: ${Object.keys(cfg[side]!).join('/')}`)
      .join('; '),
  create: (cfg, _services, instance) => {
    const request = plan(cfg.request, 'request', instance.route);
    const response = plan(cfg.response, 'response', instance.route);
    return {
      ...(request && {
        request: (ctx) => {
          const headers = ctx.request.headers;
          // Deleting a property that is not there still costs V8 a slower object: only remove what is present.
          for (const name of request.remove) if (headers[name] !== undefined) ctx.setRequestHeader(name, undefined);
          for (const [from, to] of request.rename) {
            const value = headers[from];
            if (value === undefined) continue;
            ctx.setRequestHeader(from, undefined);
            ctx.setRequestHeader(to, value);
          }
          for (const [name, template] of request.set) ctx.setRequestHeader(name, template(ctx));
          for (const [name, template] of request.append) {
            const added = template(ctx);
            const existing = headers[name];
            ctx.setRequestHeader(name, existing === undefined ? added : `${Array.isArray(existing) ? existing.join(', ') : existing}, ${added}`);
          }
          return ctx.next();
        },
      }),
      ...(response && {
        response: (ctx: ResponseContext) => {
          const headers = ctx.headers;
          const source: TemplateSource = { request: ctx.request, consumer: ctx.consumer, query: () => new URLSearchParams(ctx.request.rawQuery) };
          for (const name of response.remove) if (headers[name] !== undefined) delete headers[name];
          for (const [from, to] of response.rename) {
            const value = headers[from];
            if (value === undefined) continue;
            delete headers[from];
            headers[to] = value;
          }
          for (const [name, template] of response.set) headers[name] = template(source);
          for (const [name, template] of response.append) {
            const added = template(source);
            const existing = headers[name];
            headers[name] = existing === undefined ? added : Array.isArray(existing) ? [...existing, added] : [String(existing), added];
          }
        },
      }),
    };
  },
});
