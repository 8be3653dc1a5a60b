import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openConsumerStore } from '../consumers/store.js';
import { tempWorkspace } from '../test-support/workspace.js';

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', timeout: 60_000 });

const design = `openapi: 3.1.0
info: { title: export cli, version: '1' }
x-portico:
  upstreams: { app: { url: 'http://127.0.0.1:9999' } }
  upstream: app
paths:
  /items/{id}:
    get:
      operationId: getItem
      x-portico: { apply: [{ use: rate-limit, with: { limit: 5, window: 1s } }] }
      responses: { '200': { description: ok } }
  /jwt:
    get:
      operationId: jwtOnly
      x-portico: { apply: [{ use: jwt, with: { jwksUrl: 'https://idp.example.com/jwks.json' } }] }
      responses: { '200': { description: ok } }
`;

test('portico export writes the target files and prints the report; --json; --strict exits 3 when something is not expressed', () => {
  const ws = tempWorkspace({ 'api.yaml': design });
  try {
    const out = ws.path('out');
    const plain = run(['export', ws.path('api.yaml'), '--target', 'nginx', '--out', out, '--listen', '127.0.0.1:9090', '--files-dir', '/srv/keys']);
    assert.equal(plain.status, 0, plain.stderr);
    assert.ok(existsSync(`${out}/portico.conf`));
    assert.match(readFileSync(`${out}/portico.conf`, 'utf8'), /limit_req zone=portico_rl_get__items__id__0 burst=4 nodelay;/);
    assert.match(plain.stdout, /NOT EXPRESSED {2}GET \/jwt {2}jwt: open-source nginx cannot verify/);
    assert.match(readFileSync(`${out}/portico.conf`, 'utf8'), /listen 127\.0\.0\.1:9090;/);

    // Consumers are read by name from the data folder, and listed without credentials.
    const store = openConsumerStore(ws.path('data'));
    store.add('alice');
    store.close();
    const json = run(['export', ws.path('api.yaml'), '--target', 'kong', '--out', out, '--json', '--data', ws.path('data')]);
    assert.equal(json.status, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { files: string[]; report: { target: string; route: string; policy: string; why: string; instead: string }[] };
    assert.deepEqual(parsed.files, [`${out}/kong.yaml`, `${out}/kong-openapi.yaml`]);
    assert.ok(parsed.report.every((e) => e.target === 'kong' && e.why && e.instead));
    const kong = readFileSync(`${out}/kong.yaml`, 'utf8');
    assert.match(kong, /consumers:\n {2}- username: alice\n/);
    assert.doesNotMatch(kong, /pk_/, 'no key');

    assert.equal(run(['export', ws.path('api.yaml'), '--target', 'nginx', '--out', out, '--strict']).status, 3, 'JWT is not expressed in nginx');
    assert.equal(run(['export', ws.path('api.yaml'), '--target', 'krakend', '--out', out, '--strict']).status, 0, 'KrakenD only approximates');
  } finally {
    ws.cleanup();
  }
});

test('portico export: bad arguments and a design the gateway refuses exit 2', () => {
  const ws = tempWorkspace({ 'api.yaml': design, 'bad.yaml': design.replace('limit: 5', 'limit: -5') });
  try {
    assert.equal(run(['export', ws.path('api.yaml'), '--target', 'traefik', '--out', ws.path('o')]).status, 2);
    assert.equal(run(['export', ws.path('api.yaml'), '--target', 'kong']).status, 2);
    const bad = run(['export', ws.path('bad.yaml'), '--target', 'kong', '--out', ws.path('o')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad\.yaml:\d+:\d+/);
  } finally {
    ws.cleanup();
  }
});

test('portico import kong writes a design that exports back to Kong; a file that is not decK exits 2', () => {
  const kong = fileURLToPath(new URL('../../resources/fixtures/export/kong-input.yaml', import.meta.url));
  const ws = tempWorkspace({ 'not-deck.yaml': 'services: 3\n' });
  try {
    const imported = run(['import', 'kong', kong, '--out', ws.path('design')]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /prometheus: no Portico policy for this plugin/);
    const again = run(['export', ws.path('design/openapi.yaml'), '--target', 'kong', '--out', ws.path('kong'), '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(readFileSync(ws.path('kong/kong.yaml'), 'utf8'), /name: list-orders/);
    assert.equal(run(['import', 'kong', ws.path('not-deck.yaml'), '--out', ws.path('x')]).status, 2);
    assert.equal(run(['import', 'traefik', kong, '--out', ws.path('x')]).status, 2);
  } finally {
    ws.cleanup();
  }
});
