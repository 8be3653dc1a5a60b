import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { loadDesign } from '../openapi/load.js';
import { DesignError, formatProblem } from '../openapi/design.js';
import { compile } from '../pipeline/compile.js';
import { MemoryCounters } from '../pipeline/counters.js';
import { policiesById } from './index.js';
import { startTestGateway } from '../test-support/gateway.js';
import { startUpstream } from '../test-support/upstream.js';
import { tempWorkspace } from '../test-support/workspace.js';

/** jwt over real HTTP: a JWKS served on 127.0.0.1, security schemes mapped to policies, AND/OR requirements. */

const rsa = await generateKeyPair('RS256');
const ec = await generateKeyPair('ES256');
const jwks = { keys: [{ ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
let jwksFetches = 0;
let discoveryFetches = 0;
const idp = await startUpstream((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  if (req.url === '/.well-known/openid-configuration') {
    discoveryFetches += 1;
    res.end(JSON.stringify({ issuer: 'https://idp.test', jwks_uri: `${idp.url}/discovered-jwks.json` }));
    return;
  }
  jwksFetches += 1;
  res.end(JSON.stringify(jwks));
});
const upstream = await startUpstream();

const sign = (key: CryptoKey, alg: string, claims: Record<string, unknown> = {}, kid?: string) =>
  new SignJWT({ sub: 'alice', aud: 'shop', ...claims }).setProtectedHeader({ alg, ...(kid && { kid }) }).setIssuedAt().setExpirationTime('5m').sign(key);

const gw = await startTestGateway(
  {
    'api.yaml': `openapi: 3.1.0
info: { title: jwt over HTTP, version: '1' }
x-portico:
  upstreams:
    echo: { url: '\${UP}' }
  upstream: echo
components:
  securitySchemes:
    idp:
      type: openIdConnect
      openIdConnectUrl: https://idp.example/.well-known/openid-configuration
      x-portico: { jwksUrl: '${idp.url}/jwks.json', algorithms: [ES256], audience: shop, forward: { sub: X-User } }
    local:
      type: http
      scheme: bearer
      x-portico: { keyFile: keys/rsa.pem, algorithms: [RS256], audience: shop }
    discovered:
      type: openIdConnect
      openIdConnectUrl: '${idp.url}/.well-known/openid-configuration'
      x-portico: { audience: shop }
    basic: { type: http, scheme: basic }
    key: { type: apiKey, in: header, name: X-API-Key }
paths:
  /oidc:
    get:
      security: [{ idp: [] }]
      responses: { '200': { description: ok } }
  /discovered:
    get:
      security: [{ discovered: [] }]
      responses: { '200': { description: ok } }
  /either:
    get:
      security: [{ basic: [] }, { local: [] }]
      responses: { '200': { description: ok } }
  /both:
    get:
      security: [{ local: [], key: [] }]
      responses: { '200': { description: ok } }
`,
    'keys/rsa.pem': await exportSPKI(rsa.publicKey),
  },
  {
    consumers: { findByKey: (k) => (k === 'k-bob' ? 'bob' : undefined), checkPassword: async (name, password) => name === 'carol' && password === 'carol-pass' },
    compile: { env: { UP: upstream.url } },
  },
);
after(async () => {
  await gw.close();
  await upstream.close();
  await idp.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${gw.url}${path}`, { headers });

test('openIdConnect scheme → jwt with a JWKS URL: fetched on first use only, then cached; claims reach the upstream', async () => {
  assert.equal(jwksFetches, 0, 'nothing is fetched before a request needs it');
  const token = await sign(ec.privateKey, 'ES256', {}, 'k1');
  const res = await get('/oidc', { authorization: `Bearer ${token}`, 'x-user': 'mallory' });
  assert.equal(res.status, 200);
  assert.equal(upstream.received.at(-1)!.headers['x-user'], 'alice');
  assert.equal((await get('/oidc', { authorization: `Bearer ${token}` })).status, 200);
  assert.equal(jwksFetches, 1, 'cached');
  const logged = (await gw.logged(gw.exchanges.length)).at(-1)!;
  assert.equal(logged.consumer, 'alice');
});

test('openIdConnect scheme alone: discovery (on first use) gives the keys and the required issuer', async () => {
  assert.equal(discoveryFetches, 0);
  const good = await sign(ec.privateKey, 'ES256', { iss: 'https://idp.test' }, 'k1');
  assert.equal((await get('/discovered', { authorization: `Bearer ${good}` })).status, 200);
  assert.equal(discoveryFetches, 1);
  const foreign = await sign(ec.privateKey, 'ES256', { iss: 'https://other.test' }, 'k1');
  assert.equal((await get('/discovered', { authorization: `Bearer ${foreign}` })).status, 401);
  assert.match((await gw.logged(gw.exchanges.length)).at(-1)!.policy!.reason, /claim "iss"/);
  assert.equal((await get('/discovered', { authorization: `Bearer ${good}` })).status, 200);
  assert.equal(discoveryFetches, 1, 'the discovery document is cached');
});

test('jwt refusals are 401 with a Bearer challenge; the reason is in the log, not the body', async () => {
  const wrongAudience = await sign(ec.privateKey, 'ES256', { aud: 'elsewhere' }, 'k1');
  const res = await get('/oidc', { authorization: `Bearer ${wrongAudience}` });
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="portico", error="invalid_token"/);
  const body = await res.text();
  assert.doesNotMatch(body, /aud/);
  const logged = (await gw.logged(gw.exchanges.length)).at(-1)!;
  assert.equal(logged.mode, 'rejected');
  assert.equal(logged.policy?.id, 'jwt');
  assert.match(logged.policy!.reason, /security \(idp\): claim "aud"/);
  assert.equal((await get('/oidc')).status, 401);
});

test('security OR: basic credentials or a bearer token each pass; neither does not', async () => {
  const basic = `Basic ${Buffer.from('carol:carol-pass').toString('base64')}`;
  assert.equal((await get('/either', { authorization: basic })).status, 200);
  assert.equal((await get('/either', { authorization: `Bearer ${await sign(rsa.privateKey, 'RS256')}` })).status, 200);
  const refused = await get('/either');
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get('www-authenticate'), 'Basic realm="portico", charset="UTF-8"', 'answered as the first alternative failed');
});

test('security AND: a bearer token and an API key are both required', async () => {
  const bearer = `Bearer ${await sign(rsa.privateKey, 'RS256')}`;
  assert.equal((await get('/both', { authorization: bearer, 'x-api-key': 'k-bob' })).status, 200);
  assert.equal((await get('/both', { authorization: bearer })).status, 401);
  assert.equal((await get('/both', { 'x-api-key': 'k-bob' })).status, 401);
});

test('a scheme whose jwt config is wrong stops compilation with file:line of the scheme', async () => {
  const ws = tempWorkspace({
    'api.yaml': `openapi: 3.1.0
info: { title: bad, version: '1' }
components:
  securitySchemes:
    local:
      type: http
      scheme: bearer
      x-portico:
        keyFile: missing.pem
        algorithms: [HS256]
paths:
  /x:
    get:
      security: [{ local: [] }]
      responses: { '200': { description: ok } }
`,
  });
  try {
    const design = await loadDesign(ws.path('api.yaml'));
    assert.throws(
      () => compile(design, { policies: policiesById, services: { counters: new MemoryCounters(), consumers: { findByKey: () => undefined }, now: Date.now }, env: {} }),
      (error: unknown) => {
        assert.ok(error instanceof DesignError);
        const lines = error.problems.map(formatProblem);
        assert.ok(lines.some((l) => /api\.yaml:10:\d+: .*security scheme "local" \(jwt\): algorithms\.0: HS256 needs secretFile/.test(l)), lines.join('\n'));
        return true;
      },
    );
  } finally {
    ws.cleanup();
  }
});
