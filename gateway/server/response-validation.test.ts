import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDesign } from '../openapi/load.js';
import { listOperations } from '../openapi/operations.js';
import { tempWorkspace } from '../test-support/workspace.js';
import { createResponseValidator } from './response-validation.js';

test('a response is checked against its status, media type, headers (presence and schema) and JSON body', async () => {
  const ws = tempWorkspace({
    'api.yaml': `openapi: 3.1.0
info: { title: responses, version: '1' }
paths:
  /items:
    get:
      responses:
        '200':
          description: ok
          headers:
            X-Total-Count: { required: true, schema: { type: integer, minimum: 0 } }
            X-Tags: { schema: { type: array, items: { type: string, enum: [a, b] } } }
          content:
            application/json:
              schema: { type: array, items: { type: object, required: [id], properties: { id: { type: integer } } } }
`,
  });
  try {
    const design = await loadDesign(ws.path('api.yaml'));
    const validate = createResponseValidator(design, listOperations(design)[0]!);
    const json = { 'content-type': 'application/json' };
    assert.deepEqual(validate(200, { ...json, 'x-total-count': '2', 'x-tags': 'a,b' }, Buffer.from('[{"id":1},{"id":2}]')), []);
    const bad = validate(200, { ...json, 'x-total-count': '-3', 'x-tags': 'a,c' }, Buffer.from('[{"id":"x"}]'));
    assert.deepEqual(
      bad.map((v) => `${v.in} ${'name' in v && v.name ? v.name : ''}${v.pointer}`).sort(),
      ['body /0/id', 'header X-Tags/1', 'header X-Total-Count'],
      JSON.stringify(bad),
    );
    assert.deepEqual(validate(200, json, Buffer.from('[]')).map((v) => v.message), ['is required']);
    assert.match(validate(418, json, Buffer.alloc(0))[0]!.message, /status 418 is not documented/);
  } finally {
    ws.cleanup();
  }
});
