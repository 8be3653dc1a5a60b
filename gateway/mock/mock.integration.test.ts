import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway } from '../test-support/gateway.js';

/** The mock rules as a client meets them: over HTTP, through the whole gateway. */
const gw = await startTestGateway({
  'api.yaml': `openapi: 3.0.3
info: { title: mock over HTTP, version: '1' }
paths:
  /users/{id}:
    get:
      operationId: getUser
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses:
        '200':
          description: ok
          headers:
            X-Request-Id: { schema: { type: string, format: uuid } }
          content:
            application/json:
              schema:
                type: object
                required: [id, email, role, createdAt]
                properties:
                  id: { type: integer, minimum: 1 }
                  email: { type: string, format: email }
                  role: { type: string, enum: [admin, member] }
                  createdAt: { type: string, format: date-time }
                  nickname: { type: string, nullable: true, pattern: '^[a-z]{3,8}$' }
              examples:
                admin: { value: { id: 1, email: a@example.com, role: admin, createdAt: '2024-01-01T00:00:00Z' } }
                member: { value: { id: 2, email: m@example.com, role: member, createdAt: '2024-01-02T00:00:00Z' } }
            text/plain:
              schema: { type: string }
              example: user 1
        '404':
          description: not found
          content: { application/json: { schema: { type: object, properties: { message: { type: string } } } } }
  /reports:
    get:
      responses:
        '201': { description: created, content: { application/json: { schema: { type: object, required: [n], properties: { n: { type: integer, minimum: 5, maximum: 9 } } } } } }
        '200': { description: ok, content: { application/json: { schema: { type: array, minItems: 2, items: { type: string, format: uuid } } } } }
`,
});
after(() => gw.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(gw.url + path, { headers });

test('the first example by default, a named one with Prefer: example=', async () => {
  assert.equal(((await (await get('/users/1')).json()) as { role: string }).role, 'admin');
  assert.equal(((await (await get('/users/1', { prefer: 'example=member' })).json()) as { role: string }).role, 'member');
  assert.equal((await get('/users/1', { prefer: 'example=nobody' })).status, 404);
});

test('the lowest documented 2xx; Prefer: code= picks another documented status', async () => {
  const reports = await get('/reports');
  assert.equal(reports.status, 200);
  const body = (await reports.json()) as string[];
  assert.ok(Array.isArray(body) && body.length >= 2 && body.every((s) => /^[0-9a-f-]{36}$/.test(s)));
  const created = await get('/reports', { prefer: 'code=201' });
  assert.equal(created.status, 201);
  const n = ((await created.json()) as { n: number }).n;
  assert.ok(n >= 5 && n <= 9);
  assert.equal((await get('/users/1', { prefer: 'code=404' })).status, 404);
  assert.equal((await get('/users/1', { prefer: 'code=418' })).status, 404, 'an undocumented code is not invented');
});

test('generated bodies are deterministic, unless Prefer: dynamic=true', async () => {
  const first = await (await get('/reports')).text();
  const second = await (await get('/reports')).text();
  assert.equal(first, second);
  const dynamic = new Set(await Promise.all(Array.from({ length: 5 }, async () => (await get('/reports', { prefer: 'dynamic=true' })).text())));
  assert.ok(dynamic.size > 1, 'dynamic bodies vary');
});

test('content negotiation: Accept picks the media type; 406 when nothing fits', async () => {
  const text = await get('/users/1', { accept: 'text/plain' });
  assert.equal(text.headers.get('content-type'), 'text/plain');
  assert.equal(await text.text(), 'user 1');
  const none = await get('/users/1', { accept: 'image/png' });
  assert.equal(none.status, 406);
  assert.equal(none.headers.get('content-type'), 'application/problem+json');
});

test('documented response headers are filled; Prefer: delay= waits', async () => {
  const response = await get('/users/1');
  assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  const started = performance.now();
  await (await get('/users/1', { prefer: 'delay=200' })).text();
  assert.ok(performance.now() - started >= 190);
});

test('an invalid parameter is refused before mocking, with its pointer', async () => {
  const response = await get('/users/abc');
  assert.equal(response.status, 400);
  const body = (await response.json()) as { errors: { in: string; name: string }[] };
  assert.deepEqual(body.errors.map((e) => `${e.in} ${e.name}`), ['path id']);
});
