import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSource } from './parse-source.js';

const YAML_URL = 'file:///tmp/portico-test/openapi.yaml';
const JSON_URL = 'file:///tmp/portico-test/openapi.json';

test('YAML: value and positions of keys, items and missing nodes', () => {
  const text = ['openapi: 3.0.3', 'info:', '  title: T', 'paths:', '  /a/{id}:', '    get:', '      tags: [x, y]', "      responses: {'200': {description: ok}}", ''].join('\n');
  const { file, problems } = parseSource(YAML_URL, text);
  assert.deepEqual(problems, []);
  assert.equal(file.format, 'yaml');
  assert.deepEqual((file.value as { info: unknown }).info, { title: 'T' });
  assert.deepEqual(file.locate(''), { line: 1, column: 1 });
  assert.deepEqual(file.locate('/paths/~1a~1{id}/get'), { line: 6, column: 5 });
  assert.deepEqual(file.locate('/paths/~1a~1{id}/get/tags/1'), { line: 7, column: 17 });
  assert.deepEqual(file.locate('/paths/~1a~1{id}/get/responses/200/description'), { line: 8, column: 27 });
  // Missing: nearest existing ancestor.
  assert.deepEqual(file.locate('/paths/~1a~1{id}/post/responses'), { line: 5, column: 3 });
});

test('JSON: value and positions, escaped keys, BOM', () => {
  const text = '\uFEFF{\n  "openapi": "3.1.0",\n  "paths": {\n    "/a~b/c": { "get": { "x\\"y": [1, {"z": true}] } }\n  }\n}\n';
  const { file, problems } = parseSource(JSON_URL, text);
  assert.deepEqual(problems, []);
  assert.equal(file.format, 'json');
  assert.deepEqual(file.locate('/openapi'), { line: 2, column: 3 });
  assert.deepEqual(file.locate('/paths/~1a~0b~1c/get'), { line: 4, column: 17 });
  assert.deepEqual(file.locate('/paths/~1a~0b~1c/get/x"y/1/z'), { line: 4, column: 39 });
  assert.deepEqual(file.locate('/paths/~1a~0b~1c/nope/deeper'), { line: 4, column: 5 });
});

test('JSON syntax error has its line and column', () => {
  const { problems } = parseSource(JSON_URL, '{\n  "a": 1,\n  "b": [1, 2,]\n}\n');
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.line, 3);
  assert.equal(problems[0]?.column, 14);
  assert.match(problems[0]?.message ?? '', /invalid JSON/);
});

test('JSON duplicate key is a problem', () => {
  const { problems } = parseSource(JSON_URL, '{\n  "a": 1,\n  "a": 2\n}');
  assert.equal(problems.length, 1);
  assert.deepEqual([problems[0]?.line, problems[0]?.column, problems[0]?.code], [3, 3, 'duplicate-key']);
});

test('a flow-style YAML document that is not JSON is parsed as YAML', () => {
  const { file, problems } = parseSource(YAML_URL, '{a: 1, b: [x]}');
  assert.deepEqual(problems, []);
  assert.deepEqual(file.value, { a: 1, b: ['x'] });
});

test('every YAML syntax error becomes a problem with line and column', () => {
  const text = 'openapi: 3.0.3\ninfo:\n  title: "open\npaths: {}\n';
  const { problems } = parseSource(YAML_URL, text);
  assert.ok(problems.length >= 1);
  for (const p of problems) {
    assert.equal(p.severity, 'error');
    assert.ok(p.line >= 1 && p.column >= 1);
    assert.match(p.message, /invalid YAML/);
  }
});

test('YAML duplicate key is a problem at the second key', () => {
  const { problems } = parseSource(YAML_URL, 'a: 1\nb:\n  c: 1\n  c: 2\n');
  assert.equal(problems.length, 1);
  assert.deepEqual([problems[0]?.line, problems[0]?.column, problems[0]?.code], [4, 3, 'duplicate-key']);
});

test('YAML alias bomb is refused', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'bcdefghi';
  for (let i = 0; i < names.length; i++) {
    const prev = i === 0 ? 'a' : names[i - 1];
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const { file, problems } = parseSource(YAML_URL, lines.join('\n'));
  assert.equal(file.value, undefined);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.code, 'alias-limit');
  assert.match(problems[0]?.message ?? '', /billion laughs/);
});

test('a few aliases in an ordinary design are fine', () => {
  const { file, problems } = parseSource(YAML_URL, 'x: &s {type: string}\ny: *s\nz: *s\n');
  assert.deepEqual(problems, []);
  assert.deepEqual((file.value as Record<string, unknown>).z, { type: 'string' });
  // Through an alias, a node is where its anchor defines it.
  assert.deepEqual(file.locate('/z/type'), { line: 1, column: 8 });
});

test('a 10 MB JSON spec parses and indexes fast', (t) => {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 11000; i++) {
    paths[`/res${i}/{id}`] = {
      get: {
        operationId: `op${i}`,
        summary: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'string', description: 'caf\u00e9 "q"' }, b: { type: 'integer' } } } } } } },
      },
    };
  }
  const text = JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths }, null, 2);
  assert.ok(text.length > 10_000_000, `synthetic spec is ${text.length} chars`);
  const started = performance.now();
  const { file, problems } = parseSource('file:///tmp/portico-test/big.json', text);
  const parsed = performance.now();
  const at = file.locate('/paths/~1res10999~1{id}/get/responses/200');
  const elapsed = performance.now() - started;
  t.diagnostic(`${(text.length / 1e6).toFixed(1)} MB JSON: parse ${(parsed - started).toFixed(0)} ms, position index ${(elapsed - (parsed - started)).toFixed(0)} ms`);
  assert.deepEqual(problems, []);
  assert.equal(text.split('\n')[at.line - 1]?.trim(), '"200": {');
  // Generous bound for slow CI machines; typically ~0.6 s here.
  assert.ok(elapsed < 4000, `parse + index took ${elapsed.toFixed(0)} ms`);
});
