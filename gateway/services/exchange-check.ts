import type { IncomingHttpHeaders } from 'node:http';
import type { ValidationFinding } from '../contract/index.js';
import type { Design } from '../openapi/design.js';
import type { RouteTable } from '../pipeline/compile.js';
import { describeError, isJsonMediaType, matchMediaType, schemaCheck } from '../validation/index.js';
import { createRequestValidator } from '../validation/request.js';

/**
 * A logged exchange checked against the design as it is now: what the request and the response break of the
 * operation's contract. Runs when the inspector opens one exchange, never on the request path.
 */

export interface LoggedExchange {
  method: string;
  url: string;
  status: number;
  requestHeaders: [string, string][];
  responseHeaders: [string, string][];
  /** Whole bodies only: a cut body cannot be checked. */
  requestBody?: Buffer;
  responseBody?: Buffer;
}

/** Undefined when no operation of the design serves the exchange's method and path. */
export function checkExchange(design: Design, table: RouteTable, exchange: LoggedExchange): ValidationFinding[] | undefined {
  const [path = '/', query = ''] = splitUrl(exchange.url);
  const match = table.find(exchange.method, path);
  if (!match) return undefined;
  const operation = match.route.operation;
  const findings: ValidationFinding[] = [];

  const headers = headerObject(exchange.requestHeaders);
  const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined;
  const verdict = createRequestValidator(design, operation)({
    pathParams: match.params,
    query: new URLSearchParams(query),
    headers,
    ...(contentType !== undefined && { contentType }),
    ...(exchange.requestBody && exchange.requestBody.length > 0 && { body: exchange.requestBody }),
  });
  if (!verdict.ok) {
    for (const v of verdict.errors) {
      findings.push({ in: 'request', pointer: `/${v.in}${v.name ? `/${v.name}` : ''}${v.pointer}`, message: v.message });
    }
  }

  const response = responseFor(operation.responses, exchange.status);
  if (!response) {
    findings.push({ in: 'response', pointer: '/status', message: `status ${exchange.status} is not described by ${operation.method} ${operation.path}` });
    return findings;
  }
  const responseType = headerObject(exchange.responseHeaders)['content-type'];
  const content = design.get<Record<string, unknown>>(response, 'content');
  if (!content || typeof responseType !== 'string' || !exchange.responseBody || exchange.responseBody.length === 0) return findings;
  const media = matchMediaType(
    responseType,
    Object.keys(content.value).map((type) => ({ type })),
  );
  if (!media) {
    findings.push({ in: 'response', pointer: '/header/content-type', message: `content type ${responseType} is not one the operation declares (${Object.keys(content.value).join(', ')})` });
    return findings;
  }
  const schema = design.child(content, media.type, 'schema');
  if (!schema || !isJsonMediaType(responseType)) return findings;
  let body: unknown;
  try {
    body = JSON.parse(exchange.responseBody.toString('utf8'));
  } catch {
    findings.push({ in: 'response', pointer: '/body', message: 'the body is not valid JSON' });
    return findings;
  }
  const check = schemaCheck(design, schema, 'response');
  if (!check(body)) {
    for (const error of check.errors) {
      const d = describeError(error);
      findings.push({ in: 'response', pointer: `/body${d.pointer}`, message: d.message });
    }
  }
  return findings;
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

function headerObject(pairs: [string, string][]): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (key === 'set-cookie') out[key] = [...(Array.isArray(existing) ? existing : [existing]), value];
    else out[key] = `${String(existing)}, ${value}`;
  }
  return out;
}

/** The exact status, then its class (`4XX`), then `default`. */
function responseFor<T>(responses: Map<string, T>, status: number): T | undefined {
  return responses.get(String(status)) ?? responses.get(`${Math.floor(status / 100)}XX`) ?? responses.get(`${Math.floor(status / 100)}xx`) ?? responses.get('default');
}
