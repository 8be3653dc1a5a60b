import type { IncomingHttpHeaders } from 'node:http';
import type { ValidationFinding } from '../contract/index.js';
import type { Design } from '../openapi/design.js';
import type { RouteTable } from '../pipeline/compile.js';
import { createResponseValidator } from '../server/response-validation.js';
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
  if (!verdict.ok) for (const v of verdict.errors) findings.push(finding('request', v));

  // The response, as validate-response checks an upstream's: status, media type, headers, JSON body.
  const body = exchange.responseBody ?? Buffer.alloc(0);
  for (const v of createResponseValidator(design, operation)(exchange.status, headerObject(exchange.responseHeaders), body)) {
    findings.push(finding('response', v));
  }
  return findings;
}

/** A violation as the inspector shows it: where (`/query/limit`, `/header/X-Total-Count`, `/body/0/id`) and why. */
function finding(side: ValidationFinding['in'], v: { in: string; name?: string | undefined; pointer: string; message: string }): ValidationFinding {
  return { in: side, pointer: `/${v.in}${v.name ? `/${v.name}` : ''}${v.pointer}`, message: v.message };
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
