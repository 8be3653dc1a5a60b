import { test } from 'node:test';
import assert from 'node:assert/strict';
import { operationIdLine, pointerSegment } from './operation-line.ts';

test('finds the line of an operationId in YAML and JSON', () => {
  const yaml = 'collection:\n  get:\n    operationId: listPets\n  post:\n    operationId: "createPet" # new\n';
  assert.deepEqual(operationIdLine(yaml, 'listPets'), { line: 3, column: 5 });
  assert.deepEqual(operationIdLine(yaml, 'createPet'), { line: 5, column: 5 });
  assert.equal(operationIdLine(yaml, 'list'), null);
  assert.deepEqual(operationIdLine('{\n  "get": {\n    "operationId": "a.b"\n  }\n}', 'a.b'), { line: 3, column: 5 });
  assert.equal(operationIdLine('operationId: aXb', 'a.b'), null);
});

test('escapes JSON pointer segments', () => {
  assert.equal(pointerSegment('/pets/{id}'), '~1pets~1{id}');
  assert.equal(pointerSegment('a~b'), 'a~0b');
});
