import type { Design } from '../openapi/design.js';
import type { Operation } from '../openapi/operations.js';
import type { CompileOptions, CompiledPolicy } from './compiled.js';
import { NEXT, type Outcome, type PolicyContext, type RequestHandler, type SecretNames } from './policy.js';

/**
 * The document's `security` requirements enforced without any explicit policy: an operation that requires an
 * `apiKey` scheme gets key auth. Requirements are OR-ed, the schemes inside one requirement AND-ed, as OpenAPI says.
 */

export interface SecurityPlan {
  policy: CompiledPolicy;
}

interface SchemeCheck {
  name: string;
  handler: RequestHandler;
  secrets: SecretNames;
}

export function securityPolicy(design: Design, options: CompileOptions, warnings: string[]) {
  const schemes = design.get<Record<string, unknown>>(design.root, 'components', 'securitySchemes');
  const checks = new Map<string, SchemeCheck | null>();
  const warned = new Set<string>();

  const checkFor = (schemeName: string): SchemeCheck | null => {
    if (checks.has(schemeName)) return checks.get(schemeName)!;
    const scheme = schemes ? design.get<Record<string, unknown>>(schemes, schemeName)?.value : undefined;
    let check: SchemeCheck | null = null;
    const apiKey = options.policies.get('api-key');
    if (scheme?.type === 'apiKey' && apiKey && typeof scheme.name === 'string') {
      const config = apiKey.config.parse({ in: scheme.in, name: scheme.name });
      const created = apiKey.create(config, options.services, { key: `scheme:${schemeName}`, route: { method: '*', path: '*' } });
      const handler = typeof created === 'function' ? created : created.request;
      if (handler) check = { name: schemeName, handler, secrets: apiKey.secrets?.(config) ?? {} };
    } else if (!warned.has(schemeName)) {
      warned.add(schemeName);
      const type = scheme ? String(scheme.type) : 'undefined';
      warnings.push(`security scheme "${schemeName}" (${type}) is not enforced by the gateway yet; operations that require it accept any request`);
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
      return { policy: { id: 'api-key', name: 'security', label, request: handler, preflight: false, secrets } };
    },
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
