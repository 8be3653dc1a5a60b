import type { Design } from '../openapi/design.js';
import { compile, serverPrefix, type NamedUpstream } from '../pipeline/compile.js';
import type { PolicyDefinition, PolicyServices, RequestHandler } from '../pipeline/policy.js';
import { policiesById } from '../policies/index.js';

/**
 * What every export starts from: the design compiled by the gateway's own `compile` (so an export sees exactly the
 * routes, upstreams, chains and defaults the local gateway runs), with each policy's parsed configuration kept.
 *
 * `compile` gives handlers, not configurations. The export compiles with a catalog whose `create` does not build a
 * handler: it returns a marker function that carries the parsed configuration, and records the configuration of
 * each security scheme by its instance key. Nothing runs: no key file is read, no JWKS fetched, no health check started.
 */

export type ExportTarget = 'kong' | 'nginx' | 'zuplo' | 'krakend';
export const EXPORT_TARGETS: readonly ExportTarget[] = ['kong', 'nginx', 'zuplo', 'krakend'];

export interface ExportFile {
  path: string;
  content: string;
}

/**
 * One thing a target does not do as the local gateway does. `unsupported`: not exported at all (the route is left
 * out when it is an authentication, so it fails closed); `approximate`: exported with a different behaviour, said in `why`.
 */
export interface ReportEntry {
  target: ExportTarget;
  /** `GET /pets/{id}`, or `*` for the whole design. */
  route: string;
  /** Policy id (or `route` for the route itself, `upstream`, `consumers`). */
  policy: string;
  why: string;
  instead: string;
  kind: 'unsupported' | 'approximate';
}

export interface ExportResult {
  files: ExportFile[];
  report: ReportEntry[];
}

export interface ExportOptions {
  /** Consumer names (never keys: those are hashed in the local store, and secret): listed for the operator. */
  consumers?: readonly string[];
}

/** A policy of a route's chain, with its parsed configuration. */
export interface ExportPolicy {
  id: string;
  /** Name of the instance in `x-portico.policies`, when it is a named one. */
  name?: string;
  /** Unique per instance in the design: a named instance (and a global inline one) is shared by every route using it. */
  key: string;
  config: unknown;
}

/** An operation's `security`, as alternatives (OR) of schemes (AND), each with the policy it maps to. */
export interface SecurityPlanModel {
  alternatives: { scheme: string; policy: ExportPolicy }[][];
}

export interface ExportRoute {
  method: string;
  /** Path template as written: /pets/{petId}. */
  path: string;
  operationId?: string;
  /** A name usable as an identifier in every target: the operationId or one made from method and path. */
  name: string;
  mode: 'mock' | 'proxy';
  upstream?: NamedUpstream;
  /** The chain in order; the security plan's place is an entry with id `security` when the route has one. */
  policies: (ExportPolicy | { id: 'security'; plan: SecurityPlanModel })[];
}

export interface ExportModel {
  title: string;
  version: string;
  /** Path of the first server URL (`/v1`), under which routes also match locally. */
  serverPrefix?: string;
  upstreams: NamedUpstream[];
  routes: ExportRoute[];
  /** Largest body read whole by the local gateway (mocking, validation). */
  bodyLimit: number;
}

export function routeLabel(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}

const CONFIG = new WeakMap<RequestHandler, ExportPolicy>();

/** The design as an export sees it. Throws `DesignError` as `compile` does for a design the gateway would refuse. */
export function exportModel(design: Design, options: { env?: Readonly<Record<string, string | undefined>> } = {}): ExportModel {
  const schemes = new Map<string, ExportPolicy>();
  const recording = new Map<string, PolicyDefinition>();
  for (const [id, definition] of policiesById) {
    recording.set(id, {
      ...definition,
      create: (config, _services, instance) => {
        const policy: ExportPolicy = { id, key: instance.key, config, ...(instance.name !== undefined && { name: instance.name }) };
        if (instance.key.startsWith('scheme:')) schemes.set(instance.key.slice('scheme:'.length), policy);
        const marker: RequestHandler = (ctx) => ctx.next();
        CONFIG.set(marker, policy);
        return marker;
      },
    });
  }
  const services: PolicyServices = { counters: { hit: () => ({ count: 0, resetAt: 0 }), slide: () => ({ count: 0, resetAt: 0 }) }, consumers: { findByKey: () => undefined }, now: () => 0 };
  const table = compile(design, { policies: recording, services, env: options.env ?? process.env });
  table.close();

  const names = new Set<string>();
  const routes = table.routes.map((compiled): ExportRoute => {
    const { info, operation } = compiled;
    const policies: ExportRoute['policies'] = compiled.chain.map((policy) => {
      const recorded = policy.request ? CONFIG.get(policy.request) : undefined;
      if (policy.name === 'security' && (recorded === undefined || recorded.key.startsWith('scheme:'))) {
        return { id: 'security' as const, plan: securityPlan(operation.security?.value, schemes) };
      }
      if (!recorded) throw new Error(`export: no configuration recorded for policy ${policy.id} of ${info.method} ${info.path}`);
      return recorded;
    });
    return {
      method: info.method,
      path: info.path,
      ...(info.operationId !== undefined && { operationId: info.operationId }),
      name: uniqueName(info.operationId ?? `${info.method.toLowerCase()}${info.path.replace(/[^A-Za-z0-9]+/g, '-')}`.replace(/-+$/, ''), names),
      mode: compiled.mode,
      ...(compiled.upstream && { upstream: compiled.upstream }),
      policies,
    };
  });
  const info = (design.root.value.info ?? {}) as { title?: unknown; version?: unknown };
  const prefix = serverPrefix(design.root.value.servers);
  return {
    title: typeof info.title === 'string' ? info.title : 'api',
    version: typeof info.version === 'string' ? info.version : '0',
    ...(prefix !== undefined && { serverPrefix: prefix }),
    upstreams: [...table.upstreams.values()],
    routes,
    bodyLimit: table.bodyLimit,
  };
}

function securityPlan(requirements: Record<string, string[]>[] | undefined, schemes: ReadonlyMap<string, ExportPolicy>): SecurityPlanModel {
  const alternatives = (requirements ?? []).map((requirement) =>
    Object.keys(requirement ?? {}).map((scheme) => {
      const policy = schemes.get(scheme);
      if (!policy) throw new Error(`export: security scheme "${scheme}" was not compiled`);
      return { scheme, policy };
    }),
  );
  return { alternatives };
}

function uniqueName(base: string, taken: Set<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_.-]/g, '-') || 'route';
  let name = clean;
  for (let i = 2; taken.has(name); i++) name = `${clean}-${i}`;
  taken.add(name);
  return name;
}

/** The policies of a route's chain with the security plan's single scheme (when it has exactly one) in its place. */
export function flatPolicies(route: ExportRoute): { policies: ExportPolicy[]; plan?: SecurityPlanModel } {
  const policies: ExportPolicy[] = [];
  let plan: SecurityPlanModel | undefined;
  for (const entry of route.policies) {
    if ('plan' in entry) {
      const only = entry.plan.alternatives.length === 1 ? entry.plan.alternatives[0]! : undefined;
      if (only && only.length >= 1) policies.push(...only.map((a) => a.policy));
      else plan = entry.plan;
    } else {
      policies.push(entry);
    }
  }
  return { policies, ...(plan && { plan }) };
}

/**
 * A path template as a regular expression over the request path, the way the local gateway routes:
 * a parameter is one segment, a trailing slash is ignored, and the first server URL's path may come first.
 * `named`: capture parameters as named groups (`p_<index>`) for targets that read them.
 */
export function templateRegex(template: string, options: { prefix?: string; named?: boolean } = {}): string {
  let index = 0;
  const body = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (/^\{[^}]+\}$/.test(part)) return options.named ? `(?<p_${index++}>[^/]+)` : '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('')
    .replace(/\/$/, '');
  const prefix = options.prefix ? `(?:${options.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})?` : '';
  return `^${prefix}${body}/?$`;
}

export function secondsOf(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function entry(target: ExportTarget, route: string, policy: string, why: string, instead: string, kind: ReportEntry['kind'] = 'unsupported'): ReportEntry {
  return { target, route, policy, why, instead, kind };
}
