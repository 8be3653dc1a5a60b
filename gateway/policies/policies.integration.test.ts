import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { startTestGateway } from '../test-support/gateway.js';

const gw = await startTestGateway({
  'api.yaml': `openapi: 3.1.0
info: { title: policies over HTTP, version: '1' }
x-portico:
  policies:
    browser: { use: cors, with: { origins: ['https://app.example.com'], credentials: true, exposeHeaders: [RateLimit-Remaining] } }
    keys: { use: api-key, with: { in: header, name: X-API-Key } }
  apply: [browser]
paths:
  /limited:
    get:
      x-portico:
        apply: [{ use: rate-limit, with: { limit: 100, window: 1m } }]
      responses: { '200': { description: ok, content: { application/json: { example: { ok: true } } } } }
  /tenants:
    get:
      x-portico:
        apply: [{ use: rate-limit, with: { limit: 2, window: 1m, by: 'header:X-Tenant', algorithm: sliding-window } }]
      responses: { '200': { description: ok, content: { application/json: { example: { ok: true } } } } }
  /private:
    post:
      x-portico: { apply: [keys] }
      responses: { '201': { description: created } }
`,
}, { consumers: { findByKey: (key) => (key === 'k-alice' ? 'alice' : undefined) } });
after(() => gw.close());

/** Plain node:http with a large pool, so that 200 requests are really in flight together. */
function get(path: string, agent: Agent, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('rate-limit 100/min under 200 concurrent requests: exactly 100 pass, 100 get 429 with Retry-After', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 200 });
  try {
    const answers = await Promise.all(Array.from({ length: 200 }, () => get('/limited', agent)));
    const passed = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    assert.equal(passed.length, 100);
    assert.equal(limited.length, 100);
    assert.ok(Number(limited[0]!.headers['retry-after']) >= 1);
    assert.equal(limited[0]!.headers['ratelimit-limit'], '100');
    assert.equal(limited[0]!.headers['ratelimit-remaining'], '0');
    assert.deepEqual(new Set(passed.map((a) => a.headers['ratelimit-remaining'])).size, 100, 'each success sees its own remaining count');
  } finally {
    agent.destroy();
  }
  const rejected = gw.exchanges.filter((e) => e.status === 429);
  assert.equal(rejected.length, 100);
  assert.equal(rejected[0]!.mode, 'rejected');
  assert.match(rejected[0]!.policy!.reason, /rate-limit \(100\/1m by ip\)/);
});

test('CORS preflight is answered for an allowed origin, even where the route has no OPTIONS operation', async () => {
  const preflight = await fetch(`${gw.url}/private`, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, content-type' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'x-api-key, content-type');
  assert.match(preflight.headers.get('vary') ?? '', /Origin/);
});

test('CORS: unknown origins get no CORS headers; allowed ones are labelled on answers and on rejections', async () => {
  const stranger = await fetch(`${gw.url}/private`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(stranger.headers.get('access-control-allow-origin'), null);

  const refused = await fetch(`${gw.url}/private`, { method: 'POST', headers: { origin: 'https://app.example.com' } });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get('access-control-allow-origin'), 'https://app.example.com', 'a browser can read the 401');

  const created = await fetch(`${gw.url}/private`, { method: 'POST', headers: { origin: 'https://app.example.com', 'x-api-key': 'k-alice' } });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(created.headers.get('vary'), 'Origin');
  const logged = (await gw.logged(gw.exchanges.length)).at(-1)!;
  assert.equal(logged.consumer, 'alice');
});

test('rate-limit by header:X-Tenant with a sliding window: each tenant has its own 2/min; the log says how it counts', async () => {
  const call = (tenant: string) => fetch(`${gw.url}/tenants`, { headers: { 'x-tenant': tenant } }).then((r) => r.status);
  assert.deepEqual([await call('a'), await call('a'), await call('a'), await call('b')], [200, 200, 429, 200]);
  const logged = (await gw.logged(gw.exchanges.length)).filter((e) => e.status === 429).at(-1)!;
  assert.match(logged.policy!.reason, /rate-limit \(2\/1m by header:X-Tenant, sliding\)/);
});
