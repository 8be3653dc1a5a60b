import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadDesign } from '../openapi/load.js';
import { policies as catalog } from '../policies/index.js';
import { exportDesign, EXPORT_TARGETS, type ExportResult } from './index.js';
import { kongFile } from './kong-schema.js';
import { krakendConfig } from './krakend-schema.js';
import { exportModel } from './model.js';
import { checkZuploReferences, zuploPoliciesFile, zuploRoutesFile } from './zuplo-schema.js';
import { checkNginxConfig, hasNginx } from './test-support/nginx.js';

/**
 * Golden files: the export of a design that uses every policy of the catalog, for every target, with its report.
 * The goldens were read line by line against each target's documentation; `UPDATE_GOLDEN=1` rewrites them after a
 * deliberate change (then read the diff the same way).
 */

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, '../../resources/fixtures/export/every-policy.yaml');
const goldenDir = join(here, 'golden/every-policy');
const design = await loadDesign(fixture);
const OPTIONS = { consumers: ['alice', 'bob'], env: {} };

function compareWithGolden(target: string, result: ExportResult): void {
  const expected = [...result.files, { path: 'report.json', content: JSON.stringify(result.report, null, 2) + '\n' }];
  for (const file of expected) {
    const path = join(goldenDir, target, file.path);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
      continue;
    }
    assert.equal(file.content, readFileSync(path, 'utf8'), `${target}/${file.path} differs from its golden file (UPDATE_GOLDEN=1 to accept, then review the diff)`);
  }
}

test('the fixture uses every policy of the catalog (so every mapping has a golden)', () => {
  const model = exportModel(design, { env: {} });
  const used = new Set(model.routes.flatMap((r) => r.policies.flatMap((p) => ('plan' in p ? p.plan.alternatives.flat().map((a) => a.policy.id) : [p.id]))));
  for (const policy of catalog) assert.ok(used.has(policy.id), `${policy.id} is used in ${fixture}`);
});

for (const target of EXPORT_TARGETS) {
  test(`${target}: the export of every policy matches its golden files and report`, () => {
    compareWithGolden(target, exportDesign(design, target, OPTIONS));
  });

  test(`${target}: every policy of every route is exported or reported`, () => {
    const result = exportDesign(design, target, OPTIONS);
    const text = result.files.map((f) => f.content).join('\n');
    const model = exportModel(design, { env: {} });
    for (const route of model.routes) {
      const label = `${route.method} ${route.path}`;
      const left = result.report.some((e) => e.route === label && e.kind === 'unsupported' && /the route is left out/.test(e.why));
      if (left) {
        assert.ok(!text.includes(`"operationId": "${route.operationId}"`) && !text.includes(`name: ${route.name}\n`), `${label} is reported as left out, so it is not in the output`);
      } else {
        assert.ok(text.includes(route.name) || text.includes(route.path.replace(/\{[^}]+\}/g, '')), `${label} is in the output`);
      }
    }
  });
}

test('kong: the decK file is valid against the strict model of Kong 3 declarative config', () => {
  const file = exportDesign(design, 'kong', OPTIONS).files.find((f) => f.path === 'kong.yaml')!;
  const parsed = kongFile.safeParse(parse(file.content));
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 2));
  assert.match(file.content, /Add keyauth_credentials, basicauth_credentials or jwt_secrets/);
  assert.deepEqual(parsed.data!.consumers, [{ username: 'alice' }, { username: 'bob' }]);
});

test('krakend: the configuration is valid against the strict model of KrakenD v3', () => {
  const file = exportDesign(design, 'krakend', OPTIONS).files.find((f) => f.path === 'krakend.json')!;
  const parsed = krakendConfig.safeParse(JSON.parse(file.content));
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 2));
});

test('zuplo: routes.oas.json and policies.json are valid and every reference resolves', () => {
  const files = exportDesign(design, 'zuplo', OPTIONS).files;
  const routes = zuploRoutesFile.safeParse(JSON.parse(files.find((f) => f.path === 'config/routes.oas.json')!.content));
  const policies = zuploPoliciesFile.safeParse(JSON.parse(files.find((f) => f.path === 'config/policies.json')!.content));
  assert.ok(routes.success, routes.success ? '' : JSON.stringify(routes.error.issues, null, 2));
  assert.ok(policies.success, policies.success ? '' : JSON.stringify(policies.error.issues, null, 2));
  assert.deepEqual(checkZuploReferences(routes.data!, policies.data!), []);
});

test('nginx: nginx -t accepts the export of every policy', async (t) => {
  if (!hasNginx) return t.skip('/usr/sbin/nginx is not installed');
  const dir = join(tmpdir(), 'portico-nginx-files');
  const conf = exportDesign(design, 'nginx', { ...OPTIONS, filesDir: dir, cacheDir: join(dir, 'cache') }).files.find((f) => f.path === 'portico.conf')!.content;
  mkdirSync(join(dir, 'cache'), { recursive: true });
  writeFileSync(join(dir, 'api-keys.map'), '');
  writeFileSync(join(dir, 'htpasswd'), '');
  // nginx resolves upstream hosts when it loads: the fixture's made-up hosts are pointed at loopback for the check.
  const checked = await checkNginxConfig(conf.replace(/server [a-z][a-z0-9.-]*:(\d+)/g, 'server 127.0.0.1:$1'));
  assert.ok(checked.ok, checked.output);
});

test('the example workspace exports to every target, and each output is valid', async () => {
  const petstore = await loadDesign(join(here, '../../resources/examples/petstore/openapi.yaml'));
  assert.ok(kongFile.safeParse(parse(exportDesign(petstore, 'kong').files[0]!.content)).success);
  assert.ok(krakendConfig.safeParse(JSON.parse(exportDesign(petstore, 'krakend').files[0]!.content)).success);
  const zuplo = exportDesign(petstore, 'zuplo').files;
  assert.ok(zuploRoutesFile.safeParse(JSON.parse(zuplo[0]!.content)).success);
  assert.ok(zuploPoliciesFile.safeParse(JSON.parse(zuplo[1]!.content)).success);
  assert.ok(exportDesign(petstore, 'nginx').files[0]!.content.includes('upstream portico_up_inventory'));
});

test('kong: the x-kong annotated OpenAPI form carries the same routes and plugins as kong.yaml', () => {
  const files = exportDesign(design, 'kong', OPTIONS).files;
  const deck = kongFile.parse(parse(files.find((f) => f.path === 'kong.yaml')!.content));
  const annotated = parse(files.find((f) => f.path === 'kong-openapi.yaml')!.content) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const model = exportModel(design, { env: {} });
  for (const service of deck.services ?? []) {
    for (const route of service.routes ?? []) {
      const source = model.routes.find((r) => r.name === route.name)!;
      const operation = annotated.paths[source.path]![source.method.toLowerCase()]!;
      assert.equal(operation.operationId, source.operationId);
      for (const plugin of route.plugins ?? []) assert.deepEqual(operation[`x-kong-plugin-${plugin.name}`], { config: plugin.config }, `${route.name}: ${plugin.name}`);
      assert.equal(Object.keys(operation).filter((k) => k.startsWith('x-kong-plugin-')).length, (route.plugins ?? []).length);
      assert.equal((operation['x-kong-service-defaults'] as { read_timeout: number }).read_timeout, service.read_timeout);
    }
  }
});

test('secrets never reach an export: key files are not read, consumers come without credentials', async () => {
  const { tempWorkspace } = await import('../test-support/workspace.js');
  const secret = 'TOP-SECRET-hmac-key-0123456789-abcdefghij';
  const ws = tempWorkspace({
    'api.yaml': `openapi: 3.1.0
info: { title: secrets, version: '1' }
x-portico:
  upstreams: { app: { url: 'http://app.internal:8080' } }
  upstream: app
paths:
  /a:
    get:
      x-portico: { apply: [{ use: jwt, with: { secretFile: hs.secret } }, { use: basic-auth }] }
      responses: { '200': { description: ok } }
  /b:
    get:
      x-portico: { apply: [{ use: api-key }] }
      responses: { '200': { description: ok } }
`,
    'hs.secret': secret,
  });
  try {
    const design = await loadDesign(ws.path('api.yaml'));
    for (const target of EXPORT_TARGETS) {
      const result = exportDesign(design, target, { consumers: ['alice'], env: {} });
      const text = result.files.map((f) => f.content).join('\n') + JSON.stringify(result.report);
      assert.ok(!text.includes(secret), `${target}: the secret file's content is not in the export`);
    }
  } finally {
    ws.cleanup();
  }
});
