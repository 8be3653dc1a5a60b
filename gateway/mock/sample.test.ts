import { test } from 'node:test';
import assert from 'node:assert/strict';
import { designFromValue } from '../validation/test-support.js';
import { loadDesign } from '../openapi/load.js';
import { generateValid } from './generate.js';

function generate(schema: unknown, version = '3.0.3', components: Record<string, unknown> = {}, direction: 'request' | 'response' = 'response', seed = 42) {
  const design = designFromValue({ openapi: version, info: { title: 't', version: '1' }, paths: {}, components: { schemas: { Subject: schema, ...components } } });
  const node = design.child(design.root, 'components', 'schemas', 'Subject')!;
  const generated = generateValid(design, node, direction, seed);
  assert.ok(generated.valid, `not valid: ${JSON.stringify(generated)}`);
  return generated.value as never;
}

test('formats give values of their format', () => {
  const formats = ['date-time', 'date', 'email', 'uuid', 'uri', 'ipv4', 'ipv6', 'hostname', 'byte'];
  const properties = Object.fromEntries(formats.map((f) => [f, { type: 'string', format: f }]));
  const value = generate({ type: 'object', required: formats, properties }) as Record<string, string>;
  assert.match(value['date-time']!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.match(value.date!, /^\d{4}-\d{2}-\d{2}$/);
  assert.match(value.email!, /^[^@]+@example\.com$/);
  assert.match(value.ipv4!, /^\d+\.\d+\.\d+\.\d+$/);
  assert.ok(Buffer.from(value.byte!, 'base64').toString().length > 0);
});

test('pattern, lengths, enum, const, numbers with bounds and multipleOf', () => {
  const value = generate({
    type: 'object',
    required: ['code', 'short', 'long', 'kind', 'n', 'price', 'exclusive'],
    properties: {
      code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
      short: { type: 'string', maxLength: 3 },
      long: { type: 'string', minLength: 40 },
      kind: { type: 'string', enum: ['a', 'b'] },
      n: { type: 'integer', minimum: 5, maximum: 7 },
      price: { type: 'number', multipleOf: 0.25, minimum: 1, maximum: 2 },
      exclusive: { type: 'integer', minimum: 10, exclusiveMinimum: true, maximum: 11 },
    },
  }) as Record<string, unknown>;
  assert.match(value.code as string, /^[A-Z]{3}-\d{4}$/);
  assert.ok((value.short as string).length <= 3);
  assert.ok((value.long as string).length >= 40);
  assert.ok(['a', 'b'].includes(value.kind as string));
  assert.ok((value.n as number) >= 5 && (value.n as number) <= 7);
  assert.equal(((value.price as number) * 4) % 1, 0);
  assert.equal(value.exclusive, 11, '3.0 boolean exclusiveMinimum');
  assert.equal(generate({ type: 'integer', exclusiveMinimum: 10, maximum: 11 }, '3.1.0'), 11, '3.1 numeric exclusiveMinimum');
  assert.equal(generate({ const: 'fixed' }, '3.1.0'), 'fixed');
});

test('nullable (3.0) and type arrays (3.1) both produce valid values', () => {
  const v30 = generate({ type: 'object', required: ['a'], properties: { a: { type: 'string', nullable: true } } }) as { a: unknown };
  assert.ok(v30.a === null || typeof v30.a === 'string');
  const v31 = generate({ type: 'object', required: ['a'], properties: { a: { type: ['null', 'integer'] } } }, '3.1.0') as { a: unknown };
  assert.equal(typeof v31.a, 'number', 'a concrete type is preferred to null');
});

test('allOf merges, oneOf matches exactly one branch, anyOf picks one', () => {
  const merged = generate({ allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', required: ['extra'], properties: { extra: { type: 'boolean' } } }] }, '3.0.3', {
    Base: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
  }) as Record<string, unknown>;
  assert.equal(typeof merged.id, 'string');
  assert.equal(typeof merged.extra, 'boolean');
  // Both branches accept any object without additionalProperties: false, so only a value matching one alone passes.
  const one = generate({
    oneOf: [
      { type: 'object', required: ['a'], properties: { a: { type: 'string' } }, additionalProperties: false },
      { type: 'object', required: ['b'], properties: { b: { type: 'integer' } }, additionalProperties: false },
    ],
  }) as Record<string, unknown>;
  assert.equal(Object.keys(one).length, 1);
  const numbers = generate({ oneOf: [{ type: 'integer', multipleOf: 2 }, { type: 'integer', multipleOf: 3 }] }) as number;
  assert.ok((numbers % 2 === 0) !== (numbers % 3 === 0));
  assert.ok(['string', 'number'].includes(typeof generate({ anyOf: [{ type: 'string' }, { type: 'number' }] })));
});

test("oneOf over overlapping open objects (Figma's comment position): a valid sample for every seed", async () => {
  // Region also matches Vector, FrameOffsetRegion also FrameOffset: only some branches are valid alone. A new seed
  // per attempt used to leave ~0.5 % of seeds without one (the fixtures' dynamic mock test failed now and then).
  const design = await loadDesign('resources/fixtures/public-apis/figma.3.1.yaml');
  const comment = design.child(design.root, 'components', 'schemas', 'Comment')!;
  const invalid: number[] = [];
  for (let seed = 0; seed < 800; seed++) if (!generateValid(design, comment, 'response', seed).valid) invalid.push(seed);
  assert.deepEqual(invalid, []);
});

test('discriminator: the property names the branch chosen', () => {
  const components = {
    Cat: { type: 'object', required: ['petType', 'meows'], properties: { petType: { type: 'string' }, meows: { type: 'boolean' } } },
    Dog: { type: 'object', required: ['petType', 'barks'], properties: { petType: { type: 'string' }, barks: { type: 'boolean' } } },
  };
  for (let seed = 1; seed < 6; seed++) {
    const design = designFromValue({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {}, components: { schemas: {
      Subject: { oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }], discriminator: { propertyName: 'petType', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' } } },
      ...components,
    } } });
    const value = generateValid(design, design.child(design.root, 'components', 'schemas', 'Subject')!, 'response', seed).value as Record<string, unknown>;
    if ('meows' in value) assert.equal(value.petType, 'cat');
    else assert.equal(value.petType, 'dog');
  }
});

test('readOnly properties appear in responses only, writeOnly in requests only', () => {
  const schema = {
    type: 'object',
    required: ['id', 'password', 'name'],
    properties: { id: { type: 'integer', readOnly: true }, password: { type: 'string', writeOnly: true }, name: { type: 'string' } },
  };
  const response = generate(schema, '3.0.3', {}, 'response') as Record<string, unknown>;
  assert.ok('id' in response && !('password' in response));
  const request = generate(schema, '3.0.3', {}, 'request') as Record<string, unknown>;
  assert.ok('password' in request && !('id' in request));
});

test('recursive schemas terminate', () => {
  const node = generate({ $ref: '#/components/schemas/Node' }, '3.0.3', {
    Node: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } }, parent: { $ref: '#/components/schemas/Node' } } },
  });
  assert.equal(typeof (node as { name: unknown }).name, 'string');
  const list = generate({ $ref: '#/components/schemas/List' }, '3.1.0', {
    List: { type: 'object', required: ['value', 'next'], properties: { value: { type: 'integer' }, next: { anyOf: [{ $ref: '#/components/schemas/List' }, { type: 'null' }] } } },
  });
  let depth = 0;
  for (let at = list as { next: unknown } | null; at; at = at.next as { next: unknown } | null) depth++;
  assert.ok(depth >= 1 && depth < 50);
});

test('objects honour additionalProperties, minProperties and uniqueItems', () => {
  const map = generate({ type: 'object', additionalProperties: { type: 'integer' }, minProperties: 2 }) as Record<string, unknown>;
  assert.ok(Object.keys(map).length >= 2 && Object.values(map).every((v) => Number.isInteger(v)));
  const unique = generate({ type: 'array', minItems: 3, uniqueItems: true, items: { type: 'integer', minimum: 1, maximum: 5 } }) as number[];
  assert.equal(new Set(unique).size, unique.length);
  assert.ok(unique.length >= 3);
});
