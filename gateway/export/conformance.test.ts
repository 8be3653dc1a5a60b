import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
// The echo upstream, slow on /slow (for timeouts) and cacheable on /cached (a counter shows whether it was asked again).
let cachedHits = 0;
const upstream = await startUpstream((req, res, body) => {
  if (req.url?.startsWith('/slow')) {
    setTimeout(() => {
      if (!res.destroyed) res.end('late');
    }, 1500);
    return;
  }
  const text = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body, hits: req.url?.startsWith('/cached') ? ++cachedHits : undefined });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-internal': 'secret-build-42' });
  res.end(req.method === 'HEAD' ? undefined : text);
});
const downPort = await freePort();
// Two more upstreams that say who they are, for load balancing.
const blue = await startUpstream((_req, res) => res.end('blue'));
const green = await startUpstream((_req, res) => res.end('green'));

const files = {
  'api.yaml': `openapi: 3.1.0
info: { title: conformance, version: '1' }
x-portico:
  upstreams:
    app: { url: 'http://127.0.0.1:${upstream.port}', timeout: 5s }
    gone: { url: 'http://127.0.0.1:${downPort}', timeout: 2s }
    blue: { url: 'http://127.0.0.1:${blue.port}' }
    green: { url: 'http://127.0.0.1:${green.port}' }
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
  /slow:
    get:
      operationId: slow
      x-portico: { apply: [{ use: timeout, with: { response: 300ms } }] }
      responses: { '200': { description: ok } }
  /blocked:
    get:
      operationId: blocked
      x-portico: { apply: [{ use: ip-filter, with: { deny: [127.0.0.0/8] } }] }
      responses: { '200': { description: ok } }
  /staff:
    get:
      operationId: staff
      x-portico: { apply: [{ use: basic-auth, with: { realm: staff } }] }
      responses: { '200': { description: ok } }
  /decorated:
    get:
      operationId: decorated
      x-portico:
        apply:
          - use: headers
            with:
              request: { set: { X-Source: portico, X-Echo: '\${request.header.x-in}' }, remove: [X-Debug] }
              response: { set: { X-Served-By: portico }, remove: [X-Internal] }
      responses: { '200': { description: ok } }
  /old/{rest}:
    get:
      operationId: legacy
      x-portico: { apply: [{ use: rewrite, with: { path: { from: '^/old/(.*)$', to: '/new/$1' } } }] }
      responses: { '200': { description: ok } }
  /balanced:
    get:
      operationId: balanced
      x-portico: { apply: [{ use: load-balance, with: { targets: [{ upstream: blue }, { upstream: green }] } }] }
      responses: { '200': { description: ok } }
  /cached:
    get:
      operationId: cached
      x-portico: { apply: [{ use: cache, with: { ttl: 1m } }] }
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-API-Key }
    bearer: { type: http, scheme: bearer, x-portico: { secretFile: jwt.secret, algorithms: [HS256] } }
`,
  'jwt.secret': SECRET,
};

const PASSWORD = 'correct horse battery staple';
const portico = await startTestGateway(files, {
  consumers: { findByKey: (key) => (key === KEY ? 'alice' : undefined), checkPassword: async (name, password) => name === 'alice' && password === PASSWORD },
});
const ws = tempWorkspace(files);
const model = exportModel(await loadDesign(ws.path('api.yaml')), { env: {} });
ws.cleanup();

const nginxPort = await freePort();
let report: ReturnType<typeof exportNginx>['report'] = [];
const nginx = hasNginx
  ? await startNginx((dir) => {
      mkdirSync(join(dir, 'cache'));
      const exported = exportNginx(model, { listen: `127.0.0.1:${nginxPort}`, filesDir: dir, cacheDir: join(dir, 'cache'), consumers: ['alice'] });
      report = exported.report;
      const map = exported.files.find((f) => f.path === 'api-keys.map')!;
      // What the operator writes: the keys and passwords they issue (nginx reads {PLAIN} htpasswd entries).
      return { conf: exported.files.find((f) => f.path === 'portico.conf')!.content, files: { 'api-keys.map': `${map.content}"${KEY}" alice;\n`, htpasswd: `alice:{PLAIN}${PASSWORD}\n` } };
    }, nginxPort)
  : undefined;

after(async () => {
  await portico.close();
  await nginx?.close();
  await upstream.close();
  await blue.close();
  await green.close();
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

    check('CORS: preflight headers for an allowed origin, none for another; answers and rejections labelled', routeOf('GET', '/items/{id}'), async () => {
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
      // A rejection is labelled too, so the page can read why.
      const refused = await call('/items', { method: 'POST', headers: { origin: 'https://app.example.com' } });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('access-control-allow-origin'), 'https://app.example.com');
      assert.equal(refused.headers.get('access-control-allow-credentials'), 'true');
      await refused.arrayBuffer();
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

    check('HEAD is served by the GET operation, and a trailing slash matches', routeOf('GET', '/items/{id}'), async () => {
      const head = await call('/items/9', { method: 'HEAD' });
      assert.equal(head.status, 200);
      const slash = await call('/items/9/');
      assert.equal(slash.status, 200);
      await slash.arrayBuffer();
    });

    check('an upstream slower than the timeout gives 504 with a problem body', routeOf('GET', '/slow'), async () => {
      const started = Date.now();
      const answer = await call('/slow');
      assert.equal(answer.status, 504);
      assert.match(answer.headers.get('content-type') ?? '', /problem\+json/);
      await answer.arrayBuffer();
      assert.ok(Date.now() - started < 1400, 'answered at the timeout, not when the upstream finished');
    });

    check('IP filter: a denied address gets 403 with a problem body', routeOf('GET', '/blocked'), async () => {
      const answer = await call('/blocked');
      assert.equal(answer.status, 403);
      assert.match(answer.headers.get('content-type') ?? '', /problem\+json/);
      await answer.arrayBuffer();
    });

    check('Basic auth: the right password passes, a wrong one or none gets 401 with a challenge', routeOf('GET', '/staff'), async () => {
      const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      const ok = await call('/staff', { headers: { authorization: basic('alice', PASSWORD) } });
      assert.equal(ok.status, 200);
      await ok.arrayBuffer();
      const wrong = await call('/staff', { headers: { authorization: basic('alice', 'guess') } });
      assert.equal(wrong.status, 401);
      await wrong.arrayBuffer();
      const none = await call('/staff');
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Basic realm="staff"/);
      await none.arrayBuffer();
    });

    check('headers: request headers set, templated and removed; response headers set and removed', routeOf('GET', '/decorated'), async () => {
      const answer = await call('/decorated', { headers: { 'x-in': 'from-client', 'x-debug': '1' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('x-served-by'), 'portico');
      assert.equal(answer.headers.get('x-internal'), null);
      const seen = ((await answer.json()) as { headers: Record<string, string> }).headers;
      assert.equal(seen['x-source'], 'portico');
      assert.equal(seen['x-echo'], 'from-client');
      assert.equal(seen['x-debug'], undefined);
    });

    check('rewrite: the upstream gets the rewritten path, with the query', routeOf('GET', '/old/{rest}'), async () => {
      const answer = await call('/old/thing?q=1');
      assert.equal(answer.status, 200);
      assert.equal(((await answer.json()) as { url: string }).url, '/new/thing?q=1');
    });

    check('cache: a second GET is answered from the cache (X-Cache: HIT), the upstream asked once', routeOf('GET', '/cached'), async () => {
      const first = await call('/cached?t=' + target.name);
      assert.equal(first.headers.get('x-cache'), 'MISS');
      const hits = ((await first.json()) as { hits: number }).hits;
      const second = await call('/cached?t=' + target.name);
      assert.equal(second.headers.get('x-cache'), 'HIT');
      assert.equal(((await second.json()) as { hits: number }).hits, hits);
    });

    check('load balancing: requests are spread over both upstreams in turn', routeOf('GET', '/balanced'), async () => {
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) seen.push(await (await call('/balanced')).text());
      assert.deepEqual(new Set(seen), new Set(['blue', 'green']));
      assert.equal(seen.filter((s) => s === 'blue').length, 2);
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
