import { stringify } from 'yaml';
import { parseKongFile } from './kong-deck.js';
import type { KongPlugin, KongService } from './kong-schema.js';

export { KongImportError, parseKongFile } from './kong-deck.js';

/**
 * Kong decK file → an OpenAPI design with `x-portico`: services become upstreams, each route and method an operation,
 * and the plugins that run on the route as Kong decides (one per name, the most specific) its policies, in Kong's
 * priority order. The design exports back to an equivalent Kong file (`kong.ts`). Credentials are never imported:
 * consumers are named in the report only.
 */

export interface ImportNote {
  /** `service/route` or `*`. */
  where: string;
  what: string;
  why: string;
  instead: string;
}

export interface KongImport {
  design: Record<string, unknown>;
  files: { path: string; content: string }[];
  report: ImportNote[];
}

type Policy = { use: string; with?: Record<string, unknown> };
const UNITS: Record<string, string> = { second: '1s', minute: '1m', hour: '1h', day: '1d' };

export function importKong(text: string, options: { title?: string } = {}): KongImport {
  const report: ImportNote[] = [];
  const note = (where: string, what: string, why: string, instead: string) => report.push({ where, what, why, instead });
  const file = parseKongFile(text, note);
  const upstreams: Record<string, Record<string, unknown>> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  const kongUpstreams = new Map((file.upstreams ?? []).map((u) => [u.name, u]));
  const allPrefixes: (string | undefined)[] = [];

  for (const service of file.services ?? []) {
    const balanced = kongUpstreams.get(service.host);
    const servicePolicies: Policy[] = [];
    let upstreamName = service.name;
    if (balanced) {
      // A Kong upstream: one design upstream per target, spread by a load-balance policy.
      const targets = balanced.targets.map((t, i) => {
        const name = `${balanced.name}-${i + 1}`;
        upstreams[name] = upstreamOf(service, t.target);
        return { upstream: name, weight: t.weight ?? 100 };
      });
      const weighted = new Set(targets.map((t) => t.weight)).size > 1;
      const passive = balanced.healthchecks?.passive?.unhealthy;
      const active = balanced.healthchecks?.active;
      servicePolicies.unshift({
        use: 'load-balance',
        with: {
          targets: targets.map((t) => (weighted ? t : { upstream: t.upstream })),
          algorithm: balanced.algorithm === 'least-connections' ? 'least-connections' : weighted ? 'weighted' : 'round-robin',
          ...(passive?.http_failures !== undefined && { passive: { failures: passive.http_failures } }),
          ...(active?.http_path !== undefined && {
            active: { path: active.http_path, ...(active.healthy?.interval && { interval: `${active.healthy.interval}s` }), ...(active.timeout && { timeout: `${active.timeout}s` }), ...(active.healthy?.http_statuses && { expect: active.healthy.http_statuses }) },
          }),
        },
      });
      upstreamName = targets[0]!.upstream;
    } else {
      upstreams[service.name] = upstreamOf(service);
    }
    if (service.connect_timeout !== undefined && service.read_timeout !== undefined && service.connect_timeout !== service.read_timeout) {
      note(service.name, 'connect_timeout', `Portico has one timeout per upstream; read_timeout (${service.read_timeout} ms) is kept`, 'none needed');
    }
    const retry: Policy[] = (service.retries ?? 5) > 0 ? [{ use: 'retry', with: { retries: Math.min(10, service.retries ?? 5) } }] : [];

    for (const route of service.routes ?? []) {
      const where = `${service.name}/${route.name}`;
      const templates = route.paths.map((p) => templateOf(p, where, note)).filter((t): t is { template: string; prefix?: string } => t !== undefined);
      allPrefixes.push(...templates.map((t) => t.prefix));
      if (templates.length === 0) continue;
      if (route.strip_path) note(where, 'strip_path', 'Portico forwards the path as routed; strip_path: true is not imported', 'add a rewrite policy if the upstream expects the stripped path');
      const routePolicies = [...servicePolicies, ...policiesOf(effectivePlugins(file.plugins ?? [], service.plugins ?? [], route.plugins ?? []), where, note), ...retry];
      const hasCors = routePolicies.some((p) => p.use === 'cors');
      const methods = route.methods.filter((m) => !(m === 'HEAD' && route.methods.includes('GET')) && !(m === 'OPTIONS' && hasCors));
      for (const { template } of templates) {
        for (const method of methods) {
          const item = (paths[template] ??= {});
          const key = method.toLowerCase();
          if (item[key]) {
            note(where, `${method} ${template}`, 'another route already serves this method and path', 'merge the two routes');
            continue;
          }
          item[key] = {
            operationId: methods.length === 1 && templates.length === 1 ? route.name : `${route.name}-${key}${templates.length > 1 ? `-${templates.indexOf(templates.find((t) => t.template === template)!) + 1}` : ''}`,
            responses: { default: { description: `Proxied to ${service.name}` } },
            'x-portico': {
              upstream: upstreamName,
              ...(routePolicies.length > 0 && { apply: routePolicies }),
            },
          };
        }
      }
      if (route.preserve_host) upstreams[upstreamName]!.preserveHost = true;
    }
  }
  // `(?:/v2)?` before every path (as the export writes a server URL's path) is the design's server.
  const prefixes = new Set(allPrefixes);
  const server = prefixes.size === 1 && !prefixes.has(undefined) ? [...prefixes][0] : undefined;
  const consumers = file.consumers ?? [];
  if (consumers.length > 0) {
    note('*', 'consumers', `${consumers.length} consumer${consumers.length === 1 ? '' : 's'} (${consumers.map((c) => c.username).join(', ')}): credentials are never imported`, 'portico consumers add <name> for each, and give them their new keys');
  }

  const design: Record<string, unknown> = {
    openapi: '3.1.0',
    info: { title: options.title ?? 'Imported from Kong', version: '1.0.0' },
    ...(server !== undefined && { servers: [{ url: server }] }),
    'x-portico': { upstreams },
    paths,
  };
  const seen = new Set<string>();
  const unique = report.filter((n) => {
    const key = JSON.stringify([n.what, n.why]) + (n.where === '*' ? '' : n.where.split('/')[0]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  report.splice(0, report.length, ...unique);
  return { design, files: [{ path: 'openapi.yaml', content: `# Imported from a Kong declarative file by \`portico import kong\`.\n${stringify(design, { lineWidth: 0, aliasDuplicateObjects: false })}` }], report };
}

/** Kong's plugin priorities (3.x): the order Kong runs them in, whatever the file's order. */
const KONG_PRIORITY: Record<string, number> = {
  cors: 2000,
  jwt: 1450,
  'key-auth': 1250,
  'basic-auth': 1100,
  'ip-restriction': 990,
  'request-size-limiting': 951,
  'rate-limiting': 910,
  'request-transformer': 801,
  'response-transformer': 800,
  'proxy-cache': 100,
};

/**
 * The plugins that run on a route, as Kong decides: one per name, the most specific (route, then service, then global),
 * in Kong's priority order. The design's chain is that order, so it behaves as Kong did (authentication before rate
 * limiting, say).
 */
function effectivePlugins<P extends { name: string }>(global: readonly P[], service: readonly P[], route: readonly P[]): P[] {
  const byName = new Map<string, P>();
  for (const plugin of [...global, ...service, ...route]) byName.set(plugin.name, plugin);
  return [...byName.values()].sort((a, b) => (KONG_PRIORITY[b.name] ?? 0) - (KONG_PRIORITY[a.name] ?? 0));
}

function upstreamOf(service: KongService, target?: string): Record<string, unknown> {
  const host = target ?? `${service.host.includes(':') ? `[${service.host}]` : service.host}:${service.port}`;
  return {
    url: `${service.protocol}://${host}${service.path ?? ''}`,
    ...(service.read_timeout !== undefined && { timeout: `${service.read_timeout}ms` }),
    ...(service.tls_verify === false && { insecure: true }),
  };
}

/** `~(?:/v2)?/pets/(?<id>[^/]+)/?$` → /pets/{id}; a plain path is a prefix in Kong and an exact path here (noted). */
function templateOf(path: string, where: string, note: (where: string, what: string, why: string, instead: string) => void): { template: string; prefix?: string } | undefined {
  if (!path.startsWith('~')) {
    note(where, path, 'Kong matches a plain path as a prefix; the design has this exact path', 'add operations for the longer paths the prefix served');
    return { template: path };
  }
  let regex = path.slice(1).replace(/^\^/, '').replace(/\/\?\$$|\$$/, '');
  const prefix = /^\(\?:(\/[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*)\)\?/.exec(regex);
  if (prefix) regex = regex.slice(prefix[0].length);
  let index = 0;
  const template = regex.replace(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>\[\^\/\]\+\)/g, (_, name: string) => `{${name}}`).replace(/\[\^\/\]\+/g, () => `{p${++index}}`).replace(/\\([.\-/])/g, '$1');
  if (/[()[\]*+?|^$\\]/.test(template)) {
    note(where, path, 'this regular expression is not a path template (one segment per parameter)', 'write the operation by hand');
    return undefined;
  }
  return { template, ...(prefix && { prefix: prefix[1]! }) };
}

function policiesOf(plugins: readonly KongPlugin[] | readonly { name: string; config: unknown }[], where: string, note: (where: string, what: string, why: string, instead: string) => void): Policy[] {
  const out: Policy[] = [];
  for (const plugin of plugins as readonly KongPlugin[]) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case reads fields the strict model has already checked
    const c = plugin.config as Record<string, any>;
    switch (plugin.name) {
      case 'key-auth':
        out.push({ use: 'api-key', with: { in: c.key_in_header === false && c.key_in_query !== false ? 'query' : 'header', name: c.key_names[0] } });
        if (c.key_names.length > 1) note(where, 'key-auth', 'Portico reads the key from one name', `keys are read from ${c.key_names[0]} only`);
        if (c.key_in_header !== false && c.key_in_query !== false) note(where, 'key-auth', 'Kong read the key from the header or the query string; the design reads it from the header only', 'send keys in the header');
        if (c.key_in_body === true) note(where, 'key-auth', 'keys in the request body are not read', 'send keys in the header');
        break;
      case 'basic-auth':
        out.push({ use: 'basic-auth' });
        break;
      case 'jwt':
        out.push({ use: 'jwt', with: { keyFile: 'jwt-public.pem', ...(c.header_names && c.header_names[0] !== 'Authorization' && { name: c.header_names[0] }), ...(c.maximum_expiration && { maxAge: `${c.maximum_expiration}s` }) } });
        note(where, 'jwt', "Kong keeps the keys in each consumer's jwt_secrets, which are not imported", 'put the issuer public key in jwt-public.pem (or set jwksUrl or secretFile)');
        break;
      case 'rate-limiting': {
        const by = c.limit_by === 'consumer' ? 'consumer' : c.limit_by === 'header' ? `header:${c.header_name}` : 'ip';
        for (const [unit, window] of Object.entries(UNITS)) if (c[unit] !== undefined) out.push({ use: 'rate-limit', with: { limit: c[unit], window, by } });
        if (c.month !== undefined) out.push({ use: 'quota', with: { limit: c.month, period: 'month', by: by === 'consumer' ? 'consumer' : 'ip' } });
        if (c.year !== undefined) note(where, 'rate-limiting', 'yearly limits have no Portico equivalent', 'use a monthly quota');
        break;
      }
      case 'cors':
        out.push({
          use: 'cors',
          with: {
            origins: (c.origins ?? ['*']).map((o: string) => o.replace(/\[a-z0-9-\]\+/g, '*').replace(/\\\./g, '.')),
            credentials: c.credentials ?? false,
            ...(c.methods && { methods: c.methods }),
            ...(c.headers && { headers: c.headers }),
            ...(c.exposed_headers && { exposeHeaders: c.exposed_headers }),
            ...(c.max_age !== undefined && { maxAge: `${c.max_age}s` }),
          },
        });
        break;
      case 'request-size-limiting': {
        const unit = { bytes: 1, kilobytes: 1024, megabytes: 1024 * 1024 }[(c.size_unit as string) ?? 'megabytes'] ?? 1024 * 1024;
        out.push({ use: 'request-size-limit', with: { max: c.allowed_payload_size * unit } });
        break;
      }
      case 'ip-restriction':
        out.push({ use: 'ip-filter', with: { ...(c.allow && { allow: c.allow }), ...(c.deny && { deny: c.deny }) } });
        break;
      case 'request-transformer':
      case 'response-transformer': {
        const side = plugin.name === 'request-transformer' ? 'request' : 'response';
        const pairs = (list: string[] | undefined) => Object.fromEntries((list ?? []).map((p) => [p.slice(0, p.indexOf(':')), p.slice(p.indexOf(':') + 1)]));
        const replace = pairs(c.replace?.headers);
        const add = pairs(c.add?.headers);
        const set = Object.fromEntries(Object.entries(add).filter(([k, v]) => replace[k] === v));
        for (const k of Object.keys({ ...replace, ...add })) if (!(k in set)) note(where, `${plugin.name} ${k}`, 'Kong replace-only or add-only header changes are imported as set (replace or add)', 'none needed in most cases');
        const changes = {
          ...(Object.keys({ ...replace, ...add }).length > 0 && { set: { ...replace, ...add } }),
          ...(c.remove?.headers?.length && { remove: c.remove.headers }),
          ...(c.rename?.headers?.length && { rename: pairs(c.rename.headers) }),
          ...(c.append?.headers?.length && { append: pairs(c.append.headers) }),
        };
        for (const [k, v] of Object.entries((changes.set ?? {}) as Record<string, string>)) (changes.set as Record<string, string>)[k] = v.replace(/\$\(headers\["([^"]+)"\]\)/g, '${request.header.$1}').replace(/\$\(query_params\["([^"]+)"\]\)/g, '${request.query.$1}');
        if (side === 'request') {
          // Query strings and the URI become a rewrite policy, as the export writes one.
          const qReplace = pairs(c.replace?.querystring);
          const qAdd = pairs(c.add?.querystring);
          const query = {
            ...(Object.keys({ ...qReplace, ...qAdd }).length > 0 && { set: { ...qReplace, ...qAdd } }),
            ...(c.remove?.querystring?.length && { remove: c.remove.querystring }),
            ...(c.rename?.querystring?.length && { rename: pairs(c.rename.querystring) }),
          };
          const uri = typeof c.replace?.uri === 'string' ? (c.replace.uri as string) : undefined;
          if (uri !== undefined || Object.keys(query).length > 0) out.push({ use: 'rewrite', with: { ...(uri !== undefined && { path: { from: '^.*$', to: uri.replace(/\$/g, '$$$$') } }), ...(Object.keys(query).length > 0 && { query }) } });
        }
        const given = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
        const other =
          Object.entries(c).some(([op, v]) => typeof v === 'object' && v !== null && Object.entries(v).some(([k, x]) => given(x) && k !== 'headers' && (side === 'response' || (k !== 'querystring' && !(op === 'replace' && k === 'uri'))))) ||
          given(c.http_method);
        if (other) note(where, plugin.name, 'only header, query string and URI changes are imported (bodies, JSON fields and the method are not)', 'use the transform-body policy');
        if (Object.keys(changes).length > 0) {
          const last = out[out.length - 1];
          // A request and a response transformer side by side become one headers policy, as the export writes them.
          if (side === 'response' && last?.use === 'headers' && last.with?.response === undefined) last.with!.response = changes;
          else out.push({ use: 'headers', with: { [side]: changes } });
        }
        break;
      }
      case 'proxy-cache':
        out.push({ use: 'cache', with: { ...(c.cache_ttl !== undefined && { ttl: `${c.cache_ttl}s` }) } });
        if (c.strategy !== 'memory') note(where, 'proxy-cache', `the ${String(c.strategy)} strategy becomes the gateway's in-memory cache`, 'none needed locally');
        if (!c.cache_control) note(where, 'proxy-cache', "Kong ignored Cache-Control here; the cache policy honours it", 'none needed in most cases');
        if (c.content_type && !['application/json', 'application/json; charset=utf-8', 'text/plain', 'text/plain; charset=utf-8'].every((t) => (c.content_type as string[]).includes(t))) {
          note(where, 'proxy-cache', 'the cache policy caches every content type, not only those listed in content_type', 'none needed in most cases');
        }
        break;
      default:
        note(where, (plugin as { name: string }).name, 'no Portico policy for this plugin', 'configure the equivalent by hand');
    }
  }
  return out;
}
