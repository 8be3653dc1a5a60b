import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintDesign, type LintResult } from './lint.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (path: string): string => join(fixtures, path);
const shown = (path: string): string => relative(process.cwd(), fixture(path));
const find = (results: LintResult[], code: string): LintResult[] => results.filter((r) => r.code === code);

test('oas problems are reported at their line', async () => {
  const results = await lintDesign(fixture('lint/openapi.yaml'));
  const [contact] = find(results, 'info-contact');
  assert.deepEqual(contact && [contact.file, contact.line, contact.severity, contact.pointer], [shown('lint/openapi.yaml'), 2, 'warning', '/info']);
  const [operationId] = find(results, 'operation-operationId');
  assert.deepEqual(operationId && [operationId.line, operationId.column, operationId.pointer], [13, 9, '/paths/~1pets/get']);
  assert.deepEqual(find(results, 'operation-description').map((r) => r.line), [13]);
  // The referenced schemas file was resolved (no invalid-ref), and results are sorted.
  assert.equal(find(results, 'invalid-ref').length + find(results, 'unresolved-ref').length, 0);
  const order = results.map((r) => `${r.file}\0${String(r.line).padStart(6, '0')}`);
  assert.deepEqual(order, [...order].sort());
});

test('a .spectral.yaml beside the spec is used', async () => {
  const results = await lintDesign(fixture('lint-ruleset/openapi.yaml'));
  assert.equal(find(results, 'info-contact').length, 0, 'turned off');
  assert.equal(find(results, 'operation-description')[0]?.severity, 'error', 'raised to error');
  assert.deepEqual(find(results, 'paths-kebab-nouns').map((r) => [r.line, r.pointer]), [[12, '/paths/~1Pets']]);
  // ruleset: false ignores it.
  const plain = await lintDesign(fixture('lint-ruleset/openapi.yaml'), { ruleset: false });
  assert.equal(find(plain, 'info-contact').length, 1);
});

test('a broken spec gives results, not a crash', async () => {
  const results = await lintDesign(fixture('broken/api/openapi.yaml'));
  assert.deepEqual(
    find(results, 'unresolved-ref').map((r) => `${r.file}:${r.line}:${r.column}`),
    [`${shown('broken/api/openapi.yaml')}:7:5`, `${shown('broken/api/openapi.yaml')}:11:5`, `${shown('broken/api/paths.yaml')}:5:9`, `${shown('broken/common.yaml')}:7:11`],
  );
  const syntax = await lintDesign(fixture('syntax/openapi.yaml'));
  assert.ok(find(syntax, 'parser').some((r) => r.file === shown('syntax/bad.yaml') && r.line === 5));
  assert.ok(find(syntax, 'duplicate-key').some((r) => r.file === shown('syntax/dupes.yaml') && r.line === 5));
  const missing = await lintDesign(fixture('no-such.yaml'));
  assert.deepEqual(missing.map((r) => [r.code, r.severity]), [['unreadable', 'error']]);
});

test('remote refs are not fetched by lint', async () => {
  const results = await lintDesign(fixture('remote/openapi.yaml'));
  const refused = results.filter((r) => /refused/.test(r.message));
  assert.ok(refused.length >= 1);
  assert.deepEqual([refused[0]?.line, refused[0]?.column], [14, 17]);
});

test('extra problems are merged and sorted', async () => {
  const results = await lintDesign(fixture('lint/openapi.yaml'), {
    extra: [{ file: shown('lint/openapi.yaml'), line: 12, column: 3, severity: 'error', message: 'unknown policy "nope"', code: 'x-portico', pointer: '/paths/~1pets' }],
  });
  const index = results.findIndex((r) => r.code === 'x-portico');
  assert.ok(index > 0);
  assert.equal(results[index + 1]?.line, 13);
  assert.equal(results[index]?.pointer, '/paths/~1pets');
});
