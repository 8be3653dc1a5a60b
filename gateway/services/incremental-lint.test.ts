import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem } from '../contract/index.js';
import { lintWorkspaceInProcess, type LintWorkspaceResult } from './design.js';
import { DesignLinter } from './incremental-lint.js';
import { LintThread } from './lint-thread.js';
import { until } from './test-support/example.js';
import { openWorkspace } from './workspace.js';

/** A JSON root with 30 operations over shared components and one path item in another file. */
function design(): { root: Record<string, any>; external: Record<string, any> } {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 30; i++) {
    paths[`/things${i}`] = {
      get: {
        operationId: `getThing${i}`,
        summary: `Thing ${i}`,
        description: `One thing, number ${i}.`,
        tags: ['things'],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/Thing${i % 3}` } } } } },
      },
    };
  }
  paths['/elsewhere'] = { $ref: 'paths/elsewhere.json#/item' };
  const schemas: Record<string, unknown> = { Owner: { type: 'object', properties: { name: { type: 'string' } } } };
  for (let i = 0; i < 3; i++) schemas[`Thing${i}`] = { type: 'object', properties: { id: { type: 'string' }, owner: { $ref: '#/components/schemas/Owner' } } };
  return {
    root: {
      openapi: '3.1.0',
      info: { title: 'Things', version: '1.0.0', description: 'Things.', contact: { name: 'us', url: 'https://example.org' } },
      servers: [{ url: 'https://api.example.org' }],
      tags: [{ name: 'things', description: 'Things' }],
      paths,
      components: { schemas },
    },
    external: { item: { get: { operationId: 'elsewhere', summary: 'Elsewhere', description: 'Elsewhere.', tags: ['things'], responses: { '204': { description: 'none' } } } } },
  };
}

const text = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const key = (p: Problem) => `${p.file}:${p.line}:${p.column} ${p.code} ${p.pointer ?? ''}`;
const keys = (problems: Problem[]) => problems.map(key).sort();

test('an edit of a large design is answered from the touched part, the same as a full lint; the full lint follows as an event', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-incremental-'));
  const { root, external } = design();
  writeFileSync(join(dir, 'openapi.json'), text(root));
  mkdirSync(join(dir, 'paths'));
  writeFileSync(join(dir, 'paths', 'elsewhere.json'), text(external));
  const partThread = new LintThread();
  const fullThread = new LintThread();
  const pushed: LintWorkspaceResult[] = [];
  try {
    const ws = await openWorkspace(dir, { watch: false });
    // minChars 0: this small design stands for a large one.
    const linter = new DesignLinter(ws, { partThread, fullThread, minChars: 0, onFull: (r) => pushed.push(r) });

    const first = await linter.lint({});
    assert.equal(first.partial, undefined, 'the first lint has nothing to merge with: it is a full lint');
    assert.deepEqual(keys(first.problems), keys((await lintWorkspaceInProcess(ws, {})).problems));
    // Asked again with nothing changed: the full lint's findings, not a partial answer.
    const again = await linter.lint({});
    assert.equal(again.partial, undefined);
    assert.deepEqual(keys(again.problems), keys(first.problems));

    // 1. A line inserted at the top (every line below moves) and one operation loses its description.
    const edited = design().root;
    delete edited.paths['/things7'].get.description;
    const overlays = { 'openapi.json': text({ 'x-edited': true, ...edited }) };
    const answer = await linter.lint(overlays);
    assert.equal(answer.partial, true);
    const expected = (await lintWorkspaceInProcess(ws, overlays)).problems;
    assert.ok(expected.some((p) => p.code === 'operation-description' && p.pointer === '/paths/~1things7/get'), 'the edit has a finding');
    assert.deepEqual(keys(answer.problems), keys(expected), 'the partial answer is what a full lint says, at the same lines');

    // The full lint of that version follows, once.
    await until(() => pushed.length === 1, 'design.linted', 90_000);
    assert.deepEqual(keys(pushed[0]!.problems), keys(expected));

    // 2. A shared component changes: every path item reaching it is linted again.
    const component = design().root;
    delete component.paths['/things7'].get.description;
    component.components.schemas.Owner.properties.name = { type: 'string', example: 5 };
    const componentOverlays = { 'openapi.json': text({ 'x-edited': true, ...component }) };
    const second = await linter.lint(componentOverlays);
    assert.equal(second.partial, true);
    assert.deepEqual(keys(second.problems), keys((await lintWorkspaceInProcess(ws, componentOverlays)).problems));

    // 3. An edit in another file: the path item that refers to it.
    const other = design().external;
    delete other.item.get.description;
    const otherOverlays = { ...componentOverlays, 'paths/elsewhere.json': text(other) };
    const third = await linter.lint(otherOverlays);
    assert.equal(third.partial, true);
    const expectedThird = (await lintWorkspaceInProcess(ws, otherOverlays)).problems;
    assert.ok(expectedThird.some((p) => p.file === 'paths/elsewhere.json' && p.code === 'operation-description'));
    assert.deepEqual(keys(third.problems), keys(expectedThird));

    // The full lint of the newest version is pushed last, and it is right.
    await until(() => pushed.length >= 2 && keys(pushed.at(-1)!.problems).join() === keys(expectedThird).join(), 'the last design.linted', 90_000);
    assert.deepEqual(keys(pushed.at(-1)!.problems), keys(expectedThird));
    assert.ok(partThread.stats.runs >= 4 && fullThread.stats.runs <= 4, `runs: ${partThread.stats.runs} part, ${fullThread.stats.runs} full`);
  } finally {
    await Promise.all([partThread.close(), fullThread.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a design below the size threshold is linted in full, as before', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-incremental-'));
  const { root, external } = design();
  writeFileSync(join(dir, 'openapi.json'), text(root));
  mkdirSync(join(dir, 'paths'));
  writeFileSync(join(dir, 'paths', 'elsewhere.json'), text(external));
  const partThread = new LintThread();
  const fullThread = new LintThread();
  try {
    const ws = await openWorkspace(dir, { watch: false });
    const linter = new DesignLinter(ws, { partThread, fullThread });
    const result = await linter.lint({ 'openapi.json': text({ ...root, info: { title: 'x', version: '1' } }) });
    assert.equal(result.partial, undefined);
    assert.ok(result.problems.some((p) => p.code === 'info-contact'));
    assert.equal(partThread.stats.runs, 0);
  } finally {
    await Promise.all([partThread.close(), fullThread.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});
