import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DesignError, type Design, type DesignProblem, type Node } from './design.js';
import { inspectDesign, loadDesign } from './load.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (path: string): string => join(fixtures, path);
/** How problems name a fixture: relative to the working directory. */
const shown = (path: string): string => relative(process.cwd(), fixture(path));

async function problemsOf(path: string, options = {}): Promise<DesignProblem[]> {
  try {
    await loadDesign(path, options);
  } catch (error) {
    assert.ok(error instanceof DesignError, `expected a DesignError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail(`${path} loaded without problems`);
}

const brief = (p: DesignProblem): string => `${p.file}:${p.line}:${p.column}`;

function at(design: Design, ...keys: string[]): Node {
  const node = design.get(design.root, ...keys);
  assert.ok(node, `nothing at ${keys.join(' > ')}`);
  return node;
}

test('loads OpenAPI 3.0 and 3.1, YAML and JSON', async () => {
  for (const [name, version] of [
    ['petstore-30.yaml', '3.0'],
    ['petstore-30.json', '3.0'],
    ['petstore-31.json', '3.1'],
    ['petstore-31.yaml', '3.1'],
  ] as const) {
    const design = await loadDesign(fixture(name));
    assert.equal(design.version, version, name);
    assert.equal(design.files.size, 1);
    assert.deepEqual(design.notices, []);
  }
  const design = await loadDesign(fixture('petstore-30.yaml'));
  const param = at(design, 'paths', '/pets/{id}', 'get', 'parameters', '0');
  assert.equal((param.value as { name: string }).name, 'id');
  assert.deepEqual(design.locate(param), { file: shown('petstore-30.yaml'), line: 20, column: 5 });
});

test('multi-file refs: path items, parameters, schemas, ../ folders, JSON beside YAML', async () => {
  const design = await loadDesign(fixture('multi/api/openapi.yaml'));
  assert.equal(design.files.size, 6);
  const list = at(design, 'paths', '/pets', 'get');
  assert.equal(list.file, new URL('./fixtures/multi/api/paths/pets.yaml', import.meta.url).href);
  const limit = at(design, 'paths', '/pets', 'get', 'parameters', '0');
  assert.equal((limit.value as { name: string }).name, 'limit');
  assert.deepEqual(design.locate(limit), { file: shown('multi/shared/parameters.yaml'), line: 1, column: 1 });
  const owner = at(design, 'paths', '/pets/{id}', 'get', 'responses', '200', 'content', 'application/json', 'schema', 'properties', 'owner');
  assert.deepEqual(design.locate(owner), { file: shown('multi/shared/people.json'), line: 2, column: 3 });
  const error = at(design, 'paths', '/pets', 'get', 'responses', 'default', 'content', 'application/json', 'schema');
  assert.deepEqual(Object.keys(error.value as object), ['type', 'properties']);
  const idParam = at(design, 'paths', '/pets/{id}', 'parameters', '0');
  assert.equal((idParam.value as { in: string }).in, 'path');
});

test('circular schema refs across files load, and deref still works', async () => {
  const design = await loadDesign(fixture('circular/openapi.yaml'));
  assert.equal(design.files.size, 3);
  const node = at(design, 'paths', '/nodes', 'get', 'responses', '200', 'content', 'application/json', 'schema');
  assert.match(node.file, /tree\.yaml$/);
  const tree = at(design, 'paths', '/nodes', 'get', 'responses', '200', 'content', 'application/json', 'schema', 'properties', 'children', 'items');
  assert.match(tree.file, /forest\.yaml$/);
  assert.equal(tree.pointer, '/Tree');
  const back = design.get(tree, 'properties', 'root');
  assert.equal(back?.pointer, '/Node');
  assert.match(back?.file ?? '', /tree\.yaml$/);
  const self = design.get(tree, 'properties', 'self');
  assert.equal(self?.pointer, '/Tree');
  const leaf = at(design, 'components', 'schemas', 'Alias');
  assert.deepEqual(leaf.value, { type: 'string' });
});

test('broken file refs and broken pointers: each at the $ref, in every file', async () => {
  const problems = await problemsOf(fixture('broken/api/openapi.yaml'));
  assert.deepEqual(problems.map(brief), [
    `${shown('broken/api/openapi.yaml')}:7:5`,
    `${shown('broken/api/openapi.yaml')}:11:5`,
    `${shown('broken/api/paths.yaml')}:5:9`,
    `${shown('broken/common.yaml')}:7:11`,
  ]);
  const messages = problems.map((p) => p.message).join('\n');
  assert.match(messages, /"missing\.yaml": cannot read .*missing\.yaml: no such file/);
  assert.match(messages, /nothing at "\/components\/pathItems\/nope"/);
  assert.match(messages, /nothing at "\/responses\/NotThere"/);
  assert.match(messages, /nope\/schemas\.yaml: no such file/);
  assert.ok(problems.every((p) => p.severity === 'error' && p.code === 'unresolved-ref'));
});

test('syntax errors in several files are all reported with line and column', async () => {
  const problems = await problemsOf(fixture('syntax/openapi.yaml'));
  const byFile = (name: string) => problems.filter((p) => p.file === shown(`syntax/${name}`));
  assert.deepEqual(byFile('bad.json').map(brief), [`${shown('syntax/bad.json')}:4:52`]);
  assert.match(byFile('bad.json')[0]?.message ?? '', /invalid JSON/);
  assert.ok(byFile('bad.yaml').length >= 1);
  assert.deepEqual([byFile('bad.yaml')[0]?.line, byFile('bad.yaml')[0]?.column], [5, 1]);
  assert.match(byFile('bad.yaml')[0]?.message ?? '', /invalid YAML/);
  assert.deepEqual(byFile('dupes.yaml').map((p) => [p.line, p.column, p.code]), [[5, 3, 'duplicate-key']]);
  // Refs into unparsable files are not reported again as unresolved.
  assert.equal(problems.filter((p) => p.code === 'unresolved-ref').length, 0);
});

test('remote refs are refused unless allowed, then fetched', async () => {
  const problems = await problemsOf(fixture('remote/openapi.yaml'));
  assert.deepEqual(problems.map(brief), [`${shown('remote/openapi.yaml')}:14:17`]);
  assert.equal(problems[0]?.code, 'remote-ref');
  assert.match(problems[0]?.message ?? '', /refused/);

  const fetched: string[] = [];
  const fetch = async (url: string) => {
    fetched.push(url);
    return { ok: true, status: 200, text: async () => 'Pet:\n  type: object\n' };
  };
  const design = await loadDesign(fixture('remote/openapi.yaml'), { allowRemoteRefs: true, fetch });
  assert.deepEqual(fetched, ['https://schemas.example.com/pet.yaml']);
  const schema = at(design, 'paths', '/pets', 'get', 'responses', '200', 'content', 'application/json', 'schema');
  assert.deepEqual(schema.value, { type: 'object' });
  assert.equal(design.locate(schema).file, 'https://schemas.example.com/pet.yaml');

  const failing = async () => ({ ok: false, status: 404, text: async () => '' });
  const notFound = await problemsOf(fixture('remote/openapi.yaml'), { allowRemoteRefs: true, fetch: failing });
  assert.match(notFound[0]?.message ?? '', /HTTP 404/);
});

test('Swagger 2.0 is converted, with a notice', async () => {
  const design = await loadDesign(fixture('swagger/petstore.yaml'));
  assert.deepEqual(design.notices, ['converted from Swagger 2.0']);
  assert.match(String(design.root.value.openapi), /^3\.0\./);
  const items = at(design, 'paths', '/pets', 'get', 'responses', '200', 'content', 'application/json', 'schema', 'items');
  assert.equal(items.pointer, '/components/schemas/Pet');
  assert.deepEqual(design.locate(items), { file: shown('swagger/petstore.yaml'), line: 25, column: 3 });
  assert.deepEqual(design.locate(at(design, 'info')), { file: shown('swagger/petstore.yaml'), line: 2, column: 1 });
});

test('root checks: openapi version, info, paths', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-load-'));
  const write = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };
  const v2 = await problemsOf(await write('v.yaml', 'info:\n  title: x\n  version: "1"\nopenapi: 3.2.0\npaths: {}\n'));
  assert.deepEqual(v2.map((p) => [p.line, p.column, p.code]), [[4, 1, 'openapi-version']]);
  const numeric = await problemsOf(await write('n.yaml', 'openapi: 3.0\ninfo: {title: x, version: "1"}\npaths: {}\n'));
  assert.match(numeric[0]?.message ?? '', /as a string/);
  const bare = await problemsOf(await write('b.yaml', 'title: nothing\n'));
  assert.deepEqual(bare.map((p) => p.code).sort(), ['missing-info', 'missing-paths', 'openapi-version']);
  // 3.1 needs paths, webhooks or components; components alone will do.
  await loadDesign(await write('c.yaml', 'openapi: 3.1.0\ninfo: {title: x, version: "1"}\ncomponents: {}\n'));
  const none31 = await problemsOf(await write('d.yaml', 'openapi: 3.1.0\ninfo: {title: x, version: "1"}\n'));
  assert.deepEqual(none31.map((p) => p.code), ['missing-paths']);
  const list = await problemsOf(await write('e.json', '[1, 2]'));
  assert.deepEqual(list.map((p) => p.code), ['not-openapi']);
});

test('a missing root file is one clear problem', async () => {
  const problems = await problemsOf(fixture('no-such-design.yaml'));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.code, 'unreadable');
  assert.match(problems[0]?.message ?? '', /no such file/);
});

test('inspectDesign reports without throwing', async () => {
  const { design, problems } = await inspectDesign(fixture('broken/api/openapi.yaml'));
  assert.equal(design, undefined);
  assert.equal(problems.length, 4);
  const ok = await inspectDesign(fixture('multi/api/openapi.yaml'));
  assert.ok(ok.design);
  assert.deepEqual(ok.problems, []);
});

test('a medium design (~100 operations over several files) loads quickly', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-medium-'));
  await writeMediumDesign(dir);
  await loadDesign(join(dir, 'openapi.yaml')); // warm: module load and JIT
  const started = performance.now();
  const design = await loadDesign(join(dir, 'openapi.yaml'));
  const elapsed = performance.now() - started;
  assert.equal(design.files.size, 6);
  t.diagnostic(`medium design (100 operations, 6 files) loaded in ${elapsed.toFixed(1)} ms`);
  // Typically 10-15 ms here; the bound only catches gross regressions on slow machines.
  assert.ok(elapsed < 500, `loading took ${elapsed.toFixed(1)} ms`);
});

/** 100 operations: 50 paths × get/put, split over path files, parameters and schemas files. */
export async function writeMediumDesign(dir: string): Promise<void> {
  await mkdir(join(dir, 'paths'), { recursive: true });
  const root = ['openapi: 3.0.3', 'info:', '  title: Medium', '  version: 1.0.0', 'paths:'];
  const files: Record<string, string[]> = { 'paths/a.yaml': [], 'paths/b.yaml': [], 'paths/c.yaml': [] };
  const schemas: string[] = [];
  for (let i = 0; i < 50; i++) {
    const name = `paths/${'abc'[i % 3]}.yaml`;
    root.push(`  /things${i}/{id}:`, `    $ref: '${name}#/thing${i}'`);
    files[name]?.push(
      `thing${i}:`,
      '  parameters:',
      "    - $ref: '../parameters.yaml#/id'",
      ...['get', 'put'].flatMap((method) => [
        `  ${method}:`,
        `    operationId: ${method}Thing${i}`,
        `    summary: ${method} thing ${i}`,
        ...(method === 'put' ? ['    requestBody:', '      content:', '        application/json:', '          schema:', `            $ref: '../schemas.yaml#/Thing${i}'`] : []),
        '    responses:',
        "      '200':",
        '        description: ok',
        '        content:',
        '          application/json:',
        '            schema:',
        `              $ref: '../schemas.yaml#/Thing${i}'`,
        "      '404':",
        "        $ref: '../parameters.yaml#/NotFound'",
      ]),
    );
    schemas.push(`Thing${i}:`, '  type: object', '  required: [id]', '  properties:', '    id: {type: string}', '    name: {type: string, maxLength: 100}', '    tags: {type: array, items: {type: string}}', `    parent: {$ref: '#/Thing${(i + 1) % 50}'}`);
  }
  await writeFile(join(dir, 'openapi.yaml'), root.join('\n') + '\n');
  for (const [name, lines] of Object.entries(files)) await writeFile(join(dir, name), lines.join('\n') + '\n');
  await writeFile(join(dir, 'schemas.yaml'), schemas.join('\n') + '\n');
  await writeFile(
    join(dir, 'parameters.yaml'),
    ['id:', '  name: id', '  in: path', '  required: true', '  schema: {type: string}', 'NotFound:', '  description: not found'].join('\n') + '\n',
  );
}
