import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadDesign } from '../openapi/load.js';
import { tempWorkspace } from '../test-support/workspace.js';
import { kongDocument } from './kong.js';
import { importKong, parseKongFile } from './kong-import.js';
import { kongFile, type KongFile } from './kong-schema.js';
import { exportModel } from './model.js';

const here = dirname(fileURLToPath(import.meta.url));

async function exportImported(text: string): Promise<{ file: KongFile; notes: ReturnType<typeof importKong>['report']; design: string }> {
  const imported = importKong(text);
  const ws = tempWorkspace({ 'openapi.yaml': imported.files[0]!.content });
  try {
    const design = await loadDesign(ws.path('openapi.yaml'));
    return { file: kongDocument(exportModel(design, { env: {} })).file, notes: imported.report, design: imported.files[0]!.content };
  } finally {
    ws.cleanup();
  }
}

/** Kong's documented defaults of the fields the export writes explicitly: the same behaviour whether written or not. */
const KONG_DEFAULTS: Record<string, Record<string, unknown>> = {
  'rate-limiting': { policy: 'local', fault_tolerant: true, hide_client_headers: false, limit_by: 'consumer' },
  cors: { credentials: false, preflight_continue: false },
  'key-auth': { key_in_header: true, key_in_query: true, key_in_body: false, hide_credentials: false, run_on_preflight: true },
  'basic-auth': { hide_credentials: false },
};

/**
 * What a Kong file does, route by route: for each method and path, the service it reaches (address, timeouts,
 * retries; a Kong upstream by its targets) and every plugin that runs (global, the service's, the route's), by name.
 * Service names and where a plugin is attached do not change behaviour, so they are not compared.
 */
function effective(file: KongFile): Record<string, unknown> {
  const upstreams = new Map((file.upstreams ?? []).map((u) => [u.name, { ...u, name: undefined, targets: [...u.targets].sort((a, b) => a.target.localeCompare(b.target)) }]));
  const out: Record<string, unknown> = {};
  for (const service of file.services ?? []) {
    for (const route of service.routes ?? []) {
      const plugins = [...(file.plugins ?? []), ...(service.plugins ?? []), ...(route.plugins ?? [])]
        .map((p) => ({ name: p.name, config: { ...KONG_DEFAULTS[p.name], ...(p.config as Record<string, unknown>) } }))
        .sort((a, b) => a.name.localeCompare(b.name));
      for (const method of route.methods) {
        for (const path of route.paths) {
          // A named capture matches what an unnamed one does (names matter only to templates the import does not read).
          out[`${method} ${path.replace(/\(\?<[A-Za-z_][A-Za-z0-9_]*>\[\^\/\]\+\)/g, '[^/]+')}`] = {
            target: upstreams.get(service.host) ?? { protocol: service.protocol, host: service.host, port: service.port, path: service.path },
            read_timeout: service.read_timeout ?? 60000,
            retries: service.retries ?? 5,
            tls_verify: service.tls_verify,
            strip_path: route.strip_path,
            preserve_host: route.preserve_host ?? false,
            plugins,
          };
        }
      }
    }
  }
  return out;
}

test('round trip: the Kong export of every policy, imported and exported again, does the same (services, routes, plugins)', async () => {
  const design = await loadDesign(join(here, '../../resources/fixtures/export/every-policy.yaml'));
  const first = kongDocument(exportModel(design, { env: {} })).file;
  const { file: second, notes } = await exportImported(stringify(first));
  assert.ok(kongFile.safeParse(second).success);
  assert.deepEqual(effective(second), effective(first));
  // The route names survive too (operationIds are route names).
  const names = (f: KongFile) => (f.services ?? []).flatMap((s) => (s.routes ?? []).map((r) => r.name)).sort();
  assert.deepEqual(names(second), names(first));
  assert.ok(notes.some((n) => n.what === 'jwt' && /jwt_secrets/.test(n.why)), 'the import says where JWT keys must come from');
});

test('round trip: a hand-written decK file with global and service plugins, a Kong upstream and a prefix path', async () => {
  const text = readFileSync(join(here, '../../resources/fixtures/export/kong-input.yaml'), 'utf8');
  const original = parseKongFile(text);
  const { file, notes, design } = await exportImported(text);
  assert.deepEqual(effective(file), effective(normalised(original)));
  assert.ok(notes.some((n) => n.what === '/status' && /prefix/.test(n.why)), 'a plain Kong path is reported as a prefix');
  assert.ok(notes.some((n) => n.what === 'prometheus'), 'an unknown plugin is reported');
  assert.ok(notes.some((n) => n.what === 'consumers' && /alice/.test(n.why)));
  assert.doesNotMatch(design, /s3cr3t-key/, 'credentials are never imported');
});

/**
 * What the export writes differently on purpose: HEAD beside GET, OPTIONS beside cors (without changing behaviour), and
 * a plain (prefix) Kong path as the exact path the design has, which the import reports.
 */
function normalised(file: KongFile): KongFile {
  const copy = structuredClone(file) as KongFile;
  for (const service of copy.services ?? []) {
    for (const route of service.routes ?? []) {
      const cors = [...(copy.plugins ?? []), ...(service.plugins ?? []), ...(route.plugins ?? [])].some((p) => p.name === 'cors');
      if (route.methods.includes('GET') && !route.methods.includes('HEAD')) route.methods.push('HEAD');
      route.paths = route.paths.map((p) => (p.startsWith('~') ? p : `~${p}/?$`));
      if (cors && !route.methods.includes('OPTIONS')) route.methods.push('OPTIONS');
    }
  }
  return copy;
}

test('import: a deck dump (ids, defaults, nulls, top-level plugins naming their service) is read, and what is not imported is said', () => {
  const text = readFileSync(join(here, '../../resources/fixtures/export/kong-dump.yaml'), 'utf8');
  const { design, report, files } = importKong(text);
  const paths = design.paths as Record<string, Record<string, { operationId: string; 'x-portico': { upstream: string; apply?: { use: string; with?: unknown }[] } }>>;
  assert.deepEqual(Object.keys(paths).sort(), ['/health', '/invoices/{invoice}']);
  const invoices = paths['/invoices/{invoice}']!.get!;
  assert.equal(invoices.operationId, 'invoices');
  // In Kong's order (key-auth before rate-limiting, whatever the file says), so the limit counts consumers as it did.
  assert.deepEqual(invoices['x-portico'].apply, [
    { use: 'api-key', with: { in: 'header', name: 'apikey' } },
    { use: 'rate-limit', with: { limit: 30, window: '1m', by: 'consumer' } },
  ]);
  assert.deepEqual((design['x-portico'] as { upstreams: unknown }).upstreams, { billing: { url: 'https://billing.internal:8443/api', timeout: '30000ms' } });
  assert.ok(paths['/health']!.get, 'a route without methods gets the usual ones');
  const said = (what: string | RegExp) => report.some((n) => (typeof what === 'string' ? n.what === what : what.test(`${n.what} ${n.why}`)));
  assert.ok(said('prometheus'));
  assert.ok(said('request-termination'), 'a disabled plugin is noted');
  assert.ok(said('service'), 'a disabled service is noted');
  assert.ok(said(/hosts/), 'routing by host is noted as not imported');
  assert.ok(said('strip_path'));
  assert.ok(said('_transform'));
  assert.doesNotMatch(files[0]!.content, /s3cr3t-dump-key/);
});
