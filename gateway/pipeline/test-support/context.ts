import { RequestContext } from '../context.js';
import type { PolicyRequest, RouteInfo } from '../policy.js';

/** A PolicyContext for unit tests: a request as a policy sees it, no sockets. */
export function contextFor(request: Partial<PolicyRequest> = {}, options: { preflight?: boolean; route?: RouteInfo } = {}): RequestContext {
  return new RequestContext(
    { method: 'GET', path: '/things', rawQuery: '', headers: {}, clientAddress: '127.0.0.1', params: {}, rawHeaders: rawHeadersOf(request), ...request },
    options.route ?? { method: 'GET', path: '/things', operationId: 'listThings' },
    options.preflight ?? false,
  );
}

function rawHeadersOf(request: Partial<PolicyRequest>): string[] {
  const raw: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (Array.isArray(value)) for (const v of value) raw.push(name, v);
    else if (value !== undefined) raw.push(name, value);
  }
  return raw;
}
