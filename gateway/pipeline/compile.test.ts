import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DesignError } from '../openapi/design.js';
import { loadDesign } from '../openapi/load.js';
import { policies, policiesById } from '../policies/index.js';
import { tempWorkspace } from '../test-support/workspace.js';
import { compile, toRouterPattern, type CompileOptions } from './compile.js';
import { MemoryCounters } from './counters.js';
import { extensionJsonSchema } from './extension.js';

const services = { counters: new MemoryCounters(), consumers: { findByKey: () => undefined }, now: Date.now };
const options = (extra: Partial<CompileOptions> = {}): CompileOptions => ({ policies: policiesById, services, env: {}, ...extra });

async function compileText(yaml: string, extra: Partial<CompileOptions> = {}) {
  const ws = tempWorkspace({ 'api.yaml': yaml });
  try {
    return compile(await loadDesign(ws.path('api.yaml')), options(extra));
  } finally {
    ws.cleanup();
  }
}

async function problemsOf(yaml: string, extra: Partial<CompileOptions> = {}) {
  try {
    await compileText(yaml, extra);
  } catch (error) {
    if (error instanceof DesignError) return error.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    throw error;
  }
  assert.fail('expected the design to be refused');
}

const head = `openapi: 3.1.0
info: { title: t, version: '1' }
`;

test('every x-portico problem is reported with its line and column, not just the first', async () => {
  const problems = await problemsOf(`${head}x-portico:
  upstreams:
    api: { url: 'http://\${API_HOST}:8080' }
  policies:
    limit: { use: rate-limit, with: { limit: -1, window: 1m } }
    oops: { use: no-such-policy }
  apply: [limit, missing]
  colour: blue
paths:
  /a:
    get:
      x-portico: { upstream: nowhere }
      responses: { '200': { description: ok } }
`);
  assert.deepEqual(problems.sort(), [
    '10:3 x-portico: unknown field "colour"',
    '14:20 unknown upstream "nowhere"',
  ].sort());
});

test('with a valid shape, policy configs, unknown policies, instances and upstreams are all reported', async () => {
  const problems = await problemsOf(`${head}x-portico:
  upstreams:
    api: { url: 'http://\${API_HOST}:8080' }
  policies:
    limit: { use: rate-limit, with: { limit: -1, window: 1m } }
    oops: { use: no-such-policy }
  apply: [limit, missing, oops]
paths:
  /a:
    get:
      x-portico: { upstream: nowhere }
      responses: { '200': { description: ok } }
`);
  assert.ok(problems.some((p) => /^5:12 upstream "api": environment variable \$\{API_HOST\} is not set/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^7:39 rate-limit "limit": limit: Too small/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^9:18 unknown policy instance "missing"/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^8:13 unknown policy "no-such-policy"/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^13:20 unknown upstream "nowhere"/.test(p)), problems.join('\n'));
});

test('a broken global policy is reported once, not once per route', async () => {
  const problems = await problemsOf(`${head}x-portico:
  apply: [nosuch]
paths:
  /a: { get: { responses: { '200': { description: ok } } } }
  /b: { get: { responses: { '200': { description: ok } } } }
  /c: { post: { responses: { '200': { description: ok } } } }
`);
  assert.deepEqual(problems, ['4:11 unknown policy instance "nosuch" (define it under x-portico.policies)']);
});

test('environment variables fill upstream URLs', async () => {
  const table = await compileText(`${head}x-portico:
  upstreams:
    api: { url: 'http://\${API_HOST}:8080/base', timeout: 2s }
paths:
  /a:
    get:
      x-portico: { upstream: api }
      responses: { '200': { description: ok } }
`, { env: { API_HOST: '127.0.0.1' } });
  assert.equal(table.upstreams.get('api')?.url, 'http://127.0.0.1:8080/base');
  assert.equal(table.upstreams.get('api')?.timeout, 2000);
  assert.equal(table.routes[0]?.mode, 'proxy');
});

const twoRoutes = `${head}servers: [{ url: 'https://api.example.com/v1' }]
x-portico:
  upstreams: { api: { url: 'http://127.0.0.1:9' } }
  upstream: api
paths:
  /proxied:
    get: { responses: { '200': { description: ok } } }
  /mocked/{id}:
    get:
      x-portico: { mock: true }
      responses: { '200': { description: ok } }
`;

test('each operation is mocked or proxied as its x-portico says; --mock and --upstream override', async () => {
  const auto = await compileText(twoRoutes);
  assert.deepEqual(auto.routes.map((r) => `${r.info.path} ${r.mode}`), ['/proxied proxy', '/mocked/{id} mock']);
  const mocked = await compileText(twoRoutes, { mode: 'mock' });
  assert.deepEqual(mocked.routes.map((r) => r.mode), ['mock', 'mock']);
  const proxied = await compileText(twoRoutes, { mode: 'proxy', upstreamUrl: 'http://127.0.0.1:1234' });
  assert.deepEqual(proxied.routes.map((r) => `${r.mode} ${r.upstream?.url}`), ['proxy http://127.0.0.1:1234', 'proxy http://127.0.0.1:1234']);
});

test('routes match with and without the first server URL path, with path parameters by name', async () => {
  const table = await compileText(twoRoutes);
  assert.deepEqual(table.find('GET', '/mocked/42')?.params, { id: '42' });
  assert.deepEqual(table.find('GET', '/v1/mocked/42')?.params, { id: '42' });
  assert.equal(table.find('GET', '/v2/mocked/42'), undefined);
  assert.equal(table.find('HEAD', '/proxied')?.route.info.method, 'GET');
  assert.deepEqual(table.allowedMethods('/proxied'), ['GET', 'HEAD']);
  assert.deepEqual(table.allowedMethods('/nothing'), []);
});

test('policies run global first, then security, then the route’s own; secrets are named for redaction', async () => {
  const table = await compileText(`${head}x-portico:
  policies:
    browser: { use: cors, with: { origins: ['*'] } }
  apply: [browser]
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: token }
paths:
  /a:
    get:
      security: [{ key: [] }]
      x-portico:
        apply: [{ use: rate-limit, with: { limit: 5, window: 1s } }]
      responses: { '200': { description: ok } }
  /open:
    get:
      security: [{}, { key: [] }]
      responses: { '200': { description: ok } }
`);
  assert.deepEqual(table.routes[0]?.chain.map((p) => p.id), ['cors', 'api-key', 'rate-limit']);
  assert.deepEqual(table.routes[1]?.chain.map((p) => p.id), ['cors']);
  assert.deepEqual(table.secretNames.query, ['token']);
});

test('path templates become router patterns with positional names', () => {
  assert.deepEqual(toRouterPattern('/pets/{pet-id}/toys/{toy.id}'), { pattern: '/pets/:p0/toys/:p1', names: ['pet-id', 'toy.id'] });
  assert.deepEqual(toRouterPattern('/models/{model}:generate'), { pattern: '/models/:p0::generate', names: ['model'] });
});

test('the checked-in x-portico JSON Schema is the one generated from the policies', () => {
  const checkedIn = JSON.parse(readFileSync(new URL('../../resources/schemas/x-portico.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(checkedIn, extensionJsonSchema(policies), 'run `npm run schema` to regenerate resources/schemas/x-portico.schema.json');
});
