import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDesign } from '../openapi/load.js';
import { compile } from '../pipeline/compile.js';
import { MemoryCounters } from '../pipeline/counters.js';
import { policiesById } from '../policies/index.js';
import { tempWorkspace } from '../test-support/workspace.js';
import { goDuration } from './krakend.js';
import { exportModel, templateRegex } from './model.js';
import { nginxRate } from './nginx.js';

const templates = ['/pets', '/pets/{id}', '/pets/{id}/toys/{toy}', '/pets/mine', '/a.b/{x}', '/files/{name}.json', '/v/{a}-{b}'];

test('template regexes match exactly the paths the local router routes to that template (with and without the server prefix)', async () => {
  const ws = tempWorkspace({
    'api.yaml': `openapi: 3.1.0
info: { title: t, version: '1' }
servers: [{ url: 'https://api.example.com/v1' }]
paths:
${templates.map((t) => `  '${t}':\n    get:\n      responses: { '200': { description: ok } }`).join('\n')}
`,
  });
  try {
    const design = await loadDesign(ws.path('api.yaml'));
    const table = compile(design, { policies: policiesById, services: { counters: new MemoryCounters(), consumers: { findByKey: () => undefined }, now: Date.now }, env: {} });
    const samples = ['/pets', '/pets/', '/pets/7', '/pets/7/', '/pets/7/toys/ball', '/pets/mine', '/v1/pets/7', '/v1/pets', '/v2/pets/7', '/pets/7/8', '/a.b/1', '/aXb/1', '/files/x.json', '/files/x.yaml', '/v/1-2', '/', '/petsx', '/v1/v1/pets'];
    for (const path of samples) {
      const routed = table.find('GET', path)?.route.info.path;
      const matching = templates.filter((t) => new RegExp(templateRegex(t, { prefix: '/v1' })).test(path));
      if (routed === undefined) assert.deepEqual(matching, [], `${path}: routed nowhere locally, matched by no regex`);
      else assert.ok(matching.includes(routed), `${path}: routed to ${routed}, regexes match ${matching.join(', ')}`);
    }
  } finally {
    ws.cleanup();
  }
});

test('named captures for targets that read parameters', () => {
  assert.equal(templateRegex('/pets/{id}/toys/{toy}', { named: true }), '^/pets/(?<p_0>[^/]+)/toys/(?<p_1>[^/]+)/?$');
});

test('nginx rates are whole requests per second or minute, rounded up and flagged otherwise', () => {
  assert.deepEqual(nginxRate(100, 60_000), { rate: '100r/m', exact: true });
  assert.deepEqual(nginxRate(10, 1_000), { rate: '10r/s', exact: true });
  assert.deepEqual(nginxRate(120, 60_000), { rate: '2r/s', exact: true });
  assert.deepEqual(nginxRate(100, 3_600_000), { rate: '2r/m', exact: false });
});

test('Go durations for KrakenD', () => {
  assert.equal(goDuration(600_000), '10m');
  assert.equal(goDuration(3_600_000), '1h');
  assert.equal(goDuration(1500), '1500ms');
  assert.equal(goDuration(2000), '2s');
});

test('the export model keeps the chain with parsed configs and the security plan by scheme', async () => {
  const ws = tempWorkspace({
    'api.yaml': `openapi: 3.1.0
info: { title: t, version: '1' }
x-portico:
  upstreams: { app: { url: 'http://app:1' } }
  upstream: app
  policies: { steady: { use: rate-limit, with: { limit: 5, window: 1m } } }
  apply: [steady]
paths:
  /x:
    get:
      security: [{ key: [] }, { basic: [] }]
      x-portico: { apply: [{ use: request-size-limit, with: { max: 1kb } }] }
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: k }
    basic: { type: http, scheme: basic }
`,
  });
  try {
    const model = exportModel(await loadDesign(ws.path('api.yaml')), { env: {} });
    const route = model.routes[0]!;
    assert.equal(route.mode, 'proxy');
    assert.deepEqual(route.policies.map((p) => p.id), ['rate-limit', 'security', 'request-size-limit']);
    assert.deepEqual(route.policies[0], { id: 'rate-limit', key: 'named:steady', name: 'steady', config: { limit: 5, window: 60_000, by: 'ip', algorithm: 'fixed-window' } });
    assert.deepEqual((route.policies[2] as { config: unknown }).config, { max: 1024 });
    const plan = (route.policies[1] as { plan: { alternatives: { scheme: string; policy: { id: string; config: unknown } }[][] } }).plan;
    assert.deepEqual(plan.alternatives.map((a) => a.map((s) => [s.scheme, s.policy.id, s.policy.config])), [[['key', 'api-key', { in: 'query', name: 'k' }]], [['basic', 'basic-auth', { realm: 'portico' }]]]);
  } finally {
    ws.cleanup();
  }
});
