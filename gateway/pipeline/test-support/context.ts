import { RequestContext } from '../context.js';
import type { PolicyRequest, RouteInfo } from '../policy.js';

/** A PolicyContext for unit tests: a request as a policy sees it, no sockets. */
export function contextFor(request: Partial<PolicyRequest> = {}, options: { preflight?: boolean; route?: RouteInfo } = {}): RequestContext {
  return new RequestContext(
    { method: 'GET', path: '/things', rawQuery: '', headers: {}, clientAddress: '127.0.0.1', params: {}, ...request },
    options.route ?? { method: 'GET', path: '/things', operationId: 'listThings' },
    options.preflight ?? false,
  );
}
