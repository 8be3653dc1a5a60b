import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listOperations } from '../openapi/operations.js';
import { designFromValue } from '../validation/test-support.js';
import { createMocker, WARNING_HEADER, type MockResponse, type MockResult } from './mocker.js';

const pet = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: { type: 'integer', minimum: 1 }, name: { type: 'string' }, tag: { type: 'string' } },
};

function doc(paths: Record<string, unknown>, version = '3.0.3') {
  return { openapi: version, info: { title: 't', version: '1' }, paths, components: { schemas: { Pet: pet } } };
}

function mockerOf(document: unknown, path = '/x', method = 'GET') {
  const design = designFromValue(document);
  const operation = listOperations(design).find((o) => o.path === path && o.method === method)!;
  return createMocker(design, operation);
}

function ok(result: MockResult): MockResponse {
  assert.ok(!('problem' in result), `unexpected problem ${JSON.stringify(result)}`);
  return result as MockResponse;
}

function json(result: MockResult): unknown {
  return JSON.parse(ok(result).body!.toString());
}

const json200 = (schema: unknown, extra: Record<string, unknown> = {}) => ({ description: 'ok', content: { 'application/json': { schema, ...extra } } });

test('status: lowest documented 2xx, then 2XX, then default, then the lowest code', () => {
  const m1 = mockerOf(doc({ '/x': { get: { responses: { '404': { description: 'n' }, '201': { description: 'c' }, '200': { description: 'o' } } } } }));
  assert.equal(ok(m1({ headers: {} })).status, 200);
  const m2 = mockerOf(doc({ '/x': { get: { responses: { '2XX': { description: 'r' }, '400': { description: 'b' } } } } }));
  assert.equal(ok(m2({ headers: {} })).status, 200);
  const m3 = mockerOf(doc({ '/x': { get: { responses: { default: { description: 'd' }, '404': { description: 'n' } } } } }));
  assert.equal(ok(m3({ headers: {} })).status, 200);
  const m4 = mockerOf(doc({ '/x': { get: { responses: { '404': { description: 'n' }, '302': { description: 'r' } } } } }));
  assert.equal(ok(m4({ headers: {} })).status, 302);
});

test('Prefer: code picks a documented code, a range, or default; undocumented is 404, malformed 400', () => {
  const m = mockerOf(doc({ '/x': { get: { responses: { '200': json200(pet), '404': json200({ type: 'object', required: ['error'], properties: { error: { type: 'string' } } }), '5XX': { description: 's' } } } } }));
  const notFound = ok(m({ headers: { prefer: 'code=404' } }));
  assert.equal(notFound.status, 404);
  assert.equal(typeof (JSON.parse(notFound.body!.toString()) as { error: unknown }).error, 'string');
  assert.equal(ok(m({ headers: { prefer: 'code=503' } })).status, 503);
  const missing = m({ headers: { prefer: 'code=418' } });
  assert.ok('problem' in missing && missing.problem.status === 404);
  const bad = m({ headers: { prefer: 'code=abc' } });
  assert.ok('problem' in bad && bad.problem.status === 400);
  const withDefault = mockerOf(doc({ '/x': { get: { responses: { '200': json200(pet), default: json200({ type: 'string' }) } } } }));
  assert.equal(ok(withDefault({ headers: { prefer: 'code=418' } })).status, 418);
});

test('examples: named via Prefer, else the first of examples, else example; unknown name is 404', () => {
  const m = mockerOf(doc({ '/x': { get: { responses: { '200': json200(pet, { examples: { cat: { value: { id: 1, name: 'Tom' } }, dog: { value: { id: 2, name: 'Rex' } } } }) } } } }));
  assert.deepEqual(json(m({ headers: {} })), { id: 1, name: 'Tom' });
  assert.deepEqual(json(m({ headers: { prefer: 'example=dog' } })), { id: 2, name: 'Rex' });
  const missing = m({ headers: { prefer: 'example=cow' } });
  assert.ok('problem' in missing && missing.problem.status === 404 && /cat, dog/.test(missing.problem.detail));
  const single = mockerOf(doc({ '/x': { get: { responses: { '200': json200(pet, { example: { id: 7, name: 'Solo' } }) } } } }));
  assert.deepEqual(json(single({ headers: {} })), { id: 7, name: 'Solo' });
  const schemaLevel = mockerOf(doc({ '/x': { get: { responses: { '200': json200({ ...pet, example: { id: 9, name: 'Nine' } }) } } } }));
  assert.deepEqual(json(schemaLevel({ headers: {} })), { id: 9, name: 'Nine' });
});

test('an example that does not match its schema is served with a warning header', () => {
  const m = mockerOf(doc({ '/x': { get: { responses: { '200': json200(pet, { example: { id: 'nope' } }) } } } }));
  const result = ok(m({ headers: {} }));
  assert.match(result.headers[WARNING_HEADER]!, /does not match/);
});

test('generated bodies are deterministic unless Prefer: dynamic=true, and dynamic ignores examples', () => {
  const document = doc({ '/x': { get: { responses: { '200': json200({ type: 'array', minItems: 3, maxItems: 3, items: { $ref: '#/components/schemas/Pet' } }, { example: [] }) } } } });
  const a = mockerOf(document)({ headers: { prefer: 'dynamic=false' } });
  assert.deepEqual(json(a), []);
  const first = json(mockerOf(document)({ headers: { prefer: 'code=200' } }));
  const m = mockerOf(document);
  const dynamicBodies = new Set<string>();
  for (let i = 0; i < 5; i++) dynamicBodies.add(ok(m({ headers: { prefer: 'dynamic=true' } })).body!.toString());
  assert.deepEqual(first, []);
  assert.ok(dynamicBodies.size > 1, 'dynamic bodies vary');
  for (const body of dynamicBodies) assert.equal((JSON.parse(body) as unknown[]).length, 3);

  const noExample = doc({ '/x': { get: { responses: { '200': json200({ $ref: '#/components/schemas/Pet' }) } } } });
  const x = ok(mockerOf(noExample)({ headers: {} })).body!.toString();
  const y = ok(mockerOf(noExample)({ headers: {} })).body!.toString();
  assert.equal(x, y, 'the same request gives the same body across mockers');
  const m2 = mockerOf(noExample);
  assert.equal(m2({ headers: {} }), m2({ headers: {} }), 'cached answer reused');
});

test('content negotiation: JSON first for */* or no Accept, exact types honoured, 406 otherwise', () => {
  const m = mockerOf(doc({
    '/x': { get: { responses: { '200': { description: 'ok', content: { 'text/plain': { example: 'hello' }, 'application/json': { example: { a: 1 } }, 'application/xml': { example: '<a>1</a>' } } } } } },
  }));
  assert.equal(ok(m({ headers: {} })).contentType, 'application/json');
  assert.equal(ok(m({ headers: { accept: '*/*' } })).contentType, 'application/json');
  const text = ok(m({ headers: { accept: 'text/plain' } }));
  assert.equal(text.contentType, 'text/plain');
  assert.equal(text.body!.toString(), 'hello');
  assert.equal(ok(m({ headers: { accept: 'application/xml;q=0.9, text/plain;q=0.5' } })).body!.toString(), '<a>1</a>');
  assert.equal(ok(m({ headers: { accept: 'text/*' } })).contentType, 'text/plain');
  const refused = m({ headers: { accept: 'image/png' } });
  assert.ok('problem' in refused && refused.problem.status === 406);
  const noBody = mockerOf(doc({ '/x': { get: { responses: { '204': { description: 'none' } } } } }));
  const empty = ok(noBody({ headers: { accept: 'image/png' } }));
  assert.equal(empty.status, 204);
  assert.equal(empty.body, undefined);
});

test('documented response headers get their example or a generated value', () => {
  const m = mockerOf(doc({
    '/x': {
      get: {
        responses: {
          '200': {
            description: 'ok',
            headers: {
              'X-Rate-Limit': { schema: { type: 'integer', minimum: 10, maximum: 20 } },
              'X-Request-Id': { schema: { type: 'string', format: 'uuid' } },
              ETag: { example: 'W/"abc"', schema: { type: 'string' } },
            },
            content: { 'application/json': { schema: pet } },
          },
        },
      },
    },
  }));
  const result = ok(m({ headers: {} }));
  const limit = Number(result.headers['x-rate-limit']);
  assert.ok(limit >= 10 && limit <= 20);
  assert.match(result.headers['x-request-id']!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(result.headers.etag, 'W/"abc"');
  assert.equal(result.headers['content-type'], 'application/json');
});

test('an `id` inside examples is data, not a schema id (GitHub: the same "id" in two examples failed every mock)', () => {
  const document = {
    ...doc({ '/x': { get: { responses: { '200': json200({ $ref: '#/components/schemas/Pet' }, { example: { id: 1, name: 'a' } }) } } } }),
    components: {
      schemas: { Pet: pet },
      examples: { one: { value: { id: '12,', name: 'a' } }, two: { value: { id: '12,', name: 'b' } } },
    },
  };
  const mock = mockerOf(document);
  assert.deepEqual(json(mock({ headers: {} })), { id: 1, name: 'a' });
  assert.equal(ok(mock({ headers: {} })).headers[WARNING_HEADER], undefined, 'the example was checked against the schema');
});

test('a discriminated oneOf is mocked as one of its schemas, tagged with the value that selects it and nothing borrowed', () => {
  const cat = { type: 'object', required: ['petType', 'name'], properties: { petType: { type: 'string' }, name: { type: 'string' }, lives: { type: 'integer' } } };
  const dog = { type: 'object', required: ['petType', 'name'], properties: { petType: { type: 'string' }, name: { type: 'string' }, bark: { type: 'boolean' } } };
  const schema = { oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }], discriminator: { propertyName: 'petType', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' } } };
  const document = { ...doc({ '/x': { get: { responses: { '200': json200(schema) } } } }), components: { schemas: { Cat: cat, Dog: dog } } };
  const m = mockerOf(document);
  const seen = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const pet = json(m({ headers: { prefer: 'dynamic=true' } })) as Record<string, unknown>;
    const branch = pet.petType === 'cat' ? cat : pet.petType === 'dog' ? dog : undefined;
    assert.ok(branch, `tagged with a mapped value: ${JSON.stringify(pet)}`);
    seen.add(pet.petType as string);
    // Before, the mock made the other branch fail on purpose (a Cat with "bark": "x") to satisfy a plain oneOf.
    for (const key of Object.keys(pet)) assert.ok(key in branch.properties, `${key} belongs to ${pet.petType as string}: ${JSON.stringify(pet)}`);
    assert.ok(ok(m({ headers: { prefer: 'dynamic=true' } })).headers[WARNING_HEADER] === undefined);
  }
  assert.deepEqual([...seen].sort(), ['cat', 'dog'], 'dynamic mocks vary the branch');
});
