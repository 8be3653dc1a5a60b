import { parse } from 'yaml';
import { KONG_PLUGINS, kongFile, type KongFile } from './kong-schema.js';

/** Reading a decK file, hand-written or dumped by `deck gateway dump`, into the strict model of `kong-schema.ts`. */

/** Fields a `deck gateway dump` writes that change nothing here (identifiers, timestamps, Kong's defaults): dropped without a note. */
const SILENT = new Set([
  'id', 'created_at', 'updated_at', 'ws_id', 'enabled', 'protocols', 'https_redirect_status_code', 'path_handling', 'regex_priority',
  'request_buffering', 'response_buffering', 'tls_verify_depth', 'slots', 'hash_on', 'hash_fallback', 'hash_on_cookie_path', 'use_srv_name',
  'instance_name', 'redis', 'sync_rate', 'threshold', 'concurrency', 'https_verify_certificate', 'type', 'tags', 'service', 'route', 'upstream',
]);

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.filter(isObject) : []);

/**
 * Parses a decK file (YAML or JSON, written by hand or by `deck gateway dump`) into the strict model: plugins the
 * import has no policy for, disabled entities, consumer-scoped plugins and fields it does not read are set aside and
 * noted; top-level routes and plugins that name their service or route are attached to it. Throws when what is left
 * still does not fit.
 */
export function parseKongFile(text: string, note: (where: string, what: string, why: string, instead: string) => void = () => undefined): KongFile {
  const raw = parse(text) as unknown;
  if (!isObject(raw)) throw new KongImportError('not a Kong declarative file: the document is not a mapping');
  const services = list(raw.services);
  const byName = (name: unknown) => services.find((x) => x.name === name || x.id === name);
  const routeByName = (name: unknown) => services.flatMap((x) => list(x.routes).map((r) => ({ service: x, route: r }))).find((e) => e.route.name === name || e.route.id === name);
  const refName = (ref: unknown) => (isObject(ref) ? (ref.name ?? ref.id) : ref);

  for (const route of list(raw.routes)) {
    const service = byName(refName(route.service));
    if (service) (service.routes = [...list(service.routes), route]);
    else note('*', `route ${String(route.name)}`, 'a route without a service forwards nowhere', 'give it a service');
  }
  const keptGlobal: Raw[] = [];
  for (const plugin of list(raw.plugins)) {
    if (plugin.consumer !== undefined && plugin.consumer !== null) note('*', String(plugin.name), 'a plugin scoped to a consumer has no Portico equivalent', 'configure it by hand');
    else if (plugin.route !== undefined && plugin.route !== null) {
      const found = routeByName(refName(plugin.route));
      if (found) found.route.plugins = [...list(found.route.plugins), plugin];
    } else if (plugin.service !== undefined && plugin.service !== null) {
      const service = byName(refName(plugin.service));
      if (service) service.plugins = [...list(service.plugins), plugin];
    } else keptGlobal.push(plugin);
  }
  const plugins = (items: unknown, where: string) =>
    list(items).filter((p) => {
      if (p.enabled === false) {
        note(where, String(p.name), 'the plugin is disabled', 'none');
        return false;
      }
      if (!KONG_PLUGINS.includes(p.name as never)) {
        note(where, String(p.name), 'no Portico policy for this plugin', 'configure the equivalent by hand');
        return false;
      }
      return true;
    });

  const keptServices: Raw[] = [];
  for (const service of services) {
    if (service.enabled === false) {
      note(String(service.name), 'service', 'the service is disabled', 'none');
      continue;
    }
    if (typeof service.url === 'string') {
      const url = new URL(service.url);
      Object.assign(service, { protocol: url.protocol.replace(/:$/, ''), host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), ...(url.pathname !== '/' && { path: url.pathname }) });
      delete service.url;
    }
    service.plugins = plugins(service.plugins, String(service.name));
    service.routes = list(service.routes).filter((route) => {
      const where = `${String(service.name)}/${String(route.name)}`;
      if (!Array.isArray(route.paths) || route.paths.length === 0) {
        note(where, 'route', 'a route without paths (by host or header only) cannot be an operation', 'give it paths');
        return false;
      }
      if (!Array.isArray(route.methods) || route.methods.length === 0) {
        note(where, 'methods', 'a route without methods matches them all; the design gets GET, POST, PUT, PATCH and DELETE', 'list the methods the route serves');
        route.methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
      }
      route.strip_path ??= true; // Kong's default
      route.plugins = plugins(route.plugins, where);
      return true;
    });
    keptServices.push(service);
  }
  const file: Raw = { ...raw, services: keptServices, plugins: plugins(keptGlobal, '*') };
  delete file.routes;
  for (const key of Object.keys(file)) {
    if (!['_format_version', '_info', 'services', 'upstreams', 'consumers', 'plugins'].includes(key)) {
      note('*', key, 'not part of a design (decK metadata, certificates, vaults, consumer groups and the like): not imported', 'keep configuring them in Kong');
      delete file[key];
    }
  }
  for (const consumer of list(file.consumers)) {
    for (const key of Object.keys(consumer)) if (!['username', 'custom_id', 'tags'].includes(key)) delete consumer[key];
  }
  const dropped: string[] = [];
  const fitted = fit(file, kongFile, '', dropped);
  if (dropped.length > 0) note('*', 'fields', `not read by the import: ${dropped.join(', ')}`, 'check that they matter nowhere, or configure them by hand');
  const parsed = kongFile.safeParse(fitted);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n  ');
    throw new KongImportError(`not a Kong declarative file this import reads (_format_version "3.0", services, routes, plugins, upstreams, consumers):\n  ${issues}`);
  }
  return parsed.data;
}

/** The value with nulls, empty lists and fields the model does not have removed (the meaningful ones listed in `dropped`). */
function fit(value: unknown, schema: unknown, path: string, dropped: string[]): unknown {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- zod's internal definition, read to walk the schema
  const def = (schema as { def?: any }).def;
  if (!def) return value;
  if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') return fit(value, def.innerType, path, dropped);
  if (def.type === 'array') return Array.isArray(value) ? value.map((item, i) => fit(item, def.element, `${path}[${i}]`, dropped)) : value;
  if (def.type === 'union' && isObject(value)) {
    const option = (def.options as { shape?: Record<string, { def?: { values?: unknown[] } }> }[]).find((o) => o.shape?.name?.def?.values?.includes(value.name));
    return option ? fit(value, option, path, dropped) : value;
  }
  if (def.type !== 'object' || !isObject(value)) return value;
  const shape = (schema as { shape: Record<string, unknown> }).shape;
  const out: Raw = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null || (Array.isArray(child) && child.length === 0 && !(key in shape))) continue;
    if (!(key in shape)) {
      const empty = (isObject(child) && Object.values(child).every((v) => v === null || (Array.isArray(v) && v.length === 0))) || (Array.isArray(child) && child.length === 0);
      if (!SILENT.has(key) && !empty) dropped.push(`${path}${path ? '.' : ''}${key}`);
      continue;
    }
    const fitted = fit(child, shape[key], `${path}${path ? '.' : ''}${key}`, dropped);
    // An empty object left by dropping (request-transformer's unused operations) is no setting at all.
    if (isObject(fitted) && Object.keys(fitted).length === 0 && isObject(child) && Object.keys(child).length > 0) continue;
    out[key] = fitted;
  }
  return out;
}

export class KongImportError extends Error {
  override name = 'KongImportError';
}
