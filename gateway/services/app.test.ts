import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMessage, GatewayStatus, RpcError } from '../contract/index.js';
import { openApp } from './app.js';
import { copyExample, until } from './test-support/example.js';

const owners = `  /owners:
    get:
      operationId: listOwners
      summary: List owners
      tags: [pets]
      responses:
        '200':
          description: Owners.
          content:
            application/json:
              example: [{ name: Ada }]
`;

test('design.lint sees unsaved text (overlays) at its lines, without touching the disk', async () => {
  const example = copyExample();
  const app = await openApp({ folder: example.dir, startGateway: false, emit: () => undefined });
  try {
    const clean = await app.handlers['design.lint']({ overlays: {} });
    assert.deepEqual(clean.problems.filter((p) => p.severity === 'error'), []);

    const onDisk = readFileSync(join(example.dir, 'paths/pets.yaml'), 'utf8');
    const lines = onDisk.split('\n');
    const at = lines.findIndex((l) => l.includes('operationId: listPets'));
    lines.splice(at + 1, 0, '    summary: [broken');
    const linted = await app.handlers['design.lint']({ overlays: { 'paths/pets.yaml': lines.join('\n') } });
    const errors = linted.problems.filter((p) => p.severity === 'error');
    assert.ok(errors.length > 0, JSON.stringify(linted.problems));
    // Only the broken file has errors (no false positives about the refs that lead to it).
    assert.deepEqual([...new Set(errors.map((p) => p.file))], ['paths/pets.yaml'], JSON.stringify(errors));
    assert.equal(errors[0]!.file, 'paths/pets.yaml');
    assert.ok(errors[0]!.line >= at + 2 && errors[0]!.line <= at + 3, JSON.stringify(errors[0]));
    assert.equal(readFileSync(join(example.dir, 'paths/pets.yaml'), 'utf8'), onDisk);

    // x-portico problems (what the gateway would refuse) are lint's too.
    const root = readFileSync(join(example.dir, 'openapi.yaml'), 'utf8').replace('use: rate-limit', 'use: no-such-policy');
    const policy = await app.handlers['design.lint']({ overlays: { 'openapi.yaml': root } });
    const unknown = policy.problems.find((p) => /no-such-policy/.test(p.message));
    assert.ok(unknown, JSON.stringify(policy.problems));
    assert.equal(unknown.file, 'openapi.yaml');
    assert.equal(unknown.line, root.split('\n').findIndex((l) => l.includes('no-such-policy')) + 1);
  } finally {
    await app.close();
    example.cleanup();
  }
});

test('design.bundle: one document, external refs inlined, internal refs kept', async () => {
  const example = copyExample();
  const app = await openApp({ folder: example.dir, startGateway: false, emit: () => undefined });
  try {
    const { document, problems } = await app.handlers['design.bundle']({ overlays: {} });
    assert.deepEqual(problems, []);
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(refs.length > 0);
    assert.ok(refs.every((r) => r.startsWith('#/')), refs.join(' '));
    const doc = document as { paths: Record<string, Record<string, { operationId?: string; parameters?: unknown[] }>> };
    assert.equal(doc.paths['/pets']!.get!.operationId, 'listPets');
    // Every internal ref points at something that exists.
    for (const ref of refs) {
      let node: unknown = document;
      for (const token of ref.slice(2).split('/').map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'))) node = (node as Record<string, unknown>)[token];
      assert.notEqual(node, undefined, ref);
    }
    // Overlays are seen; a broken design gives problems and no document.
    const broken = await app.handlers['design.bundle']({ overlays: { 'openapi.yaml': 'openapi: 3.1.0\ninfo: [\n' } });
    assert.equal(broken.document, null);
    assert.equal(broken.problems[0]!.file, 'openapi.yaml');
  } finally {
    await app.close();
    example.cleanup();
  }
});

test('the gateway follows every save: new routes served, a broken design keeps the old routes and says why, a fix recovers', { timeout: 60_000 }, async () => {
  const example = copyExample();
  const events: EventMessage[] = [];
  const app = await openApp({ folder: example.dir, gatewayPort: 0, log: false, emit: (event, payload) => events.push({ event, payload } as EventMessage) });
  try {
    const started = await app.handlers['gateway.status']({});
    assert.equal(started.state, 'running', JSON.stringify(started));
    assert.deepEqual(started.problems, []);
    const url = started.url!;
    assert.equal((await fetch(`${url}/owners`)).status, 404);

    // Save a new path: the running gateway serves it.
    const root = await app.handlers['files.read']({ path: 'openapi.yaml' });
    const withOwners = root.text.replace('paths:\n', `paths:\n${owners}`);
    await app.handlers['files.write']({ path: 'openapi.yaml', text: withOwners, expectedVersion: root.version });
    await until(async () => (await fetch(`${url}/owners`)).status === 200, 'the new route');
    assert.deepEqual(await (await fetch(`${url}/owners`)).json(), [{ name: 'Ada' }]);
    assert.ok(events.some((e) => e.event === 'files.changed' && (e.payload as { paths: string[] }).paths.includes('openapi.yaml')));
    await until(() => events.some((e) => e.event === 'gateway.changed' && (e.payload as GatewayStatus).routes === started.routes! + 1), 'gateway.changed');

    // Break a referenced file: the old routes keep serving, the status says where.
    const pets = await app.handlers['files.read']({ path: 'paths/pets.yaml' });
    const brokenLines = pets.text.split('\n');
    const at = brokenLines.findIndex((l) => l.includes('operationId: listPets'));
    brokenLines.splice(at + 1, 0, '    summary: [broken');
    await app.handlers['files.write']({ path: 'paths/pets.yaml', text: brokenLines.join('\n') });
    const broken = await until(async () => {
      const status = await app.handlers['gateway.status']({});
      return status.problems.length > 0 ? status : undefined;
    }, 'problems in the status');
    assert.equal(broken.state, 'running');
    assert.equal(broken.problems[0]!.file, 'paths/pets.yaml');
    assert.ok(broken.problems[0]!.line >= at + 2, JSON.stringify(broken.problems[0]));
    assert.ok(broken.problems[0]!.column >= 1);
    assert.equal((await fetch(`${url}/pets`)).status, 200);
    assert.equal((await fetch(`${url}/owners`)).status, 200);
    assert.ok(events.some((e) => e.event === 'gateway.changed' && (e.payload as GatewayStatus).problems.length > 0));

    // Fix it: problems clear, the design is served again.
    await app.handlers['files.write']({ path: 'paths/pets.yaml', text: pets.text.replace('summary: List pets', 'summary: All pets') });
    const fixed = await until(async () => {
      const status = await app.handlers['gateway.status']({});
      return status.problems.length === 0 && status.loadedAt !== broken.loadedAt ? status : undefined;
    }, 'recovery');
    assert.equal(fixed.state, 'running');
    assert.equal((await fetch(`${url}/pets`)).status, 200);

    // Stop and start.
    assert.equal((await app.handlers['gateway.stop']({})).state, 'stopped');
    await assert.rejects(fetch(`${url}/pets`));
    const again = await app.handlers['gateway.start']({});
    assert.equal(again.state, 'running');
    assert.equal((await fetch(`${again.url}/owners`)).status, 200);
  } finally {
    await app.close();
    example.cleanup();
  }
});

test('a design that cannot start: failed with problems; fixing it starts the gateway', { timeout: 60_000 }, async () => {
  const example = copyExample();
  const app = await openApp({ folder: example.dir, gatewayPort: 0, log: false, emit: () => undefined, startGateway: false });
  try {
    const root = await app.handlers['files.read']({ path: 'openapi.yaml' });
    await app.handlers['files.write']({ path: 'openapi.yaml', text: root.text.replace('$ref: paths/pets.yaml#/collection', '$ref: paths/pets.yaml#/nothing') });
    const failed = await app.handlers['gateway.start']({});
    assert.equal(failed.state, 'failed');
    assert.equal(failed.problems[0]!.file, 'openapi.yaml');
    assert.equal(failed.problems[0]!.line, root.text.split('\n').findIndex((l) => l.includes('paths/pets.yaml#/collection')) + 1);
    await app.handlers['files.write']({ path: 'openapi.yaml', text: root.text });
    const running = await until(async () => {
      const status = await app.handlers['gateway.status']({});
      return status.state === 'running' ? status : undefined;
    }, 'start after the fix');
    assert.equal((await fetch(`${running.url}/pets`)).status, 200);

    // Another folder: the gateway follows it.
    const other = copyExample();
    try {
      const info = await app.handlers['workspace.open']({ folder: other.dir });
      assert.equal(info.spec, 'openapi.yaml');
      assert.notEqual(info.root, app.workspace.root === info.root ? '' : info.root);
      assert.equal((await app.handlers['gateway.status']({})).state, 'running');
      await assert.rejects(app.handlers['workspace.open']({ folder: join(other.dir, 'absent') }));
      assert.equal(app.workspace.root, info.root);
    } finally {
      await app.close();
      other.cleanup();
    }
  } finally {
    await app.close();
    example.cleanup();
  }
});

test('workspace.templates lists the bundled templates; workspace.create copies one into a new folder and opens it', { timeout: 60_000 }, async () => {
  const example = copyExample();
  const events: EventMessage[] = [];
  const app = await openApp({ folder: example.dir, gatewayPort: 0, log: false, emit: (event, payload) => events.push({ event, payload } as EventMessage) });
  const parent = mkdtempSync(join(tmpdir(), 'portico-create-'));
  try {
    const { templates } = await app.handlers['workspace.templates']({});
    assert.deepEqual(templates.map((t) => t.id), ['blank', 'petstore']);
    assert.ok(templates.every((t) => t.title !== '' && t.description !== ''));

    // Blank: a new folder (parents created), opened, linted clean, served by the gateway that was running.
    const target = join(parent, 'deep', 'my-api');
    const info = await app.handlers['workspace.create']({ folder: target, template: 'blank' });
    assert.equal(info.root, realpathSync(target));
    assert.equal(info.spec, 'openapi.yaml');
    assert.equal(app.workspace.root, realpathSync(target));
    const lint = await app.handlers['design.lint']({ overlays: {} });
    assert.deepEqual(lint.problems, []);
    const status = await until(() => (app.gateway.status().state === 'running' ? app.gateway.status() : undefined), 'the gateway on the new workspace');
    const r = await fetch(`${status.url}/status`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ok', version: '0.1.0' });

    // Petstore: the example's files.
    const pets = join(parent, 'pets');
    mkdirSync(pets);
    const petsInfo = await app.handlers['workspace.create']({ folder: pets, template: 'petstore' });
    assert.deepEqual(petsInfo.files.map((f) => f.path).sort(), ['components/responses.yaml', 'components/schemas.yaml', 'openapi.yaml', 'paths/inventory.yaml', 'paths/pets.yaml', 'upstream.mjs']);

    // A non-empty folder is refused (nothing overwritten, the open workspace stays); so is an unknown template.
    await assert.rejects(app.handlers['workspace.create']({ folder: target, template: 'petstore' }), (e: RpcError) => e.code === 'conflict');
    assert.equal(readFileSync(join(target, 'openapi.yaml'), 'utf8').includes('My API'), true);
    assert.equal(app.workspace.root, realpathSync(pets));
    await assert.rejects(app.handlers['workspace.create']({ folder: join(parent, 'x'), template: 'nope' }), (e: RpcError) => e.code === 'not_found');
    assert.equal(existsSync(join(parent, 'x')), false);
  } finally {
    await app.close();
    rmSync(parent, { recursive: true, force: true });
    example.cleanup();
  }
});
