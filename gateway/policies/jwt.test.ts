import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, base64url } from 'jose';
import { PolicyConfigError } from '../pipeline/policy.js';
import jwt from './jwt.js';
import { asReply, configError, contextFor, NEXT, requestHandlerOf } from './test-support/harness.js';

/** Keys and tokens are made here, per run: no secret is checked in. */
const dir = mkdtempSync(join(tmpdir(), 'portico-jwt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rsa = await generateKeyPair('RS256');
const ec = await generateKeyPair('ES256');
const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const rsaPem = await exportSPKI(rsa.publicKey);
writeFileSync(join(dir, 'rsa.pem'), rsaPem);
writeFileSync(join(dir, 'keys.jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(ec.publicKey)), kid: 'ec1', alg: 'ES256' }, { ...(await exportJWK(ed.publicKey)), kid: 'ed1', alg: 'EdDSA' }] }));
const secret = 'a-shared-secret-of-at-least-32-bytes!!';
writeFileSync(join(dir, 'hs.secret'), secret + '\n');
writeFileSync(join(dir, 'short.secret'), 'short');

const NOW = 1_800_000_000_000;
const seconds = NOW / 1000;
const services = { now: () => NOW };
const instance = { baseDir: dir };

function sign(key: Parameters<SignJWT['sign']>[0], alg: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  return new SignJWT({ sub: 'alice', iss: 'https://issuer.example', aud: 'shop', email: 'a@example.com', roles: ['admin'], iat: seconds - 10, exp: seconds + 300, ...claims })
    .setProtectedHeader({ alg, ...header })
    .sign(key);
}
const bearer = (token: string, extra: Record<string, string> = {}) => contextFor({ headers: { authorization: `Bearer ${token}`, ...extra } });
const rsPolicy = { keyFile: 'rsa.pem', algorithms: ['RS256'], issuer: 'https://issuer.example', audience: 'shop', forward: { sub: 'X-User-Id', roles: 'X-Roles' } };

test('jwt: RS256 with a PEM key file: passes, names the consumer, forwards claims and drops client-sent copies', async () => {
  const handle = requestHandlerOf(jwt, rsPolicy, services, instance);
  const ctx = bearer(await sign(rsa.privateKey, 'RS256'), { 'x-user-id': 'mallory', 'x-roles': 'root' });
  assert.equal(await handle(ctx), NEXT);
  assert.equal(ctx.consumer, 'alice');
  assert.equal(ctx.request.headers['x-user-id'], 'alice');
  assert.equal(ctx.request.headers['x-roles'], '["admin"]');
});

test('jwt: ES256 and EdDSA from a JWKS file, HS256 from a secret file', async () => {
  const jwks = requestHandlerOf(jwt, { keyFile: 'keys.jwks.json', algorithms: ['ES256', 'EdDSA'] }, services, instance);
  assert.equal(await jwks(bearer(await sign(ec.privateKey, 'ES256', {}, { kid: 'ec1' }))), NEXT);
  assert.equal(await jwks(bearer(await sign(ed.privateKey, 'EdDSA', {}, { kid: 'ed1' }))), NEXT);
  const hs = requestHandlerOf(jwt, { secretFile: 'hs.secret' }, services, instance);
  assert.equal(await hs(bearer(await sign(new TextEncoder().encode(secret), 'HS256'))), NEXT);
});

test('jwt: alg none, HS/RS key confusion, a foreign key and disallowed algorithms are refused', async () => {
  const handle = requestHandlerOf(jwt, rsPolicy, services, instance);
  const payload = base64url.encode(JSON.stringify({ sub: 'alice', iss: 'https://issuer.example', aud: 'shop', exp: seconds + 300 }));
  const none = `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${payload}.`;
  const refusedNone = asReply(await handle(bearer(none)));
  assert.equal(refusedNone.status, 401);
  assert.match(refusedNone.reason, /not allowed|JWS|Invalid/i);
  // The classic confusion attack: HS256 signed with the RSA *public* key (which an attacker has) as the secret.
  const confused = await sign(new TextEncoder().encode(rsaPem), 'HS256');
  assert.match(asReply(await handle(bearer(confused))).reason, /algorithm not allowed/);
  const other = await generateKeyPair('RS256');
  assert.equal(asReply(await handle(bearer(await sign(other.privateKey, 'RS256')))).reason, 'bad signature');
  const ps = await generateKeyPair('PS256');
  assert.match(asReply(await handle(bearer(await sign(ps.privateKey, 'PS256')))).reason, /algorithm not allowed/);
});

test('jwt: expired, not yet valid, wrong audience and wrong issuer are 401; clock skew is honoured; the reason never reaches the body', async () => {
  const handle = requestHandlerOf(jwt, { ...rsPolicy, clockSkew: '30s' }, services, instance);
  const expired = asReply(await handle(bearer(await sign(rsa.privateKey, 'RS256', { exp: seconds - 60 }))));
  assert.equal(expired.status, 401);
  assert.equal(expired.reason, 'token expired');
  assert.doesNotMatch(String(expired.body), /expired/);
  assert.equal(expired.headers?.['www-authenticate'], 'Bearer realm="portico", error="invalid_token"');
  assert.equal(await handle(bearer(await sign(rsa.privateKey, 'RS256', { exp: seconds - 20 }))), NEXT, 'within the skew');
  assert.equal(asReply(await handle(bearer(await sign(rsa.privateKey, 'RS256', { nbf: seconds + 120 })))).reason, 'token not yet valid (nbf)');
  assert.equal(await handle(bearer(await sign(rsa.privateKey, 'RS256', { nbf: seconds + 20 }))), NEXT, 'within the skew');
  assert.match(asReply(await handle(bearer(await sign(rsa.privateKey, 'RS256', { aud: 'other' })))).reason, /claim "aud"/);
  assert.match(asReply(await handle(bearer(await sign(rsa.privateKey, 'RS256', { iss: 'https://evil.example' })))).reason, /claim "iss"/);
});

test('jwt: missing token, two tokens (two headers, header + access_token) and a non-Bearer header are refused', async () => {
  const handle = requestHandlerOf(jwt, rsPolicy, services, instance);
  const token = await sign(rsa.privateKey, 'RS256');
  const missing = asReply(await handle(contextFor()));
  assert.equal(missing.status, 401);
  assert.equal(missing.headers?.['www-authenticate'], 'Bearer realm="portico"');
  const twoHeaders = contextFor({ headers: { authorization: `Bearer ${token}` }, rawHeaders: ['Authorization', `Bearer ${token}`, 'Authorization', `Bearer ${token}`] });
  assert.equal(asReply(await handle(twoHeaders)).reason, 'two Authorization headers');
  const headerAndQuery = contextFor({ headers: { authorization: `Bearer ${token}` }, rawQuery: `access_token=${token}` });
  assert.match(asReply(await handle(headerAndQuery)).reason, /two tokens/);
  assert.match(asReply(await handle(contextFor({ headers: { authorization: `Basic ${token}` } }))).reason, /not a Bearer token/);
});

test('jwt: tokens in a query parameter or a cookie', async () => {
  const token = await sign(rsa.privateKey, 'RS256');
  const query = requestHandlerOf(jwt, { ...rsPolicy, in: 'query', name: 'token' }, services, instance);
  assert.equal(await query(contextFor({ rawQuery: `token=${token}` })), NEXT);
  const cookie = requestHandlerOf(jwt, { ...rsPolicy, in: 'cookie', name: 'session' }, services, instance);
  assert.equal(await cookie(contextFor({ headers: { cookie: `a=b; session=${token}` } })), NEXT);
});

test('jwt: configuration mistakes are refused at compile time, at their field', () => {
  assert.match(configError(jwt, { secretFile: 'hs.secret', algorithms: ['RS256'] }), /^algorithms\.0: RS256 needs a public key/);
  assert.match(configError(jwt, { keyFile: 'rsa.pem', algorithms: ['HS256'] }), /^algorithms\.0: HS256 needs secretFile/);
  assert.match(configError(jwt, { keyFile: 'rsa.pem', jwksUrl: 'https://idp.example/jwks' }), /exactly one of/);
  assert.match(configError(jwt, { algorithms: ['none'], keyFile: 'rsa.pem' }), /^algorithms\.0: /);
  const refused = (config: unknown) => {
    try {
      requestHandlerOf(jwt, config, services, instance);
    } catch (error) {
      assert.ok(error instanceof PolicyConfigError);
      return `${error.path.join('.')}: ${error.message}`;
    }
    assert.fail('expected a PolicyConfigError');
  };
  assert.match(refused({ keyFile: 'missing.pem' }), /^keyFile: cannot read .*missing\.pem \(ENOENT\)/);
  assert.match(refused({ secretFile: 'short.secret' }), /^secretFile: .* at least 32/);
  writeFileSync(join(dir, 'private.jwk.json'), '{"kty":"oct","k":"c2VjcmV0"}');
  assert.match(refused({ keyFile: 'private.jwk.json' }), /^keyFile: .*secret or private JWK/);
});

test('jwt: a verified token is remembered (the same text is not checked again) only until it expires', async () => {
  let now = NOW;
  const handle = requestHandlerOf(jwt, { ...rsPolicy, clockSkew: '10s' }, { now: () => now }, instance);
  const token = await sign(rsa.privateKey, 'RS256', { exp: seconds + 60 });
  assert.equal(await handle(bearer(token)), NEXT);
  const again = handle(bearer(token));
  assert.equal(again, NEXT, 'answered synchronously from what was verified');
  now += 65_000; // within exp + skew
  assert.equal(handle(bearer(token)), NEXT);
  now += 10_000; // past exp + skew: verified again, and refused
  assert.equal(asReply(await handle(bearer(token))).reason, 'token expired');
  const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  now = NOW;
  assert.equal(asReply(await handle(bearer(tampered))).reason, 'bad signature', 'only the exact text of a verified token is remembered');
});
