import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import findMyWay from 'find-my-way';
import type { z } from 'zod';
import { DesignError, type Design, type DesignProblem, type Node } from '../openapi/design.js';
import { appendPointer } from '../openapi/json-pointer.js';
import { listOperations, type Operation } from '../openapi/operations.js';
import { documentExtension, operationExtension, type DocumentExtension, type PolicyReference, type UpstreamDefinition } from './extension.js';
import type { CompiledPolicy, CompileOptions } from './compiled.js';
import { PolicyConfigError, type PolicyDefinition, type PolicyHandlers, type RequestHandler, type RouteInfo } from './policy.js';

export type { CompiledPolicy, CompileOptions } from './compiled.js';
import { AUTH_POLICIES, securityPolicy, type SecurityPlan } from './security.js';

/** Compile a design into a route table: every check and every policy's `create` runs here, once, not per request. */



export interface NamedUpstream extends UpstreamDefinition {
  name: string;
}

export interface CompiledRoute {
  info: RouteInfo;
  operation: Operation;
  mode: 'mock' | 'proxy';
  upstream?: NamedUpstream;
  /** Request phase, in order. */
  chain: CompiledPolicy[];
  /** The policies that take part in a CORS preflight. */
  preflightChain: CompiledPolicy[];
  /** Response phase, already reversed. */
  responseChain: CompiledPolicy[];
  /** Request-body phase, in order: when not empty, request bodies are read whole before going on. */
  bodyChain: CompiledPolicy[];
  /** A policy may send the request again (retry, mock-fallback): bodies that fit the body limit are held in memory. */
  replaysRequest: boolean;
  /** Response-body phase, reversed: when not empty, response bodies are read whole before they are sent. */
  responseBodyChain: CompiledPolicy[];
}

export interface RouteMatch {
  route: CompiledRoute;
  params: Record<string, string>;
}

export interface RouteTable {
  routes: CompiledRoute[];
  upstreams: Map<string, NamedUpstream>;
  find(method: string, path: string): RouteMatch | undefined;
  /** Methods served at a path, for 405's Allow header; empty when the path is unknown. */
  allowedMethods(path: string): string[];
  /** Largest request body read whole. */
  bodyLimit: number;
  /** Names under which the design carries secrets, redacted in the log. */
  secretNames: { headers: string[]; query: string[] };
  /** Things that work but that the user should know. */
  warnings: string[];
  /** Stops what the table's policies run in the background (health checks); the server calls it when the table is replaced. */
  close(): void;
}

const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

export function compile(design: Design, options: CompileOptions): RouteTable {
  const problems: DesignProblem[] = [];
  const warnings: string[] = [];
  const env = options.env ?? process.env;
  const extensionNode = design.child(design.root, 'x-portico');
  const extension = parseExtension(design, extensionNode, documentExtension, problems) ?? {};

  const upstreams = compileUpstreams(design, extensionNode, extension, env, problems);
  if (options.mode === 'proxy') {
    if (!options.upstreamUrl) throw new Error('proxy mode needs an upstream URL');
    upstreams.set('cli', { name: 'cli', url: options.upstreamUrl, timeout: 30_000, insecure: false, preserveHost: false });
  }
  const defaultUpstream = extension.upstream;
  if (defaultUpstream !== undefined && !upstreams.has(defaultUpstream) && extensionNode) {
    problems.push(design.problem({ file: extensionNode.file, pointer: appendPointer(extensionNode.pointer, 'upstream') }, `unknown upstream "${defaultUpstream}"`));
  }

  const security = securityPolicy(design, options, warnings, problems);
  const upstreamUrls: ReadonlyMap<string, { url: string }> = upstreams;
  const routes: CompiledRoute[] = [];
  const globalApply = extension.apply ?? [];

  for (const operation of listOperations(design)) {
    const info: RouteInfo = { method: operation.method, path: operation.path, ...(operation.operationId !== undefined && { operationId: operation.operationId }) };
    const opExtensionNode = design.child(operation.node, 'x-portico');
    const opExtension = parseExtension(design, opExtensionNode, operationExtension, problems) ?? {};

    const chain: CompiledPolicy[] = [];
    const instantiate = (references: readonly PolicyReference[], owner: Node | undefined, scope: string) => {
      references.forEach((reference, index) => {
        const at = owner ? { file: owner.file, pointer: appendPointer(owner.pointer, 'apply', index) } : undefined;
        const compiled = instantiatePolicy(design, reference, at, extension, extensionNode, info, `${scope}#${index}`, options, problems, upstreamUrls);
        if (compiled) chain.push(compiled);
      });
    };
    instantiate(globalApply, extensionNode, 'global');
    const plan: SecurityPlan | undefined = chain.some((p) => AUTH_POLICIES.has(p.id)) ? undefined : security.planFor(operation);
    if (plan) chain.push(plan.policy);
    instantiate(opExtension.apply ?? [], opExtensionNode, `${operation.method} ${operation.path}`);
    checkTerminalLast(design, chain, opExtensionNode ?? extensionNode, options.policies, problems);

    const route: CompiledRoute = {
      info,
      operation,
      mode: 'mock',
      chain,
      preflightChain: chain.filter((p) => p.preflight),
      responseChain: chain.filter((p) => p.response).reverse(),
      bodyChain: chain.filter((p) => p.requestBody),
      replaysRequest: chain.some((p) => p.replaysRequest),
      responseBodyChain: chain.filter((p) => p.responseBody).reverse(),
    };
    // A route that names no upstream but balances over some is proxied to them (the first is its nominal upstream).
    const balanced = chain.find((p) => p.upstreams !== undefined)?.upstreams?.[0];
    const upstreamName = options.mode === 'proxy' ? 'cli' : opExtension.mock === true || options.mode === 'mock' ? undefined : (opExtension.upstream ?? defaultUpstream ?? balanced);
    if (upstreamName !== undefined) {
      const upstream = upstreams.get(upstreamName);
      if (upstream) Object.assign(route, { mode: 'proxy', upstream });
      else if (opExtensionNode) problems.push(design.problem({ file: opExtensionNode.file, pointer: appendPointer(opExtensionNode.pointer, 'upstream') }, `unknown upstream "${upstreamName}"`));
    }
    routes.push(route);
  }

  // Global `apply` entries are instantiated for every route: report each problem once.
  if (problems.length > 0) throw new DesignError(uniqueProblems(problems));
  return buildTable(design, routes, upstreams, extension, collectSecretNames(routes), warnings);
}

function parseExtension<S extends z.ZodType>(design: Design, node: Node | undefined, schema: S, problems: DesignProblem[]): z.output<S> | undefined {
  if (!node) return undefined;
  const parsed = schema.safeParse(node.value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String);
    const where = (keys: string[]) => ({ file: node.file, pointer: appendPointer(node.pointer, ...keys) });
    const label = (keys: string[]) => `x-portico${keys.length ? '.' + keys.join('.') : ''}`;
    if (issue.code === 'unrecognized_keys') {
      // Point at each unknown key itself, not at the object holding it.
      for (const key of issue.keys) problems.push(design.problem(where([...path, key]), `${label(path)}: unknown field "${key}"`));
    } else {
      problems.push(design.problem(where(path), `${label(path)}: ${issue.message}`));
    }
  }
  return undefined;
}

function compileUpstreams(design: Design, node: Node | undefined, extension: DocumentExtension, env: Readonly<Record<string, string | undefined>>, problems: DesignProblem[]): Map<string, NamedUpstream> {
  const upstreams = new Map<string, NamedUpstream>();
  for (const [name, definition] of Object.entries(extension.upstreams ?? {})) {
    const at = { file: node!.file, pointer: appendPointer(node!.pointer, 'upstreams', name, 'url') };
    const missing: string[] = [];
    const url = definition.url.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
      const value = env[variable];
      if (value === undefined) missing.push(variable);
      return value ?? '';
    });
    if (missing.length > 0) {
      problems.push(design.problem(at, `upstream "${name}": environment variable ${missing.map((m) => '${' + m + '}').join(', ')} is not set`));
      continue;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      problems.push(design.problem(at, `upstream "${name}": "${url}" is not a URL`));
      continue;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      problems.push(design.problem(at, `upstream "${name}": only http: and https: upstreams are supported, not ${parsed.protocol}`));
      continue;
    }
    upstreams.set(name, { ...definition, name, url });
  }
  return upstreams;
}

function instantiatePolicy(
  design: Design,
  reference: PolicyReference,
  at: { file: string; pointer: string } | undefined,
  extension: DocumentExtension,
  extensionNode: Node | undefined,
  route: RouteInfo,
  inlineKey: string,
  options: CompileOptions,
  problems: DesignProblem[],
  upstreams: ReadonlyMap<string, { url: string }>,
): CompiledPolicy | undefined {
  const report = (where: { file: string; pointer: string } | undefined, message: string) => {
    if (where) problems.push(design.problem(where, message));
    else problems.push({ file: design.locate(design.root).file, line: 1, column: 1, message, severity: 'error' });
  };
  let name: string | undefined;
  let use: string;
  let config: unknown;
  let configAt = at;
  if (typeof reference === 'string') {
    const named = extension.policies?.[reference];
    if (!named) {
      report(at, `unknown policy instance "${reference}" (define it under x-portico.policies)`);
      return undefined;
    }
    name = reference;
    use = named.use;
    config = named.with;
    configAt = extensionNode ? { file: extensionNode.file, pointer: appendPointer(extensionNode.pointer, 'policies', reference) } : at;
  } else {
    use = reference.use;
    config = reference.with;
  }
  const definition = options.policies.get(use);
  if (!definition) {
    const known = [...options.policies.keys()].join(', ');
    report(configAt && { ...configAt, pointer: appendPointer(configAt.pointer, 'use') }, `unknown policy "${use}" (known: ${known})`);
    return undefined;
  }
  const parsed = definition.config.safeParse(config ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = configAt && { ...configAt, pointer: appendPointer(configAt.pointer, 'with', ...issue.path.map(String)) };
      report(where, `${use}${name ? ` "${name}"` : ''}: ${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`);
    }
    return undefined;
  }
  const baseDir = configAt?.file.startsWith('file:') ? dirname(fileURLToPath(configAt.file)) : undefined;
  let handlers: PolicyHandlers | RequestHandler;
  try {
    handlers = definition.create(parsed.data, options.services, {
      ...(name !== undefined && { name }),
      key: name !== undefined ? `named:${name}` : inlineKey,
      route,
      upstreams,
      ...(baseDir !== undefined && { baseDir }),
    });
  } catch (error) {
    if (!(error instanceof PolicyConfigError)) throw error;
    const where = configAt && { ...configAt, pointer: appendPointer(configAt.pointer, 'with', ...error.path.map(String)) };
    report(where, `${use}${name ? ` "${name}"` : ''}: ${error.path.length ? error.path.join('.') + ': ' : ''}${error.message}`);
    return undefined;
  }
  const { request, requestBody, response, responseBody, close } = typeof handlers === 'function' ? { request: handlers } as PolicyHandlers : handlers;
  const summary = definition.describe?.(parsed.data);
  const targets = definition.upstreams?.(parsed.data);
  const secrets = definition.secrets?.(parsed.data);
  return {
    id: definition.id,
    ...(name !== undefined && { name }),
    label: `${definition.id}${name ? ` ${name}` : ''}${summary ? ` (${summary})` : ''}`,
    ...(request && { request }),
    ...(requestBody && { requestBody }),
    ...(response && { response }),
    ...(responseBody && { responseBody }),
    preflight: definition.preflight === true,
    replaysRequest: definition.replaysRequest === true,
    ...(secrets && { secrets }),
    ...(close && { close }),
    ...(targets && { upstreams: targets }),
  };
}

function checkTerminalLast(design: Design, chain: CompiledPolicy[], owner: Node | undefined, policies: ReadonlyMap<string, PolicyDefinition>, problems: DesignProblem[]): void {
  chain.forEach((policy, index) => {
    if (index < chain.length - 1 && policies.get(policy.id)?.terminal) {
      const where = owner ?? design.root;
      problems.push(design.problem(where, `policy "${policy.id}" always answers, so it must be the last of the chain`));
    }
  });
}

function buildTable(
  design: Design,
  routes: CompiledRoute[],
  upstreams: Map<string, NamedUpstream>,
  extension: DocumentExtension,
  secretNames: RouteTable['secretNames'],
  warnings: string[],
): RouteTable {
  const router = findMyWay({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 1000 });
  const prefix = serverPrefix(design.root.value.servers);
  const templates = new Map<string, string[]>();

  for (const route of routes) {
    const { pattern, names } = toRouterPattern(route.info.path);
    const store = { route, names };
    for (const path of prefix ? [pattern, prefix + pattern] : [pattern]) {
      try {
        router.on(route.info.method as findMyWay.HTTPMethod, path, noop, store);
        if (route.info.method === 'GET' && !routes.some((r) => r.info.method === 'HEAD' && r.info.path === route.info.path)) {
          router.on('HEAD', path, noop, store);
        }
      } catch (error) {
        warnings.push(`${route.info.method} ${route.info.path}: not routable (${(error as Error).message})`);
      }
    }
    const methods = templates.get(route.info.path) ?? [];
    methods.push(route.info.method);
    templates.set(route.info.path, methods);
  }
  const allMethods = [...new Set(routes.map((r) => r.info.method)), 'HEAD'];

  return {
    routes,
    upstreams,
    bodyLimit: extension.limits?.body ?? DEFAULT_BODY_LIMIT,
    secretNames,
    warnings,
    close() {
      for (const route of routes) for (const policy of route.chain) policy.close?.();
    },
    find(method, path) {
      const found = router.find(method as findMyWay.HTTPMethod, path);
      if (!found) return undefined;
      const { route, names } = found.store as { route: CompiledRoute; names: string[] };
      const params: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) params[names[i]!] = found.params[`p${i}`] ?? '';
      return { route, params };
    },
    allowedMethods(path) {
      return allMethods.filter((method) => router.find(method as findMyWay.HTTPMethod, path) !== null);
    },
  };
}

function noop(): void {}

function uniqueProblems(problems: DesignProblem[]): DesignProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function collectSecretNames(routes: CompiledRoute[]): RouteTable['secretNames'] {
  const headers = new Set<string>();
  const query = new Set<string>();
  for (const route of routes) {
    for (const policy of route.chain) {
      policy.secrets?.headers?.forEach((name) => headers.add(name.toLowerCase()));
      policy.secrets?.query?.forEach((name) => query.add(name));
    }
  }
  return { headers: [...headers], query: [...query] };
}

/** `/pets/{id}` → `/pets/:p0`; positional names keep find-my-way away from odd characters in parameter names. */
export function toRouterPattern(template: string): { pattern: string; names: string[] } {
  const names: string[] = [];
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const match = /^\{([^}]+)\}$/.exec(part);
      if (match) {
        names.push(match[1]!);
        return `:p${names.length - 1}`;
      }
      return part.replace(/:/g, '::');
    })
    .join('');
  return { pattern, names };
}

/** The path of the first `servers` URL (`/v1`), under which requests match too (and exports route too). */
export function serverPrefix(servers: unknown): string | undefined {
  if (!Array.isArray(servers) || servers.length === 0) return undefined;
  const first = servers[0] as { url?: unknown; variables?: Record<string, { default?: string }> };
  if (typeof first.url !== 'string') return undefined;
  const url = first.url.replace(/\{([^}]+)\}/g, (_, name: string) => first.variables?.[name]?.default ?? '');
  try {
    const path = new URL(url, 'http://placeholder').pathname.replace(/\/+$/, '');
    return path === '' ? undefined : path;
  } catch {
    return undefined;
  }
}
