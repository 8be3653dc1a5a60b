import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { listOperations } from '../openapi/operations.js';
import { createRequestValidator, type RequestToValidate, type RequestVerdict, type Violation } from './request.js';
import { designFromValue } from './test-support.js';

function validatorOf(operation: Record<string, unknown>, version = '3.0.3', schemas: Record<string, unknown> = {}) {
  const design = designFromValue({ openapi: version, info: { title: 't', version: '1' }, paths: { '/items/{id}': { post: { responses: { '200': { description: 'ok' } }, ...operation } } }, components: { schemas } });
  return createRequestValidator(design, listOperations(design)[0]!);
}

function request(parts: { path?: Record<string, string>; query?: string; headers?: IncomingHttpHeaders; body?: unknown; contentType?: string }): RequestToValidate {
  const body = parts.body === undefined ? undefined : Buffer.from(typeof parts.body === 'string' ? parts.body : JSON.stringify(parts.body));
  return {
    pathParams: parts.path ?? { id: '1' },
    query: new URLSearchParams(parts.query ?? ''),
    headers: parts.headers ?? {},
    ...(body && { body, contentType: parts.contentType ?? 'application/json' }),
  };
}

function failed(verdict: RequestVerdict): { status: number; errors: Violation[] } {
  assert.equal(verdict.ok, false, 'expected a failure');
  return verdict as { ok: false; status: 400 | 415 | 422; errors: Violation[] };
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

test('path, query, header and cookie parameters are coerced and checked', () => {
  const validate = validatorOf({
    parameters: [
      idParam,
      { name: 'limit', in: 'query', required: true, schema: { type: 'integer', maximum: 100 } },
      { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
      { name: 'ids', in: 'query', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
      { name: 'X-Trace', in: 'header', required: true, schema: { type: 'string', format: 'uuid' } },
      { name: 'session', in: 'cookie', required: true, schema: { type: 'string', minLength: 3 } },
      { name: 'flag', in: 'query', schema: { type: 'boolean' } },
    ],
  });
  const good = validate(request({
    path: { id: '7' },
    query: 'limit=10&tags=a&tags=b&ids=1,2,3&flag=true',
    headers: { 'x-trace': '3fa85f64-5717-4562-b3fc-2c963f66afa6', cookie: 'other=1; session=abcd' },
  }));
  assert.deepEqual(good, { ok: true });

  const bad = failed(validate(request({
    path: { id: '0' },
    query: 'limit=1000&ids=1,x&flag=maybe',
    headers: { 'x-trace': 'not-a-uuid', cookie: 'session=ab' },
  })));
  assert.equal(bad.status, 400);
  const where = bad.errors.map((e) => `${e.in}:${e.name}:${e.pointer}:${e.keyword}`).sort();
  assert.deepEqual(where, [
    'cookie:session::minLength',
    'header:X-Trace::format',
    'path:id::minimum',
    'query:flag::type',
    'query:ids:/1:type',
    'query:limit::maximum',
  ]);
});

test('missing required parameters are each reported with 400', () => {
  const validate = validatorOf({ parameters: [idParam, { name: 'q', in: 'query', required: true, schema: { type: 'string' } }, { name: 'X-Key', in: 'header', required: true, schema: { type: 'string' } }] });
  const verdict = failed(validate(request({ path: {} })));
  assert.equal(verdict.status, 400);
  assert.deepEqual(verdict.errors.map((e) => `${e.in}:${e.name}`).sort(), ['header:X-Key', 'path:id', 'query:q']);
});

test('body: 415 for an unsupported Content-Type, 400 for bad JSON or a missing required body, 422 with every violation', () => {
  const validate = validatorOf({
    parameters: [idParam],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } },
    },
  }, '3.0.3', {
    Pet: {
      type: 'object',
      required: ['name', 'age'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 2 }, age: { type: 'integer', minimum: 0 }, tags: { type: 'array', items: { type: 'string' } }, id: { type: 'integer', readOnly: true } },
    },
  });
  assert.deepEqual(validate(request({ body: { name: 'Rex', age: 3 } })), { ok: true, body: { name: 'Rex', age: 3 } });
  assert.equal(failed(validate(request({ body: 'name=Rex', contentType: 'text/csv' }))).status, 415);
  assert.equal(failed(validate(request({ body: '{"name":', contentType: 'application/json; charset=utf-8' }))).status, 400);
  assert.equal(failed(validate(request({}))).status, 400);
  const verdict = failed(validate(request({ body: { name: 'R', age: -1, tags: ['ok', 5], colour: 'red' } })));
  assert.equal(verdict.status, 422);
  assert.deepEqual(verdict.errors.map((e) => e.pointer).sort(), ['/age', '/colour', '/name', '/tags/1']);
  assert.ok(verdict.errors.every((e) => e.in === 'body' && e.message.length > 0));
  const missing = failed(validate(request({ body: {} })));
  assert.deepEqual(missing.errors.map((e) => e.pointer).sort(), ['/age', '/name'], 'readOnly id is not required in requests');
  // Parameter problems outrank body problems.
  assert.equal(failed(validate(request({ path: { id: 'x' }, body: {} }))).status, 400);
});

test('form bodies are coerced by their schema', () => {
  const validate = validatorOf({
    parameters: [idParam],
    requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } } } } },
  });
  assert.deepEqual(validate(request({ body: 'n=3&tags=a&tags=b', contentType: 'application/x-www-form-urlencoded' })), { ok: true, body: { n: 3, tags: ['a', 'b'] } });
  assert.equal(failed(validate(request({ body: 'n=three', contentType: 'application/x-www-form-urlencoded' }))).status, 422);
});

test('3.0 nullable and boolean exclusiveMinimum versus 3.1 type arrays and numeric exclusiveMinimum', () => {
  const body30 = { content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'string', nullable: true }, n: { type: 'number', minimum: 5, exclusiveMinimum: true } } } } } };
  const v30 = validatorOf({ parameters: [idParam], requestBody: body30 }, '3.0.3');
  assert.equal(v30(request({ body: { a: null, n: 6 } })).ok, true);
  assert.deepEqual(failed(v30(request({ body: { n: 5 } }))).errors.map((e) => e.pointer), ['/n']);

  const body31 = { content: { 'application/json': { schema: { type: 'object', properties: { a: { type: ['string', 'null'] }, b: { type: 'string', nullable: true }, n: { type: 'number', exclusiveMinimum: 5 } } } } } };
  const v31 = validatorOf({ parameters: [idParam], requestBody: body31 }, '3.1.0');
  assert.equal(v31(request({ body: { a: null, n: 5.5 } })).ok, true);
  const bad = failed(v31(request({ body: { b: null, n: 5 } })));
  assert.deepEqual(bad.errors.map((e) => e.pointer).sort(), ['/b', '/n'], 'nullable is not a 3.1 keyword');
});

test('validators compile lazily: creating one for every operation costs nothing until used', () => {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 500; i++) paths[`/p${i}`] = { get: { parameters: [{ name: 'q', in: 'query', schema: { type: 'string', pattern: `^${i}$` } }], responses: { '200': { description: 'ok' } } } };
  const design = designFromValue({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths });
  const started = performance.now();
  const validators = listOperations(design).map((operation) => createRequestValidator(design, operation));
  assert.ok(performance.now() - started < 100);
  assert.equal(validators[3]!(request({ query: 'q=3' })).ok, true);
  assert.equal(validators[3]!(request({ query: 'q=4' })).ok, false);
});

test('a discriminator selects its oneOf branch (mapping or schema name): an open object is checked against that branch only', () => {
  const pet = (version: string, discriminator: Record<string, unknown>) =>
    validatorOf(
      {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }], discriminator } } },
        },
      },
      version,
      {
        Cat: { type: 'object', required: ['petType', 'name'], properties: { petType: { type: 'string' }, name: { type: 'string' }, lives: { type: 'integer' } } },
        Dog: { type: 'object', required: ['petType', 'name'], properties: { petType: { type: 'string' }, name: { type: 'string' }, bark: { type: 'boolean' } } },
      },
    );
  for (const version of ['3.0.3', '3.1.0']) {
    const mapped = pet(version, { propertyName: 'petType', mapping: { cat: '#/components/schemas/Cat', dog: 'Dog' } });
    // Both branches accept {petType, name}: without the discriminator, oneOf refused every pet.
    assert.deepEqual(mapped(request({ body: { petType: 'dog', name: 'Rex' } })), { ok: true, body: { petType: 'dog', name: 'Rex' } }, version);
    assert.equal(mapped(request({ body: { petType: 'cat', name: 'Tom', lives: 9 } })).ok, true);
    assert.deepEqual(failed(mapped(request({ body: { petType: 'dog', name: 'Rex', bark: 'loud' } }))).errors.map((e) => [e.pointer, e.message]), [['/bark', 'must be boolean']], 'only the selected branch reports');
    assert.deepEqual(failed(mapped(request({ body: { petType: 'bird', name: 'Tweety' } }))).errors.map((e) => [e.pointer, e.message]), [['/petType', '"bird" selects none of the schemas (discriminator)']]);
    assert.equal(failed(mapped(request({ body: { name: 'Nobody' } }))).errors[0]!.pointer, '/petType');
    // Without a mapping, the schemas' names select them.
    const named = pet(version, { propertyName: 'petType' });
    assert.equal(named(request({ body: { petType: 'Dog', name: 'Rex' } })).ok, true);
    assert.equal(named(request({ body: { petType: 'dog', name: 'Rex' } })).ok, false);
  }
});
