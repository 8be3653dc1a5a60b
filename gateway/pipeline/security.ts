import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Design, DesignProblem } from '../openapi/design.js';
import { appendPointer } from '../openapi/json-pointer.js';
import type { Operation } from '../openapi/operations.js';
import type { CompileOptions, CompiledPolicy } from './compiled.js';
import { problem } from './problem.js';
import { NEXT, PolicyConfigError, type Outcome, type PolicyContext, type RequestHandler, type SecretNames } from './policy.js';

/**
 * The document's `security` requirements enforced without any explicit policy. Requirements are OR-ed, the schemes
 * inside one requirement AND-ed, as OpenAPI says. Each scheme maps to a policy:
 * - `apiKey` → api-key (where and under which name, from the scheme);
 * - `http` `basic` → basic-auth (the scheme's `x-portico`, if any, is its config: `{ realm }`);
 * - `openIdConnect` → jwt with the scheme's `openIdConnectUrl` (discovery: keys and issuer), plus its `x-portico`;
 * - `http` `bearer`, `oauth2` → jwt, configured by the scheme's `x-portico` (where the keys are: `jwksUrl`, `keyFile`
 *   or `secretFile`; `issuer`, `audience`, ...). Without it the scheme is reported as not enforced.
 */

/** Policies that authenticate: an explicit one in a route's chain replaces the plan from `security`. */
export const AUTH_POLICIES: ReadonlySet<string> = new Set(['api-key', 'basic-auth', 'jwt']);

export interface SecurityPlan {
  policy: CompiledPolicy;
}

interface SchemeCheck {
  name: string;
  policyId: string;
  handler: RequestHandler;
  secrets: SecretNames;
}

export function securityPolicy(design: Design, options: CompileOptions, warnings: string[], problems: DesignProblem[] = []) {
  const schemes = design.get<Record<string, unknown>>(design.root, 'components', 'securitySchemes');
  const checks = new Map<string, SchemeCheck | null>();
  const warned = new Set<string>();

  const notEnforced = (schemeName: string, type: string, hint = '') => {
    if (warned.has(schemeName)) return;
    warned.add(schemeName);
    warnings.push(`security scheme "${schemeName}" (${type}) is not enforced by the gateway${hint}; operations that require it accept any request`);
  };

  const checkFor = (schemeName: string): SchemeCheck | null => {
    if (checks.has(schemeName)) return checks.get(schemeName)!;
    const node = schemes ? design.get<Record<string, unknown>>(schemes, schemeName) : undefined;
    const scheme = node?.value;
    const extension = scheme?.['x-portico'];
    const httpScheme = typeof scheme?.scheme === 'string' ? scheme.scheme.toLowerCase() : undefined;
    let policyId: string | undefined;
    let config: unknown;
    if (scheme?.type === 'apiKey' && typeof scheme.name === 'string') [policyId, config] = ['api-key', { in: scheme.in, name: scheme.name }];
    else if (scheme?.type === 'http' && httpScheme === 'basic') [policyId, config] = ['basic-auth', extension ?? {}];
    else if (scheme?.type === 'openIdConnect' && typeof scheme.openIdConnectUrl === 'string') {
      // The scheme says where the provider is: discovery gives the keys and the issuer. x-portico may add the rest.
      const own = (extension ?? {}) as Record<string, unknown>;
      const keyed = ['secretFile', 'keyFile', 'jwksUrl', 'openIdConnectUrl'].some((k) => own[k] !== undefined);
      [policyId, config] = ['jwt', keyed ? own : { openIdConnectUrl: scheme.openIdConnectUrl, ...own }];
      if (own.audience === undefined) warnings.push(`security scheme "${schemeName}" (openIdConnect): no audience is required; add x-portico: { audience: ... } to the scheme so that tokens issued for other APIs are refused`);
    } else if ((scheme?.type === 'http' && httpScheme === 'bearer') || scheme?.type === 'oauth2' || scheme?.type === 'openIdConnect') {
      if (extension === undefined) {
        // Without keys the token cannot be verified, but a request without one is still refused (as Prism's mock does):
        // a design that requires a token never serves an anonymous caller.
        if (!warned.has(schemeName)) {
          warned.add(schemeName);
          warnings.push(
            `security scheme "${schemeName}" (${String(scheme.type)}): requests must carry a bearer token, but it is not verified; ` +
              'say where its keys are with x-portico on the scheme ({ jwksUrl | keyFile | secretFile, issuer, audience })',
          );
        }
        const check: SchemeCheck = { name: schemeName, policyId: 'security', handler: bearerPresent(schemeName), secrets: { headers: ['authorization'] } };
        checks.set(schemeName, check);
        return check;
      }
      [policyId, config] = ['jwt', extension];
    }
    const definition = policyId === undefined ? undefined : options.policies.get(policyId);
    let check: SchemeCheck | null = null;
    if (!definition || !node) {
      notEnforced(schemeName, scheme ? `${String(scheme.type)}${httpScheme ? ' ' + httpScheme : ''}` : 'undefined', ' yet');
    } else {
      const at = (path: readonly (string | number)[]) =>
        policyId === 'api-key' ? node : { file: node.file, pointer: appendPointer(node.pointer, 'x-portico', ...path.map(String)) };
      const parsed = definition.config.safeParse(config);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(design.problem(at(issue.path as (string | number)[]), `security scheme "${schemeName}" (${definition.id}): ${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`));
      } else {
        try {
          const baseDir = node.file.startsWith('file:') ? dirname(fileURLToPath(node.file)) : undefined;
          const created = definition.create(parsed.data, options.services, { key: `scheme:${schemeName}`, route: { method: '*', path: '*' }, ...(baseDir !== undefined && { baseDir }) });
          const handler = typeof created === 'function' ? created : created.request;
          if (handler) check = { name: schemeName, policyId: definition.id, handler, secrets: definition.secrets?.(parsed.data) ?? {} };
        } catch (error) {
          if (!(error instanceof PolicyConfigError)) throw error;
          problems.push(design.problem(at(error.path), `security scheme "${schemeName}" (${definition.id}): ${error.path.length ? error.path.join('.') + ': ' : ''}${error.message}`));
        }
      }
    }
    checks.set(schemeName, check);
    return check;
  };

  return {
    planFor(operation: Operation): SecurityPlan | undefined {
      const requirements = operation.security?.value;
      if (!Array.isArray(requirements) || requirements.length === 0) return undefined;
      const alternatives: SchemeCheck[][] = [];
      for (const requirement of requirements) {
        const names = Object.keys(requirement ?? {});
        if (names.length === 0) return undefined; // `{}`: anonymous access is one of the options
        const resolved = names.map(checkFor);
        if (resolved.some((c) => c === null)) return undefined;
        alternatives.push(resolved as SchemeCheck[]);
      }
      const handler = alternatives.length === 1 && alternatives[0]!.length === 1 ? alternatives[0]![0]!.handler : anyOf(alternatives);
      const secrets: SecretNames = {
        headers: alternatives.flat().flatMap((c) => c.secrets.headers ?? []),
        query: alternatives.flat().flatMap((c) => c.secrets.query ?? []),
      };
      const label = `security (${requirements.map((r) => Object.keys(r).join(' + ')).join(' | ')})`;
      const ids = new Set(alternatives.flat().map((c) => c.policyId));
      const id = ids.size === 1 ? [...ids][0]! : 'security';
      return { policy: { id, name: 'security', label, request: handler, preflight: false, replaysRequest: false, secrets } };
    },
  };
}

/** A bearer token is present (not verified: the scheme names no keys); otherwise 401 with a Bearer challenge. */
function bearerPresent(schemeName: string): RequestHandler {
  return (ctx: PolicyContext) => {
    const header = ctx.request.headers.authorization;
    if (typeof header === 'string' && /^bearer\s+\S+/i.test(header)) return NEXT;
    return ctx.problem(
      problem(401, 'unauthorized', 'Unauthorized', `This operation needs a bearer token (security scheme "${schemeName}").`),
      { headers: { 'www-authenticate': 'Bearer' }, reason: `no bearer token (scheme "${schemeName}"; tokens are not verified: it names no keys)` },
    );
  };
}

/** Passes when every check of some alternative passes; otherwise answers as the first alternative's first failure did. */
function anyOf(alternatives: SchemeCheck[][]): RequestHandler {
  return async (ctx: PolicyContext) => {
    let firstFailure: Outcome | undefined;
    for (const checks of alternatives) {
      const before = ctx.consumer;
      let failure: Outcome | undefined;
      for (const check of checks) {
        const outcome = await check.handler(ctx);
        if (outcome !== NEXT) {
          failure = outcome;
          break;
        }
      }
      if (failure === undefined) return NEXT;
      ctx.consumer = before;
      firstFailure ??= failure;
    }
    return firstFailure!;
  };
}
