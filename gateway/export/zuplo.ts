import { configOf, templateParts, type HeaderChanges } from './configs.js';
import { entry, flatPolicies, routeLabel, type ExportModel, type ExportOptions, type ExportPolicy, type ExportResult, type ReportEntry } from './model.js';

/**
 * Zuplo: `config/routes.oas.json` (the operations, each with `x-zuplo-route`: a URL forward handler and its inbound
 * policies) and `config/policies.json` (the policy instances and the CORS policies they name).
 */

const T = 'zuplo' as const;
const RUNTIME = '$import(@zuplo/runtime)';

interface ZuploPolicy {
  name: string;
  policyType: string;
  handler: { export: string; module: string; options: Record<string, unknown> };
}

export function zuploDocuments(model: ExportModel, options: ExportOptions = {}): { routes: Record<string, unknown>; policies: Record<string, unknown>; report: ReportEntry[] } {
  const report: ReportEntry[] = [];
  const policies = new Map<string, ZuploPolicy>();
  const corsPolicies = new Map<string, Record<string, unknown>>();
  const paths: Record<string, Record<string, unknown>> = {};

  for (const route of model.routes) {
    const label = routeLabel(route);
    const say = (policy: string, why: string, instead: string, kind: ReportEntry['kind'] = 'unsupported') => report.push(entry(T, label, policy, why, instead, kind));
    if (route.mode === 'mock' || !route.upstream) {
      say('route', 'the route is answered by the local mock (no upstream); the route is left out', "name an upstream for the operation, or use Zuplo's Mock API policy with examples");
      continue;
    }
    const { policies: chain, plan } = flatPolicies(route);
    if (plan) {
      say('security', 'the operation accepts one of several security requirements (OR); the route is left out (fails closed)', 'use one scheme, or a Composite policy with allowUnauthenticatedRequests and a custom check');
      continue;
    }
    const inbound: string[] = [];
    let corsPolicy = 'none';
    let failClosed = false;
    const add = (policy: ExportPolicy, suffix: string, type: string, exported: string, handlerOptions: Record<string, unknown>) => {
      const base = `${(policy.name ?? policy.key).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}${suffix}`;
      // One instance may need different options on different routes (counted by user after an auth policy, by address before).
      let name = base;
      for (let i = 2; policies.has(name) && JSON.stringify(policies.get(name)!.handler.options) !== JSON.stringify(handlerOptions); i++) name = `${base}-${i}`;
      if (!policies.has(name)) policies.set(name, { name, policyType: type, handler: { export: exported, module: RUNTIME, options: handlerOptions } });
      inbound.push(name);
    };

    for (const policy of chain) {
      switch (policy.id) {
        case 'api-key': {
          const cfg = configOf(policy, 'api-key');
          if (cfg.in !== 'header') {
            say('api-key', `Zuplo's API key policy reads a header, not a ${cfg.in}; the route is left out (fails closed)`, 'send the key in a header');
            failClosed = true;
            break;
          }
          add(policy, '', 'api-key-inbound', 'ApiKeyInboundPolicy', { allowUnauthenticatedRequests: false, authHeader: cfg.name, authScheme: '' });
          say('api-key', "keys are Zuplo's own (its API key service): Portico's keys are stored hashed and cannot be exported", 'create a consumer and key in Zuplo for each Portico consumer', 'approximate');
          break;
        }
        case 'basic-auth': {
          const accounts = (options.consumers ?? []).map((username) => ({ username, password: `$env(BASIC_AUTH_${username.toUpperCase().replace(/[^A-Z0-9]/g, '_')})`, data: {} }));
          add(policy, '', 'basic-auth-inbound', 'BasicAuthInboundPolicy', { allowUnauthenticatedRequests: false, accounts });
          say('basic-auth', 'passwords are not exported: each account reads its password from an environment variable the operator sets', 'set BASIC_AUTH_<CONSUMER> for each account in Zuplo', 'approximate');
          break;
        }
        case 'jwt': {
          const cfg = configOf(policy, 'jwt');
          if (cfg.secretFile !== undefined) {
            // The JWT policy verifies HS* tokens with a secret: read from an environment variable the operator sets, never exported.
            const variable = `JWT_SECRET_${(policy.name ?? policy.key).toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
            add(policy, '', 'open-id-jwt-auth-inbound', 'OpenIdJwtInboundPolicy', {
              allowUnauthenticatedRequests: false,
              secret: `$env(${variable})`,
              ...(cfg.issuer !== undefined && { issuer: Array.isArray(cfg.issuer) ? cfg.issuer[0] : cfg.issuer }),
              ...(cfg.audience !== undefined && { audience: Array.isArray(cfg.audience) ? cfg.audience[0] : cfg.audience }),
            });
            say('jwt', `the shared secret is not exported: the policy reads it from the environment variable ${variable}`, `set ${variable} in Zuplo to the secret in ${cfg.secretFile}`, 'approximate');
            break;
          }
          if (!cfg.jwksUrl) {
            say(
              'jwt',
              cfg.openIdConnectUrl !== undefined
                ? `the export does not read OpenID Connect discovery (${cfg.openIdConnectUrl}); the route is left out (fails closed)`
                : "Zuplo's JWT policy takes a JWKS URL; key files and shared secrets are not exported, so the route is left out (fails closed)",
              cfg.openIdConnectUrl !== undefined ? "set jwksUrl (the discovery document's jwks_uri) and issuer in the design" : 'publish the key as a JWKS, or use a custom policy',
            );
            failClosed = true;
            break;
          }
          add(policy, '', 'open-id-jwt-auth-inbound', 'OpenIdJwtInboundPolicy', {
            allowUnauthenticatedRequests: false,
            jwkUrl: cfg.jwksUrl,
            ...(cfg.issuer !== undefined && { issuer: Array.isArray(cfg.issuer) ? cfg.issuer[0] : cfg.issuer }),
            ...(cfg.audience !== undefined && { audience: Array.isArray(cfg.audience) ? cfg.audience[0] : cfg.audience }),
          });
          if (cfg.forward || cfg.requiredClaims || (Array.isArray(cfg.issuer) && cfg.issuer.length > 1) || (Array.isArray(cfg.audience) && cfg.audience.length > 1)) {
            say('jwt', 'claims forwarded as headers, required claims and several issuers or audiences are not options of the JWT policy', 'read request.user.data in a custom policy', 'approximate');
          }
          break;
        }
        case 'rate-limit': {
          const cfg = configOf(policy, 'rate-limit');
          const minutes = cfg.window / 60_000;
          const authBefore = chain.slice(0, chain.indexOf(policy)).some((p) => ['api-key', 'basic-auth', 'jwt'].includes(p.id));
          const by = cfg.by === 'consumer' && authBefore ? 'user' : 'ip';
          if (cfg.by.startsWith('header:')) say('rate-limit', 'counting by a header needs a custom function in Zuplo; counted by client address instead', 'write a rateLimitBy "function" module', 'approximate');
          if (!Number.isInteger(minutes) || minutes < 1) say('rate-limit', `Zuplo windows are whole minutes: ${cfg.window} ms becomes ${Math.max(1, Math.round(minutes))} min`, 'use a window of whole minutes', 'approximate');
          if (cfg.algorithm === 'fixed-window') say('rate-limit', 'Zuplo counts in a sliding window, stricter at window boundaries than a fixed one', 'none needed', 'approximate');
          add(policy, '', 'rate-limit-inbound', 'RateLimitInboundPolicy', { rateLimitBy: by, requestsAllowed: cfg.limit, timeWindowMinutes: Math.max(1, Math.round(minutes)) });
          break;
        }
        case 'cors': {
          const cfg = configOf(policy, 'cors');
          const name = (policy.name ?? policy.key).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
          corsPolicies.set(name, {
            name,
            allowedOrigins: cfg.origins,
            allowedMethods: cfg.methods?.map((m) => m.toUpperCase()) ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
            allowedHeaders: cfg.headers ?? ['*'],
            ...(cfg.exposeHeaders && { exposeHeaders: cfg.exposeHeaders }),
            ...(cfg.maxAge !== undefined && { maxAge: Math.floor(cfg.maxAge / 1000) }),
            allowCredentials: cfg.credentials,
          });
          corsPolicy = name;
          break;
        }
        case 'request-size-limit':
          add(policy, '', 'request-size-limit-inbound', 'RequestSizeLimitInboundPolicy', { maxSizeInBytes: configOf(policy, 'request-size-limit').max });
          break;
        case 'ip-filter': {
          const cfg = configOf(policy, 'ip-filter');
          // Zuplo evaluates deny before allow, as the local gateway does.
          add(policy, '', 'ip-address-restriction-inbound', 'IpAddressRestrictionInboundPolicy', { ...(cfg.allow && { allow: cfg.allow }), ...(cfg.deny && { deny: cfg.deny }) });
          break;
        }
        case 'headers': {
          const cfg = configOf(policy, 'headers');
          const side = (changes: HeaderChanges | undefined, direction: 'inbound' | 'outbound') => {
            if (!changes) return;
            const set = Object.entries(changes.set ?? {}).filter(([name, value]) => {
              const templated = templateParts(value).some((p) => 'variable' in p);
              if (templated) say('headers', `${direction === 'inbound' ? 'request' : 'response'} header ${name}: templates ("${value}") need a custom policy in Zuplo`, 'write a custom code policy');
              return !templated;
            });
            if (set.length) add(policy, `-set-${direction}`, `set-headers-${direction}`, direction === 'inbound' ? 'SetHeadersInboundPolicy' : 'SetHeadersOutboundPolicy', { headers: set.map(([name, value]) => ({ name, value, overwrite: true })) });
            if (changes.remove?.length) add(policy, `-remove-${direction}`, `remove-headers-${direction}`, direction === 'inbound' ? 'RemoveHeadersInboundPolicy' : 'RemoveHeadersOutboundPolicy', { headers: changes.remove });
            for (const name of Object.keys(changes.append ?? {})) say('headers', `header ${name}: appending needs a custom policy in Zuplo`, 'write a custom code policy');
            for (const name of Object.keys(changes.rename ?? {})) say('headers', `header ${name}: renaming needs a custom policy in Zuplo`, 'write a custom code policy');
          };
          side(cfg.request, 'inbound');
          side(cfg.response, 'outbound');
          break;
        }
        case 'cache': {
          const cfg = configOf(policy, 'cache');
          add(policy, '', 'caching-inbound', 'CachingInboundPolicy', { expirationSecondsTtl: Math.max(1, Math.round(cfg.ttl / 1000)), cacheHttpMethods: ['GET', 'HEAD'], statusCodes: [200, 203, 204, 301, 308] });
          say('cache', "Zuplo's cache has no size limits and its own cache key", 'none needed', 'approximate');
          break;
        }
        case 'rewrite':
          say('rewrite', 'the URL forward handler appends the request path; a regular expression rewrite needs the URL rewrite handler written by hand', 'use urlRewriteHandler with a rewritePattern');
          break;
        case 'transform-body':
          say('transform-body', 'body reshaping by JSON pointer needs a custom code policy in Zuplo', 'write a custom code policy');
          break;
        case 'validate-request':
          say('validate-request', "Zuplo's request validation reads the schemas of routes.oas.json, which the export does not copy", "copy the operation's parameters and requestBody into routes.oas.json and add request-validation-inbound");
          break;
        case 'validate-response':
          say('validate-response', 'Zuplo does not check responses against the design', 'run contract tests in CI');
          break;
        case 'quota':
          say('quota', 'quotas are not mapped for Zuplo', "use Zuplo's Quota policy (quota-inbound) or its monetization plans");
          break;
        case 'timeout':
        case 'retry':
        case 'load-balance':
          say(policy.id, `the URL forward handler has no ${policy.id} setting`, 'configure it in the backend or a load balancer behind Zuplo');
          break;
        case 'fault':
          say('fault', 'fault injection is for local testing: nothing to export', 'none needed in production');
          break;
        case 'mock-fallback':
          say('mock-fallback', 'Zuplo cannot answer from the design when the backend fails', 'none');
          break;
        default:
          say(policy.id, `no Zuplo mapping for the ${policy.id} policy yet`, 'configure it by hand');
      }
      if (failClosed) break;
    }
    if (failClosed) continue;
    const path = (model.serverPrefix ?? '') + route.path;
    const base = route.upstream.url.replace(/\/+$/, '');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      ...(route.operationId !== undefined && { operationId: route.operationId }),
      summary: route.name,
      'x-zuplo-route': {
        corsPolicy,
        handler: { export: 'urlForwardHandler', module: RUNTIME, options: { baseUrl: base } },
        policies: { inbound: inbound },
      },
    };
  }

  return {
    routes: { openapi: '3.1.0', info: { title: model.title, version: model.version }, paths },
    policies: { policies: [...policies.values()], ...(corsPolicies.size > 0 && { corsPolicies: [...corsPolicies.values()] }) },
    report,
  };
}

export function exportZuplo(model: ExportModel, options: ExportOptions = {}): ExportResult {
  const { routes, policies, report } = zuploDocuments(model, options);
  return {
    files: [
      { path: 'config/routes.oas.json', content: JSON.stringify(routes, null, 2) + '\n' },
      { path: 'config/policies.json', content: JSON.stringify(policies, null, 2) + '\n' },
    ],
    report,
  };
}
