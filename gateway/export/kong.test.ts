import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDesign } from '../openapi/load.js';
import { tempWorkspace } from '../test-support/workspace.js';
import { kongDocument } from './kong.js';
import { kongFile } from './kong-schema.js';
import { exportModel } from './model.js';

async function kongOf(apply: string) {
  const ws = tempWorkspace({
    'api.yaml': `openapi: 3.1.0
info: { title: t, version: '1' }
x-portico:
  upstreams: { app: { url: 'http://app:1' } }
  upstream: app
paths:
  /x:
    get:
      x-portico: { apply: ${apply} }
      responses: { '200': { description: ok } }
`,
  });
  try {
    return kongDocument(exportModel(await loadDesign(ws.path('api.yaml')), { env: {} }));
  } finally {
    ws.cleanup();
  }
}

test('two rate limits merge into one rate-limiting plugin when Kong accepts the periods; otherwise the second is reported', async () => {
  const merged = await kongOf('[{ use: rate-limit, with: { limit: 10, window: 1s } }, { use: rate-limit, with: { limit: 100, window: 1m } }]');
  const plugins = merged.file.services![0]!.routes![0]!.plugins!;
  assert.deepEqual(plugins.filter((p) => p.name === 'rate-limiting').map((p) => [(p.config as Record<string, unknown>).second, (p.config as Record<string, unknown>).minute]), [[10, 100]]);
  assert.ok(kongFile.safeParse(merged.file).success);

  // Kong refuses an hour limit lower than the minute limit.
  const refused = await kongOf('[{ use: rate-limit, with: { limit: 100, window: 1m } }, { use: rate-limit, with: { limit: 50, window: 1h } }]');
  const kept = refused.file.services![0]!.routes![0]!.plugins!.filter((p) => p.name === 'rate-limiting');
  assert.deepEqual(kept.map((p) => [(p.config as Record<string, unknown>).minute, (p.config as Record<string, unknown>).hour]), [[100, undefined]]);
  assert.ok(refused.report.some((e) => e.policy === 'rate-limiting' && e.kind === 'unsupported' && /one rate-limiting plugin per route/.test(e.why)));
  assert.ok(kongFile.safeParse(refused.file).success);
  assert.equal(kongFile.safeParse({ _format_version: '3.0', plugins: [{ name: 'rate-limiting', config: { minute: 100, hour: 50 } }] }).success, false);
});

test('a cookie key cannot be read by key-auth: the route is left out, not exported open', async () => {
  const { file, report } = await kongOf("[{ use: api-key, with: { in: cookie, name: sid } }]");
  assert.deepEqual(file.services, []);
  assert.ok(report.some((e) => e.policy === 'api-key' && /fails closed/.test(e.why)));
});
