import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listOperations } from '../openapi/operations.js';
import { designFromValue } from '../validation/test-support.js';
import { createMocker, type MockResponse } from './mocker.js';
import { isXmlMediaType, toXml } from './xml.js';

const pet = {
  type: 'object',
  xml: { name: 'pet', namespace: 'https://example.com/pets', prefix: 'p' },
  properties: {
    id: { type: 'integer', xml: { attribute: true } },
    name: { type: 'string' },
    tags: { type: 'array', xml: { wrapped: true }, items: { type: 'string', xml: { name: 'tag' } } },
    aliases: { type: 'array', items: { type: 'string', xml: { name: 'alias' } } },
  },
};

function designWith(schema: unknown) {
  return designFromValue({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: { '/x': { get: { responses: { '200': { description: 'ok', content: { 'application/xml': { schema } } } } } } },
    components: { schemas: { Pet: pet, Plain: { type: 'object', properties: { note: { type: 'string' } } } } },
  });
}

const schemaNode = (design: ReturnType<typeof designWith>) =>
  design.child(design.root, 'paths', '/x', 'get', 'responses', '200', 'content', 'application/xml', 'schema')!;

test('XML from the schema: element and attribute names, wrapped and unwrapped arrays, namespace and prefix, escaping', () => {
  const design = designWith({ $ref: '#/components/schemas/Pet' });
  const xml = toXml(design, schemaNode(design), { id: 7, name: 'Tom & "Jerry" <3', tags: ['a', 'b'], aliases: ['x', 'y'] });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<p:pet xmlns:p="https://example.com/pets" id="7"><name>Tom &amp; &quot;Jerry&quot; &lt;3</name>' +
      '<tags><tag>a</tag><tag>b</tag></tags><alias>x</alias><alias>y</alias></p:pet>\n',
  );
});

test('XML root names: the component a media type refers to, else "root"; a root array is wrapped', () => {
  const plain = designWith({ $ref: '#/components/schemas/Plain' });
  assert.match(toXml(plain, schemaNode(plain), { note: 'hi' }), /<Plain><note>hi<\/note><\/Plain>/);
  const inline = designWith({ type: 'array', items: { type: 'integer' } });
  assert.match(toXml(inline, schemaNode(inline), [1, 2]), /<root><root>1<\/root><root>2<\/root><\/root>/);
  assert.ok(isXmlMediaType('application/xml; charset=utf-8') && isXmlMediaType('application/atom+xml') && isXmlMediaType('text/xml'));
  assert.ok(!isXmlMediaType('application/json'));
});

test('the mock answers an XML media type with XML generated from its schema, not JSON', () => {
  const design = designWith({ $ref: '#/components/schemas/Pet' });
  const operation = listOperations(design)[0]!;
  const result = createMocker(design, operation)({ headers: { accept: 'application/xml' } }) as MockResponse;
  assert.equal(result.status, 200);
  const body = result.body!.toString();
  assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<p:pet xmlns:p="https:\/\/example.com\/pets"[ >]/);
  assert.doesNotMatch(body, /[{}]/, 'no JSON inside');
});
