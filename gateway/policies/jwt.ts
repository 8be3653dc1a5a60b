import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { z } from 'zod';
import { definePolicy, PolicyConfigError, type Outcome, type PolicyContext, type PolicyServices } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';
import { duration } from '../pipeline/units.js';

const HMAC = ['HS256', 'HS384', 'HS512'] as const;
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const config = z
  .object({
    secretFile: z.string().min(1).optional().describe('HS256/384/512: file holding the shared secret (relative to the design). Never the secret itself: secrets stay out of the design.'),
    keyFile: z.string().min(1).optional().describe('RS/PS/ES/EdDSA: file with the public key (PEM, X.509 certificate, JWK or JWKS JSON), relative to the design.'),
    jwksUrl: z.url({ protocol: /^https?$/ }).optional().describe('JWKS endpoint, fetched on first use (never before), cached, and fetched again for an unknown key id.'),
    openIdConnectUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("OpenID Connect discovery document (…/.well-known/openid-configuration), fetched on first use: its jwks_uri gives the keys and its issuer the required \"iss\" (unless issuer is set)."),
    algorithms: z.array(z.enum([...HMAC, ...ASYMMETRIC])).min(1).optional().describe('Accepted algorithms. Default: HS256 with secretFile, else RS256, ES256 and EdDSA. "none" is never accepted.'),
    issuer: stringOrList.optional().describe('Required "iss" (one or any of a list).'),
    audience: stringOrList.optional().describe('Required "aud" (one or any of a list).'),
    clockSkew: duration.default(30_000).describe('Tolerance for exp/nbf/iat, e.g. 30s.'),
    maxAge: duration.optional().describe('Refuse tokens issued ("iat") longer ago than this.'),
    requiredClaims: z.array(z.string().min(1)).optional().describe('Claims that must be present.'),
    in: z.enum(['header', 'query', 'cookie']).default('header').describe('Where the token is sent.'),
    name: z.string().min(1).default('Authorization').describe('Header (Authorization: "Bearer <token>"; any other header: the token alone), query parameter or cookie.'),
    consumerClaim: z.string().min(1).default('sub').describe('Claim naming the consumer (for rate limits, quotas and the log).'),
    forward: z.record(z.string(), z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name')).optional().describe('Claims sent to the upstream as headers: { sub: X-User-Id }. Client-sent copies of these headers are always removed.'),
    jwksCacheMaxAge: duration.default(600_000).describe('How long fetched JWKS keys are used before fetching again.'),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const sources = (['secretFile', 'keyFile', 'jwksUrl', 'openIdConnectUrl'] as const).filter((k) => cfg[k] !== undefined);
    if (sources.length !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of secretFile, keyFile, jwksUrl, openIdConnectUrl', path: sources.length ? [sources[1]!] : [] });
    const hmac = cfg.secretFile !== undefined;
    // Key confusion (an RS public key used as an HMAC secret) is impossible when HS and RS never share a policy.
    for (const [i, alg] of (cfg.algorithms ?? []).entries()) {
      if (hmac !== (HMAC as readonly string[]).includes(alg)) {
        ctx.addIssue({ code: 'custom', message: hmac ? `${alg} needs a public key (keyFile or jwksUrl), not secretFile` : `${alg} needs secretFile, not a public key`, path: ['algorithms', i] });
      }
    }
  });

type Config = z.output<typeof config>;
type Key = KeyObject | Uint8Array | JWTVerifyGetKey;

interface Discovered {
  issuer: string;
  keys: JWTVerifyGetKey;
}

/**
 * OpenID Connect discovery, on first use: the document's issuer and a remote JWKS for its jwks_uri. A failed fetch
 * is remembered for 30 s (no storm of fetches while the provider is down), then tried again.
 */
function discovery(url: string, cacheMaxAge: number): () => Promise<Discovered> {
  let pending: Promise<Discovered> | undefined;
  let failedAt = 0;
  return () => {
    if (pending && !(failedAt > 0 && Date.now() - failedAt > 30_000)) return pending;
    failedAt = 0;
    pending = (async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'error', headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`discovery document ${url} answered ${res.status}`);
      const document = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (typeof document.issuer !== 'string' || typeof document.jwks_uri !== 'string') throw new Error(`discovery document ${url} has no issuer or jwks_uri`);
      const jwksUri = new URL(document.jwks_uri);
      if (jwksUri.protocol !== 'https:' && jwksUri.protocol !== 'http:') throw new Error(`jwks_uri ${document.jwks_uri} is not http(s)`);
      return { issuer: document.issuer, keys: createRemoteJWKSet(jwksUri, { cacheMaxAge, cooldownDuration: 30_000, timeoutDuration: 5_000 }) };
    })();
    pending.catch(() => (failedAt = Date.now()));
    return pending;
  };
}

function readKey(cfg: Config, baseDir: string | undefined): Key {
  if (cfg.jwksUrl !== undefined) return createRemoteJWKSet(new URL(cfg.jwksUrl), { cacheMaxAge: cfg.jwksCacheMaxAge, cooldownDuration: 30_000, timeoutDuration: 5_000 });
  const field = cfg.secretFile !== undefined ? 'secretFile' : 'keyFile';
  const file = resolve(baseDir ?? process.cwd(), cfg[field]!);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new PolicyConfigError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, [field]);
  }
  if (field === 'secretFile') {
    const secret = new TextEncoder().encode(bytes.toString('utf8').replace(/\r?\n$/, ''));
    if (secret.length < 32) throw new PolicyConfigError(`the secret in ${file} is ${secret.length} bytes; HS algorithms need at least 32`, [field]);
    return secret;
  }
  const text = bytes.toString('utf8').trim();
  try {
    if (text.startsWith('-----BEGIN')) {
      if (/PRIVATE KEY-----/.test(text)) throw new PolicyConfigError(`${file} holds a private key: give the public key`, [field]);
      return createPublicKey(text);
    }
    const json = JSON.parse(text) as { keys?: unknown; kty?: string; d?: unknown };
    if (Array.isArray(json.keys)) return createLocalJWKSet(json as Parameters<typeof createLocalJWKSet>[0]);
    if (json.kty === 'oct' || json.d !== undefined) throw new PolicyConfigError(`${file} holds a secret or private JWK: give the public key`, [field]);
    return createPublicKey({ key: json as Parameters<typeof createPublicKey>[0] & object, format: 'jwk' } as never);
  } catch (error) {
    if (error instanceof PolicyConfigError) throw error;
    throw new PolicyConfigError(`${file} is not a PEM public key, certificate, JWK or JWKS (${(error as Error).message})`, [field]);
  }
}

/** Why a token was refused, for the log: jose's error, said plainly. The client only learns that its token is not valid. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'token not yet valid (nbf)';
    return `claim "${error.claim}" ${error.reason === 'missing' ? 'missing' : 'check failed'}: ${error.message}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return `algorithm not allowed: ${error.message}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the JWKS matches the token';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return `JWKS unavailable: ${error.message}`;
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return `token could not be verified: ${(error as Error).message}`;
}

const UNSAFE = /[^\t\x20-\x7e\x80-\xff]/g;

/**
 * Tokens already verified, by their exact text, until they expire (exp, or iat + maxAge, with the skew) and for at
 * most five minutes (a key removed from a JWKS stops working within that time). A signature check costs 0.1–0.4 ms
 * (RS256, this machine) against ~0.05 ms for a whole proxied request, and clients send the same token many times.
 * Only tokens that passed every check are kept, so the map holds real tokens, at most MAX_VERIFIED of them.
 */
/** What a verified token means for a request: its consumer and the headers its claims become. */
interface Accepted {
  consumer: string | undefined;
  forward: [header: string, value: string][];
}

class VerifiedTokens {
  private readonly entries = new Map<string, { accepted: Accepted; until: number }>();

  get(token: string, now: number): Accepted | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (now < entry.until) return entry.accepted;
    this.entries.delete(token);
    return undefined;
  }

  put(token: string, payload: JWTPayload, accepted: Accepted, now: number, cfg: Config): void {
    let until = now + Math.min(VERIFIED_FOR, cfg.jwksCacheMaxAge);
    if (typeof payload.exp === 'number') until = Math.min(until, payload.exp * 1000 + cfg.clockSkew);
    if (cfg.maxAge !== undefined && typeof payload.iat === 'number') until = Math.min(until, payload.iat * 1000 + cfg.maxAge + cfg.clockSkew);
    if (until <= now) return;
    if (this.entries.size >= MAX_VERIFIED) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { accepted, until });
  }
}

const VERIFIED_FOR = 5 * 60_000;
const MAX_VERIFIED = 10_000;
/** Per gateway (services) and instance and configuration: routes sharing an instance share what it verified. */
const verifiedTokens = new WeakMap<PolicyServices, Map<string, VerifiedTokens>>();

/**
 * JSON Web Token validation with jose: signature (HS*, RS*, PS*, ES*, EdDSA) with a key from a local file or a JWKS URL,
 * iss/aud/exp/nbf with clock skew, an algorithm allow-list (never "none"). Refusals are 401 with a Bearer challenge;
 * the precise reason goes to the log only. Sets the consumer from a claim and can forward claims as headers.
 */
export default definePolicy({
  id: 'jwt',
  title: 'JWT',
  description: 'Requires a valid JSON Web Token (HS*, RS*, PS*, ES*, EdDSA; key file or JWKS URL; iss, aud, exp, nbf); forwards claims as headers.',
  phase: 'request',
  config,
  example: { jwksUrl: 'https://idp.example.com/.well-known/jwks.json', algorithms: ['RS256'], issuer: 'https://idp.example.com/', audience: 'shop-api', forward: { sub: 'X-User-Id' } },
  describe: (cfg) => [cfg.jwksUrl ?? cfg.openIdConnectUrl ?? cfg.keyFile ?? 'secretFile', cfg.issuer && `iss ${String(cfg.issuer)}`, cfg.audience && `aud ${String(cfg.audience)}`].filter(Boolean).join(', '),
  secrets: (cfg) => (cfg.in === 'header' ? { headers: [cfg.name] } : cfg.in === 'query' ? { query: [cfg.name] } : {}),
  create: (cfg, services, instance) => {
    const { now } = services;
    let byGateway = verifiedTokens.get(services);
    if (!byGateway) verifiedTokens.set(services, (byGateway = new Map()));
    const cacheKey = `${instance.key}|${JSON.stringify(cfg)}`;
    let verified = byGateway.get(cacheKey);
    if (!verified) byGateway.set(cacheKey, (verified = new VerifiedTokens()));
    const tokens = verified;
    const discover = cfg.openIdConnectUrl === undefined ? undefined : discovery(cfg.openIdConnectUrl, cfg.jwksCacheMaxAge);
    const key = discover ? undefined : readKey(cfg, instance.baseDir);
    const algorithms = cfg.algorithms ?? (cfg.secretFile !== undefined ? ['HS256'] : ['RS256', 'ES256', 'EdDSA']);
    const base: JWTVerifyOptions = {
      algorithms,
      clockTolerance: Math.round(cfg.clockSkew / 1000),
      ...(cfg.issuer !== undefined && { issuer: cfg.issuer }),
      ...(cfg.audience !== undefined && { audience: cfg.audience }),
      ...(cfg.maxAge !== undefined && { maxTokenAge: Math.round(cfg.maxAge / 1000) }),
      ...(cfg.requiredClaims !== undefined && { requiredClaims: cfg.requiredClaims }),
    };
    const headerName = cfg.name.toLowerCase();
    const bearer = cfg.in === 'header' && headerName === 'authorization';
    const forward = Object.entries(cfg.forward ?? {}).map(([claim, header]) => [claim, header.toLowerCase()] as const);
    const missingProblem = problem(401, 'unauthorized', 'Unauthorized', 'A valid bearer token is required.');
    const invalidProblem = problem(401, 'unauthorized', 'Unauthorized', 'The bearer token is not valid.');
    const missingChallenge = { 'www-authenticate': 'Bearer realm="portico"' };
    const invalidChallenge = { 'www-authenticate': 'Bearer realm="portico", error="invalid_token"' };

    const refuse = (ctx: PolicyContext, reason: string, missing = false) =>
      ctx.problem(missing ? missingProblem : invalidProblem, { headers: missing ? missingChallenge : invalidChallenge, reason });

    return (ctx) => {
      // Claim headers come from the token only: a client-sent copy never reaches the upstream.
      for (const [, header] of forward) if (ctx.request.headers[header] !== undefined) ctx.setRequestHeader(header, undefined);
      const found = readToken(ctx, cfg.in, cfg.name, headerName, bearer);
      if (typeof found === 'object') return refuse(ctx, found.refused, found.missing);
      const at = now();
      const known = tokens.get(found, at);
      if (known !== undefined) return accept(ctx, known);
      const verifying = discover
        ? discover().then(
            (d) => jwtVerify(found, d.keys, { ...base, issuer: cfg.issuer ?? d.issuer, currentDate: new Date(at) }),
            (error: Error) => Promise.reject(new errors.JOSEError(`OpenID Connect discovery failed: ${error.message}`)),
          )
        : typeof key === 'function'
          ? jwtVerify(found, key, { ...base, currentDate: new Date(at) })
          : jwtVerify(found, key!, { ...base, currentDate: new Date(at) });
      return verifying.then(
        ({ payload }): Outcome => {
          const consumer = payload[cfg.consumerClaim];
          const accepted: Accepted = {
            consumer: typeof consumer === 'string' && consumer !== '' ? consumer : undefined,
            forward: forward.flatMap(([claim, header]) => {
              const value = claimValue(payload, claim);
              return value === undefined ? [] : [[header, value] as [string, string]];
            }),
          };
          tokens.put(found, payload, accepted, at, cfg);
          return accept(ctx, accepted);
        },
        (error: unknown) => refuse(ctx, reasonOf(error)),
      );
    };

    function accept(ctx: PolicyContext, accepted: Accepted): Outcome {
      if (accepted.consumer !== undefined) ctx.consumer = accepted.consumer;
      for (const [header, value] of accepted.forward) ctx.setRequestHeader(header, value);
      return ctx.next();
    }
  },
});

function claimValue(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  if (value === undefined || value === null) return undefined;
  return (typeof value === 'string' ? value : JSON.stringify(value)).replace(UNSAFE, '');
}

/** The token, or why there is none usable. More than one token in a request (RFC 6750 §2) is refused, not guessed between. */
function readToken(ctx: PolicyContext, where: Config['in'], name: string, headerName: string, bearer: boolean): string | { refused: string; missing: boolean } {
  const raw = ctx.request.rawHeaders;
  let value: string | undefined;
  let copies = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization' && ++copies > 1) return { refused: 'two Authorization headers', missing: false };
  }
  const inQuery = ctx.request.rawQuery !== '' && ctx.query().has('access_token');
  if (where === 'header') {
    const header = ctx.request.headers[headerName];
    if (Array.isArray(header)) return { refused: `two ${name} headers`, missing: false };
    value = header;
    if (value !== undefined && inQuery) return { refused: 'two tokens: header and access_token query parameter', missing: false };
    if (value !== undefined && bearer) {
      const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i.exec(value);
      if (!match) return { refused: 'the Authorization header is not a Bearer token', missing: false };
      value = match[1];
    }
  } else if (where === 'query') {
    const all = ctx.query().getAll(name);
    if (all.length > 1) return { refused: `two ${name} query parameters`, missing: false };
    if (all.length === 1 && copies > 0) return { refused: 'two tokens: query parameter and Authorization header', missing: false };
    value = all[0];
  } else {
    const cookie = ctx.request.headers.cookie;
    for (const part of cookie ? cookie.split(';') : []) {
      const eq = part.indexOf('=');
      if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
      if (value !== undefined) return { refused: `two ${name} cookies`, missing: false };
      value = part.slice(eq + 1).trim();
    }
  }
  if (value === undefined || value === '') return { refused: `no token in ${where} ${name}`, missing: true };
  return value;
}
