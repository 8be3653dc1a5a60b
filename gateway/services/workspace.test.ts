import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RpcError } from '../contract/index.js';
import { tempWorkspace } from '../test-support/workspace.js';
import { copyExample, until } from './test-support/example.js';
import { openWorkspace, versionOf } from './workspace.js';

test('opens the example: lists its files, finds the design root', async () => {
  const example = copyExample();
  mkdirSync(join(example.dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(example.dir, 'node_modules', 'x', 'openapi.yaml'), 'openapi: 3.1.0');
  mkdirSync(join(example.dir, '.portico'), { recursive: true });
  writeFileSync(join(example.dir, '.portico', 'traffic.db'), '');
  try {
    const ws = await openWorkspace(example.dir, { watch: false });
    assert.equal(ws.spec, 'openapi.yaml');
    const info = await ws.info();
    assert.deepEqual(
      info.files.map((f) => `${f.path}:${f.kind}`),
      ['components/responses.yaml:yaml', 'components/schemas.yaml:yaml', 'openapi.yaml:openapi', 'paths/inventory.yaml:yaml', 'paths/pets.yaml:yaml', 'upstream.mjs:other'],
    );
    assert.ok(info.files.every((f) => f.size > 0));
  } finally {
    example.cleanup();
  }
});

test('without openapi.yaml at the root, the first file that declares openapi: or swagger:', async () => {
  const ws = tempWorkspace({ 'notes.yaml': 'a: 1', 'specs/deep/z.yaml': 'openapi: 3.0.3', 'specs/api.json': '{\n  "openapi": "3.1.0",\n  "info": {}\n}', 'specs/b.yaml': '# c\nswagger: "2.0"' });
  try {
    assert.equal((await openWorkspace(ws.dir, { watch: false })).spec, 'specs/api.json');
    assert.equal((await openWorkspace(ws.dir, { watch: false, spec: 'specs/b.yaml' })).spec, 'specs/b.yaml');
    const none = tempWorkspace({ 'a.txt': 'x' });
    assert.equal((await openWorkspace(none.dir, { watch: false })).spec, '');
    none.cleanup();
    await assert.rejects(openWorkspace(ws.path('absent')), (e: RpcError) => e.code === 'not_found');
  } finally {
    ws.cleanup();
  }
});

test('read and write inside the root, with versions and conflicts', async () => {
  const ws = tempWorkspace({ 'openapi.yaml': 'openapi: 3.1.0\n', 'outside.txt': 'secret' });
  mkdirSync(ws.path('root'));
  writeFileSync(ws.path('root/openapi.yaml'), 'openapi: 3.1.0\n');
  symlinkSync(ws.path('outside.txt'), ws.path('root/escape.yaml'));
  symlinkSync(ws.dir, ws.path('root/up'));
  try {
    const w = await openWorkspace(ws.path('root'), { watch: false });
    const read = await w.read('openapi.yaml');
    assert.deepEqual(read, { path: 'openapi.yaml', text: 'openapi: 3.1.0\n', version: versionOf('openapi: 3.1.0\n') });

    const written = await w.write('openapi.yaml', 'openapi: 3.1.1\n', read.version);
    assert.notEqual(written.version, read.version);
    assert.equal(readFileSync(ws.path('root/openapi.yaml'), 'utf8'), 'openapi: 3.1.1\n');
    // Someone else wrote since: the stale version is refused, the file untouched.
    await assert.rejects(w.write('openapi.yaml', 'mine', read.version), (e: RpcError) => e.code === 'conflict' && (e.details as { version: string }).version === written.version);
    assert.equal(readFileSync(ws.path('root/openapi.yaml'), 'utf8'), 'openapi: 3.1.1\n');
    // Without expectedVersion: last writer wins. New files and folders are created.
    await w.write('paths/new.yaml', 'get: {}\n');
    assert.equal(readFileSync(ws.path('root/paths/new.yaml'), 'utf8'), 'get: {}\n');
    await assert.rejects(w.write('other.yaml', 'x', versionOf('y')), (e: RpcError) => e.code === 'conflict');
    await assert.rejects(w.read('absent.yaml'), (e: RpcError) => e.code === 'not_found');

    // Symlinks that lead out of the root, and paths that do, are refused.
    for (const path of ['escape.yaml', 'up/outside.txt', '../outside.txt', '/etc/passwd']) {
      await assert.rejects(w.read(path), (e: RpcError) => e.code === 'forbidden', path);
      await assert.rejects(w.write(path, 'x'), (e: RpcError) => e.code === 'forbidden', path);
    }
    await assert.rejects(w.write('up/new.yaml', 'x'), (e: RpcError) => e.code === 'forbidden');
    assert.equal(readFileSync(ws.path('outside.txt'), 'utf8'), 'secret');
  } finally {
    ws.cleanup();
  }
});

test('watches the tree: changes in any folder, new folders included, debounced', async () => {
  const ws = tempWorkspace({ 'openapi.yaml': 'openapi: 3.1.0\n', 'paths/a.yaml': 'a: 1\n' });
  const batches: string[][] = [];
  const w = await openWorkspace(ws.dir, { onChange: (paths) => batches.push(paths) });
  try {
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(ws.path('paths/a.yaml'), 'a: 2\n');
    writeFileSync(ws.path('paths/a.yaml'), 'a: 3\n');
    writeFileSync(ws.path('openapi.yaml'), 'openapi: 3.1.1\n');
    await until(() => batches.length > 0, 'a change');
    assert.deepEqual(batches[0], ['openapi.yaml', 'paths/a.yaml']);

    mkdirSync(ws.path('components'));
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(ws.path('components/s.yaml'), 's: 1\n');
    await until(() => batches.some((b) => b.includes('components/s.yaml')), 'a change in a new folder');

    // Our own writes are changes too (the gateway reloads on them); temporary files are not reported.
    await w.write('paths/a.yaml', 'a: 4\n');
    await until(() => batches.some((b) => b.includes('paths/a.yaml') && batches.indexOf(b) > 0), 'our write');
    assert.ok(batches.flat().every((p) => !p.includes('portico-tmp')), JSON.stringify(batches));
  } finally {
    w.close();
    ws.cleanup();
  }
});
