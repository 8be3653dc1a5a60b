import { ACCESS_CONTROL, configOf, templateParts, type HeaderChanges, type PolicyConfigs } from './configs.js';
import { entry, flatPolicies, routeLabel, type ExportModel, type ExportOptions, type ExportResult, type ReportEntry } from './model.js';

/**
 * KrakenD Community Edition, configuration version 3: an endpoint per operation (as a proxy: `no-op` encoding, every
 * header and query parameter passed on) with one backend, `qos/ratelimit/router` for rate limits, `auth/validator` for
 * JWT, `security/cors` for the service, `modifier/martian` for static header changes.
 */

const T = 'krakend' as const;

export function krakendDocument(model: ExportModel, _options: ExportOptions = {}): { config: Record<string, unknown>; report: ReportEntry[] } {
  const report: ReportEntry[] = [];
  const endpoints: Record<string, unknown>[] = [];
  let cors: { config: PolicyConfigs['cors']; key: string } | undefined;
  const methods = new Set<string>();

  for (const route of model.routes) {
    const label = routeLabel(route);
    const say = (policy: string, why: string, instead: string, kind: ReportEntry['kind'] = 'unsupported') => report.push(entry(T, label, policy, why, instead, kind));
    if (route.mode === 'mock' || !route.upstream) {
      say('route', 'the route is answered by the local mock (no upstream); the route is left out', 'name an upstream for the operation (x-portico.upstream)');
      continue;
    }
    const { policies, plan } = flatPolicies(route);
    if (plan) {
      say('security', 'the operation accepts one of several security requirements (OR); the route is left out (fails closed)', 'use a single JWT scheme');
      continue;
    }
    const endpointExtra: Record<string, unknown> = {};
    const backendExtra: Record<string, unknown> = {};
    const modifiers: Record<string, unknown>[] = [];
    let hosts = [origin(route.upstream.url)];
    let timeout = route.upstream.timeout;
    let failClosed = false;

    for (const policy of policies) {
      switch (policy.id) {
        case 'jwt': {
          const validator = jwtValidator(configOf(policy, 'jwt'), say);
          if (!validator) failClosed = true;
          else endpointExtra['auth/validator'] = validator;
          break;
        }
        case 'rate-limit': {
          const cfg = configOf(policy, 'rate-limit');
          const limit: Record<string, unknown> = { client_max_rate: cfg.limit, client_capacity: cfg.limit, every: goDuration(cfg.window), strategy: 'ip' };
          if (cfg.by.startsWith('header:')) Object.assign(limit, { strategy: 'header', key: cfg.by.slice('header:'.length) });
          else if (cfg.by === 'consumer') {
            const hasJwt = policies.slice(0, policies.indexOf(policy)).some((p) => p.id === 'jwt');
            if (hasJwt) Object.assign(limit, { strategy: 'header', key: 'Authorization' });
            // Without authentication before it, the local gateway counts addresses too: nothing to report then.
            if (hasJwt) say('rate-limit', 'counted per token (the Authorization header) rather than per consumer', 'none needed in most cases', 'approximate');
          }
          say('rate-limit', `KrakenD uses a token bucket refilled continuously (${cfg.limit} at once, then ${cfg.limit} per ${goDuration(cfg.window)}), not a ${cfg.algorithm}`, 'none needed for protection', 'approximate');
          if (endpointExtra['qos/ratelimit/router']) say('rate-limit', 'KrakenD takes one router rate limit per endpoint: this second one is left out', 'merge the two policies into one');
          else endpointExtra['qos/ratelimit/router'] = limit;
          break;
        }
        case 'cors': {
          const cfg = configOf(policy, 'cors');
          if (!cors) cors = { config: cfg, key: policy.key };
          else if (cors.key !== policy.key && JSON.stringify(cors.config) !== JSON.stringify(cfg)) {
            say('cors', 'KrakenD has one CORS configuration for the whole service; this route asks for another one, which is left out', 'use the same CORS policy on every route');
          }
          break;
        }
        case 'headers':
          modifiers.push(...martian(configOf(policy, 'headers'), say));
          break;
        case 'timeout':
          timeout = configOf(policy, 'timeout').response;
          break;
        case 'load-balance': {
          const cfg = configOf(policy, 'load-balance');
          hosts = cfg.targets.map((t) => origin(model.upstreams.find((u) => u.name === t.upstream)!.url));
          say('load-balance', 'KrakenD spreads requests over the backend hosts in turn: no weights, least-connections or health checks', 'put a load balancer with health checks behind one host', 'approximate');
          break;
        }
        case 'api-key':
        case 'basic-auth':
        case 'ip-filter':
          say(policy.id, `${policy.id} is a KrakenD Enterprise feature (auth/api-keys, auth/basic, IP filtering); the route is left out (fails closed)`, 'use KrakenD Enterprise, JWT instead, or another target');
          failClosed = true;
          break;
        case 'request-size-limit':
          say('request-size-limit', 'KrakenD CE has no per-endpoint request size limit', 'limit bodies in a proxy in front, or in the upstream');
          break;
        case 'quota':
          say('quota', 'KrakenD CE has no persistent quotas', 'use KrakenD Enterprise, or enforce quotas upstream');
          break;
        case 'retry':
          say('retry', 'KrakenD CE does not retry backend calls', 'retry in the client or the upstream');
          break;
        case 'cache':
          backendExtra['qos/http-cache'] = { shared: false };
          say('cache', `KrakenD caches by the backend's Cache-Control only: the ttl of ${configOf(policy, 'cache').ttl} ms, the size limits and X-Cache are not mapped`, 'send Cache-Control from the upstream', 'approximate');
          break;
        case 'rewrite':
          say('rewrite', 'a backend url_pattern can only reuse the endpoint\'s {parameters}, not regular expression captures or query changes', 'write the rewritten url_pattern by hand');
          break;
        case 'transform-body':
          say('transform-body', 'KrakenD manipulates bodies only with json encoding, not for a no-op proxy endpoint', 'reshape bodies upstream');
          break;
        case 'validate-request':
          say('validate-request', 'not mapped: KrakenD CE validates JSON bodies only (validation/json-schema) and needs the schema copied in', "add validation/json-schema with the operation's request schema");
          break;
        case 'validate-response':
          say('validate-response', 'KrakenD does not check responses against the design', 'run contract tests in CI');
          break;
        case 'fault':
          say('fault', 'fault injection is for local testing: nothing to export', 'none needed in production');
          break;
        case 'mock-fallback':
          say('mock-fallback', 'KrakenD cannot answer from the design when the backend fails', 'none');
          break;
        default:
          say(policy.id, `no KrakenD mapping for the ${policy.id} policy yet`, 'configure it by hand');
          if (ACCESS_CONTROL.has(policy.id)) failClosed = true;
      }
      if (failClosed) break;
    }
    if (failClosed) continue;
    if (modifiers.length > 0) backendExtra['modifier/martian'] = { 'fifo.Group': { scope: ['request', 'response'], aggregateErrors: true, modifiers } };
    methods.add(route.method);
    const path = (model.serverPrefix ?? '') + route.path;
    const base = new URL(route.upstream.url).pathname.replace(/\/+$/, '');
    endpoints.push({
      endpoint: path,
      method: route.method,
      output_encoding: 'no-op',
      input_headers: ['*'],
      input_query_strings: ['*'],
      timeout: goDuration(timeout),
      ...(Object.keys(endpointExtra).length > 0 && { extra_config: endpointExtra }),
      backend: [
        {
          url_pattern: base + path,
          host: hosts,
          encoding: 'no-op',
          ...(Object.keys(backendExtra).length > 0 && { extra_config: backendExtra }),
        },
      ],
    });
  }

  const serviceExtra: Record<string, unknown> = {};
  if (cors) {
    const cfg = cors.config;
    serviceExtra['security/cors'] = {
      allow_origins: cfg.origins,
      allow_methods: cfg.methods?.map((m) => m.toUpperCase()) ?? [...methods],
      ...(cfg.headers && { allow_headers: cfg.headers }),
      ...(cfg.exposeHeaders && { expose_headers: cfg.exposeHeaders }),
      allow_credentials: cfg.credentials,
      ...(cfg.maxAge !== undefined && { max_age: goDuration(cfg.maxAge) }),
    };
    if (!cfg.headers) report.push(entry(T, '*', 'cors', 'without a headers list, KrakenD allows its default request headers instead of any the browser asks for', 'list the allowed request headers in the cors policy', 'approximate'));
    if (!cfg.methods) report.push(entry(T, '*', 'cors', "without a methods list, preflights are answered with every method of the design instead of the one asked for", 'none needed', 'approximate'));
  }
  const config = {
    $schema: 'https://www.krakend.io/schema/v2.7/krakend.json',
    version: 3,
    name: `${model.title} ${model.version}`,
    port: 8080,
    timeout: goDuration(Math.max(...model.upstreams.map((u) => u.timeout), 3000)),
    ...(Object.keys(serviceExtra).length > 0 && { extra_config: serviceExtra }),
    endpoints,
  };
  return { config, report };
}

export function exportKrakend(model: ExportModel, options: ExportOptions = {}): ExportResult {
  const { config, report } = krakendDocument(model, options);
  return { files: [{ path: 'krakend.json', content: JSON.stringify(config, null, 2) + '\n' }], report };
}

function jwtValidator(cfg: PolicyConfigs['jwt'], say: (policy: string, why: string, instead: string, kind?: ReportEntry['kind']) => void): Record<string, unknown> | undefined {
  if (cfg.in === 'query') {
    say('jwt', 'KrakenD reads tokens from a header or a cookie, not the query string; the route is left out (fails closed)', 'send the token in the Authorization header');
    return undefined;
  }
  if (cfg.openIdConnectUrl !== undefined) {
    say('jwt', `KrakenD does not read OpenID Connect discovery (${cfg.openIdConnectUrl}); the route is left out (fails closed)`, "set jwksUrl (the discovery document's jwks_uri) and issuer in the design");
    return undefined;
  }
  const algorithms = cfg.algorithms ?? (cfg.secretFile ? ['HS256'] : ['RS256']);
  if (algorithms.length > 1) say('jwt', `KrakenD accepts one algorithm per endpoint: ${algorithms[0]} (not ${algorithms.slice(1).join(', ')})`, 'issue tokens with one algorithm', 'approximate');
  const validator: Record<string, unknown> = { alg: algorithms[0] === 'Ed25519' ? 'EdDSA' : algorithms[0] };
  if (cfg.jwksUrl) {
    validator.jwk_url = cfg.jwksUrl;
    validator.cache = true;
    if (cfg.jwksUrl.startsWith('http:')) validator.disable_jwk_security = true;
  } else {
    const file = `jwk/${(cfg.secretFile ?? cfg.keyFile ?? 'key').replace(/^.*\//, '').replace(/\.[^.]*$/, '')}.jwks.json`;
    validator.jwk_local_path = file;
    say('jwt', `the key is read from ${file}, a JWK set the operator writes (${cfg.secretFile ? 'the shared secret as an "oct" key: secrets are never exported' : 'the public key converted to JWK'})`, `create ${file} next to krakend.json`, 'approximate');
  }
  if (cfg.issuer !== undefined) {
    const issuers = Array.isArray(cfg.issuer) ? cfg.issuer : [cfg.issuer];
    validator.issuer = issuers[0];
    if (issuers.length > 1) say('jwt', 'KrakenD checks one issuer', 'use one issuer', 'approximate');
  }
  if (cfg.audience !== undefined) {
    validator.audience = Array.isArray(cfg.audience) ? cfg.audience : [cfg.audience];
    if (Array.isArray(cfg.audience) && cfg.audience.length > 1) say('jwt', 'KrakenD requires every listed audience, where the local gateway accepts any one of them', 'list one audience', 'approximate');
  }
  // The clock skew the local gateway allows for exp/nbf (KrakenD rounds to whole seconds, at least one).
  validator.leeway = `${Math.max(1, Math.round(cfg.clockSkew / 1000))}s`;
  if (cfg.in === 'cookie') validator.cookie_key = cfg.name;
  else if (cfg.name.toLowerCase() !== 'authorization') validator.auth_header_name = cfg.name;
  if (cfg.forward) validator.propagate_claims = Object.entries(cfg.forward).map(([claim, header]) => [claim, header]);
  if (cfg.requiredClaims || cfg.maxAge !== undefined) say('jwt', 'required claims and a maximum token age are not checked by auth/validator', 'check them upstream', 'approximate');
  return validator;
}

function martian(cfg: PolicyConfigs['headers'], say: (policy: string, why: string, instead: string, kind?: ReportEntry['kind']) => void): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const side = (changes: HeaderChanges | undefined, scope: 'request' | 'response') => {
    if (!changes) return;
    if (changes.remove?.length) out.push({ 'header.Blacklist': { scope: [scope], names: changes.remove } });
    for (const [name, value] of Object.entries(changes.set ?? {})) {
      if (templateParts(value).some((p) => 'variable' in p)) say('headers', `${scope} header ${name}: templates ("${value}") have no KrakenD CE equivalent`, 'set it upstream');
      else out.push({ 'header.Modifier': { scope: [scope], name, value } });
    }
    for (const name of Object.keys(changes.append ?? {})) say('headers', `${scope} header ${name}: appending is not mapped for KrakenD`, 'use set, or set it upstream');
    for (const name of Object.keys(changes.rename ?? {})) say('headers', `${scope} header ${name}: renaming is not mapped for KrakenD`, 'rename it upstream');
  };
  side(cfg.request, 'request');
  side(cfg.response, 'response');
  return out;
}

function origin(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

/** Go's time.ParseDuration format, as KrakenD reads durations. */
export function goDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
