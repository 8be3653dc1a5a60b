import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { loadDesign } from '../openapi/load.js';
import { startTestGateway } from '../test-support/gateway.js';
import { startUpstream } from '../test-support/upstream.js';
import { tempWorkspace } from '../test-support/workspace.js';
import { exportModel, routeLabel } from './model.js';
import { exportNginx } from './nginx.js';
import { freePort, hasNginx, startNginx } from './test-support/nginx.js';

/**
 * One conformance suite, run against the local gateway and against Debian's nginx running the nginx export of the same
 * design in front of the same upstream. A case skipped for a gateway says why: the export report's reason.
 */

const SECRET = 'conformance-secret-of-at-least-32-bytes!';
const KEY = 'k-alice-0123456789';
const upstream = await startUpstream();
const downPort = await freePort();

const files = {
  'api.yaml': `openapi: 3.1.0
info: { title: conformance, version: '1' }
x-portico:
  upstreams:
    app: { url: 'http://127.0.0.1:${upstream.port}', timeout: 5s }
    gone: { url: 'http://127.0.0.1:${downPort}', timeout: 2s }
  upstream: app
  policies:
    browser: { use: cors, with: { origins: ['https://app.example.com'], credentials: true, maxAge: 10m } }
  apply: [browser]
paths:
  /items:
    post:
      operationId: createItem
      security: [{ key: [] }]
      responses: { '200': { description: ok } }
  /items/{id}:
    get:
      operationId: getItem
      responses: { '200': { description: ok } }
  /items/{id}/notes/{note}:
    get:
      operationId: getNote
      responses: { '200': { description: ok } }
  /limited:
    get:
      operationId: limited
      x-portico: { apply: [{ use: rate-limit, with: { limit: 3, window: 1m } }] }
      responses: { '200': { description: ok } }
  /upload:
    post:
      operationId: upload
      x-portico: { apply: [{ use: request-size-limit, with: { max: 1kb } }] }
      responses: { '200': { description: ok } }
  /down:
    get:
      operationId: down
      x-portico: { upstream: gone }
      responses: { '200': { description: ok } }
  /secure:
    get:
      operationId: secure
      security: [{ bearer: [] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-API-Key }
    bearer: { type: http, scheme: bearer, x-portico: { secretFile: jwt.secret, algorithms: [HS256] } }
`,
  'jwt.secret': SECRET,
};

const portico = await startTestGateway(files, { consumers: { findByKey: (key) => (key === KEY ? 'alice' : undefined) } });
const ws = tempWorkspace(files);
const model = exportModel(await loadDesign(ws.path('api.yaml')), { env: {} });
ws.cleanup();

const nginxPort = await freePort();
let report: ReturnType<typeof exportNginx>['report'] = [];
const nginx = hasNginx
  ? await startNginx((dir) => {
      const exported = exportNginx(model, { listen: `127.0.0.1:${nginxPort}`, filesDir: dir, consumers: ['alice'] });
      report = exported.report;
      const map = exported.files.find((f) => f.path === 'api-keys.map')!;
      return { conf: exported.files.find((f) => f.path === 'portico.conf')!.content, files: { 'api-keys.map': `${map.content}"${KEY}" alice;\n` } };
    }, nginxPort)
  : undefined;

after(async () => {
  await portico.close();
  await nginx?.close();
  await upstream.close();
});

interface Target {
  name: string;
  url: string;
  /** Why this gateway cannot run the case of `route`, if it cannot. */
  cannot(route: string): string | undefined;
}

const targets: Target[] = [
  { name: 'portico', url: portico.url, cannot: () => undefined },
  {
    name: 'nginx',
    url: nginx?.url ?? '',
    cannot: (route) => (nginx ? report.find((e) => e.route === route && e.kind === 'unsupported')?.why : `${'/usr/sbin/nginx'} is not installed`),
  },
];

function routeOf(method: string, path: string): string {
  const route = model.routes.find((r) => r.method === method && r.path === path);
  assert.ok(route, `${method} ${path} is in the design`);
  return routeLabel(route);
}

for (const target of targets) {
  describe(`conformance: ${target.name}`, () => {
    const call = (path: string, init: RequestInit = {}) => fetch(`${target.url}${path}`, init);
    /** Runs `body` unless the gateway cannot express the route, in which case the case is skipped with the report's reason. */
    const check = (name: string, route: string, body: (t: TestContext) => Promise<void>) =>
      test(name, async (t) => {
        const reason = target.cannot(route);
        if (reason) return t.skip(reason);
        await body(t);
      });

    check('routes a path with parameters to the upstream, unchanged', routeOf('GET', '/items/{id}'), async () => {
      const before = upstream.received.length;
      const answer = await call('/items/42?x=1');
      assert.equal(answer.status, 200);
      await answer.arrayBuffer();
      assert.equal(upstream.received[before]?.url, '/items/42?x=1');
      const nested = await call('/items/7/notes/n-1');
      assert.equal(nested.status, 200);
      assert.equal(((await nested.json()) as { url: string }).url, '/items/7/notes/n-1');
    });

    check('answers 404 with a problem body for a path of no operation', '*', async () => {
      const answer = await call('/nowhere/at/all');
      assert.equal(answer.status, 404);
      assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal(((await answer.json()) as { status: number }).status, 404);
    });

    check('answers 405 with Allow for a method the path does not serve', routeOf('GET', '/items/{id}'), async () => {
      const answer = await call('/items/42', { method: 'DELETE' });
      assert.equal(answer.status, 405);
      assert.match(answer.headers.get('allow') ?? '', /GET/);
      await answer.arrayBuffer();
    });

    check('API key: a known key passes, a missing or unknown one gets 401', routeOf('POST', '/items'), async () => {
      const ok = await call('/items', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: '{"a":1}' });
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { body: string }).body, '{"a":1}');
      const missing = await call('/items', { method: 'POST' });
      assert.equal(missing.status, 401);
      assert.match(missing.headers.get('content-type') ?? '', /problem\+json/);
      await missing.arrayBuffer();
      const wrong = await call('/items', { method: 'POST', headers: { 'x-api-key': 'k-mallory' } });
      assert.equal(wrong.status, 401);
      await wrong.arrayBuffer();
    });

    check('rate limit: 3 per minute pass, the 4th gets 429 with a problem body', routeOf('GET', '/limited'), async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const answer = await call('/limited');
        statuses.push(answer.status);
        if (i === 3) {
          assert.match(answer.headers.get('content-type') ?? '', /problem\+json/);
          assert.ok(Number(answer.headers.get('retry-after')) >= 1);
        }
        await answer.arrayBuffer();
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
    });

    check('CORS preflight: an allowed origin gets the headers, another gets none', routeOf('GET', '/items/{id}'), async () => {
      const allowed = await call('/items/42', { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-trace' } });
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
      assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
      assert.equal(allowed.headers.get('access-control-allow-methods'), 'GET');
      assert.equal(allowed.headers.get('access-control-allow-headers'), 'x-trace');
      assert.equal(allowed.headers.get('access-control-max-age'), '600');
      assert.match(allowed.headers.get('vary') ?? '', /Origin/);
      const stranger = await call('/items/42', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      assert.equal(stranger.headers.get('access-control-allow-origin'), null);
      const actual = await call('/items/42', { headers: { origin: 'https://app.example.com' } });
      assert.equal(actual.headers.get('access-control-allow-origin'), 'https://app.example.com');
      await actual.arrayBuffer();
    });

    check('request body over the limit gets 413; under it passes', routeOf('POST', '/upload'), async () => {
      const big = await call('/upload', { method: 'POST', body: 'x'.repeat(2048) });
      assert.equal(big.status, 413);
      await big.arrayBuffer();
      const small = await call('/upload', { method: 'POST', body: 'x'.repeat(100) });
      assert.equal(small.status, 200);
      await small.arrayBuffer();
    });

    check('an upstream that is down gives 502 with a problem body', routeOf('GET', '/down'), async () => {
      const answer = await call('/down');
      assert.equal(answer.status, 502);
      assert.match(answer.headers.get('content-type') ?? '', /problem\+json/);
      await answer.arrayBuffer();
    });

    check('JWT: a valid HS256 token passes, none gets 401', routeOf('GET', '/secure'), async () => {
      const token = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
      const ok = await call('/secure', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      await ok.arrayBuffer();
      const none = await call('/secure');
      assert.equal(none.status, 401);
      await none.arrayBuffer();
    });
  });
}
