import type { KongFile } from './kong-schema.js';
import type { ExportModel } from './model.js';

/**
 * The same Kong configuration as an OpenAPI document annotated for `deck file openapi2kong`: each exported operation
 * carries its service (operation `servers`: the upstream URL, or every target of a balanced upstream;
 * `x-kong-service-defaults`: retries and timeouts; `x-kong-upstream-defaults`: algorithm and health checks), its route
 * settings (`x-kong-route-defaults`) and its plugins (`x-kong-plugin-<name>`). openapi2kong makes the route paths from
 * the path templates itself.
 */
export function kongOpenApi(model: ExportModel, file: KongFile): Record<string, unknown> {
  const upstreams = new Map((file.upstreams ?? []).map((u) => [u.name, u]));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const service of file.services ?? []) {
    const balanced = upstreams.get(service.host);
    const servers = balanced
      ? balanced.targets.map((t) => ({ url: `${service.protocol}://${t.target}${service.path ?? ''}` }))
      : [{ url: `${service.protocol}://${service.host.includes(':') ? `[${service.host}]` : service.host}:${service.port}${service.path ?? ''}` }];
    for (const route of service.routes ?? []) {
      const source = model.routes.find((r) => r.name === route.name);
      if (!source) continue;
      const operation: Record<string, unknown> = {
        ...(source.operationId !== undefined ? { operationId: source.operationId } : { 'x-kong-name': route.name }),
        servers,
        'x-kong-service-defaults': {
          retries: service.retries,
          connect_timeout: service.connect_timeout,
          read_timeout: service.read_timeout,
          write_timeout: service.write_timeout,
          ...(service.tls_verify !== undefined && { tls_verify: service.tls_verify }),
        },
        ...(balanced && { 'x-kong-upstream-defaults': { ...(balanced.algorithm && { algorithm: balanced.algorithm }), ...(balanced.healthchecks && { healthchecks: balanced.healthchecks }) } }),
        'x-kong-route-defaults': { strip_path: false, ...(route.preserve_host && { preserve_host: true }) },
        ...Object.fromEntries((route.plugins ?? []).map((p) => [`x-kong-plugin-${p.name}`, { config: p.config }])),
        responses: { default: { description: `Proxied to ${source.upstream?.name ?? service.name}` } },
      };
      (paths[source.path] ??= {})[source.method.toLowerCase()] = operation;
    }
  }
  return { openapi: '3.0.3', info: { title: model.title, version: model.version }, paths };
}
