import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractViolation, PolicyAttribution, ResponseBodyContext } from '../pipeline/policy.js';
import cache from './cache.js';
import rewrite from './rewrite.js';
import transformBody, { transform } from './transform-body.js';
import validateRequest from './validate-request.js';
import validateResponse from './validate-response.js';
import { asReply, configError, contextFor, handlersOf, NEXT } from './test-support/harness.js';

function bodyContext(fields: Partial<ResponseBodyContext> & { violations?: ContractViolation[] } = {}): ResponseBodyContext & { reported: PolicyAttribution[] } {
  const reported: PolicyAttribution[] = [];
  const request = fields.request ?? contextFor().request;
  return {
    request,
    route: { method: 'GET', path: '/things' },
    consumer: undefined,
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('{}'),
    source: 'upstream',
    validateResponse: () => fields.violations ?? [],
    report: (p) => reported.push(p),
    ...fields,
    reported,
  } as ResponseBodyContext & { reported: PolicyAttribution[] };
}

test('validate-request: the operation’s verdict becomes a 400/415/422 problem with every violation; a valid request goes on', () => {
  const { requestBody } = handlersOf(validateRequest, {});
  const ok = contextFor();
  ok.validator = () => ({ ok: true });
  assert.equal(requestBody!(ok), NEXT);
  const bad = contextFor();
  bad.validator = () => ({ ok: false, status: 422, errors: [{ in: 'body', pointer: '/price', message: 'must be number' }, { in: 'body', pointer: '/name', message: 'is required' }] });
  const reply = asReply(requestBody!(bad));
  assert.equal(reply.status, 422);
  const body = JSON.parse(String(reply.body));
  assert.equal(body.title, 'Unprocessable Content');
  assert.deepEqual(body.errors.map((e: { pointer: string }) => e.pointer), ['/price', '/name']);
  assert.equal(reply.reason, 'body/price: must be number; body/name: is required');
});

test('validate-response: violations go to the log and a header; with enforce the client gets a 502 problem instead', () => {
  const violations = [{ in: 'body', pointer: '/items/0/price', message: 'must be number' }];
  const report = handlersOf(validateResponse, {});
  const ctx = bodyContext({ violations });
  report.responseBody!(ctx);
  assert.equal(ctx.headers['x-contract-violations'], '1; body/items/0/price: must be number');
  assert.equal(ctx.status, 200);
  assert.match(ctx.reported[0]!.reason, /1 violation of the design in the upstream's 200 response: body\/items\/0\/price: must be number/);

  const enforce = handlersOf(validateResponse, { enforce: true });
  const enforced = bodyContext({ violations, headers: { 'content-type': 'application/json', 'set-cookie': 'a=1' } });
  enforce.responseBody!(enforced);
  assert.equal(enforced.status, 502);
  assert.equal(enforced.headers['set-cookie'], undefined, 'nothing of the broken response is passed on');
  assert.equal(JSON.parse(enforced.body.toString()).upstreamStatus, 200);

  const clean = bodyContext();
  report.responseBody!(clean);
  assert.equal(clean.headers['x-contract-violations'], undefined);
  const mocked = bodyContext({ violations, source: 'mock' });
  report.responseBody!(mocked);
  assert.equal(mocked.reported.length, 0, 'only the upstream’s responses are checked');
  const gzipped = bodyContext({ violations, headers: { 'content-encoding': 'gzip' } });
  report.responseBody!(gzipped);
  assert.match(gzipped.reported[0]!.reason, /not checked/);
  const ask = contextFor({ headers: { 'accept-encoding': 'gzip' } });
  report.request!(ask);
  assert.equal(ask.request.headers['accept-encoding'], undefined, 'the upstream is asked for an uncompressed body');
});

test('rewrite: path with numbered and named captures, query set/remove/rename; unmatched paths are sent as they are', () => {
  const { request } = handlersOf(rewrite, { path: { from: '^/v1/users/(?<id>[^/]+)/(.*)$', to: '/api/$2/of/$<id>' }, query: { set: { user: '$<id>' }, remove: ['debug'], rename: { q: 'search' } } });
  const ctx = contextFor({ path: '/v1/users/42/orders', rawQuery: 'q=shoes&debug=1&page=2' });
  assert.equal(request!(ctx), NEXT);
  assert.equal(ctx.upstreamTarget, '/api/orders/of/42?page=2&search=shoes&user=42');
  const other = contextFor({ path: '/health' });
  request!(other);
  assert.equal(other.upstreamTarget, '/health?user=');
  assert.match(configError(rewrite, { path: { from: '(', to: '/x' } }), /^path\.from: /);
  assert.match(configError(rewrite, { path: { from: '.*', to: 'x' } }), /^path\.to: /);
  assert.match(configError(rewrite, {}), /path, query/);
});

test('transform-body: pick, omit, rename and set with JSON pointers, * over arrays, in a fixed order', () => {
  const doc = { id: 1, secret: 's', user: { name: 'Ann', email: 'a@x' }, items: [{ id: 1, cost: 3, price: 5 }, { id: 2, cost: 4, price: 6 }] };
  assert.deepEqual(transform(structuredClone(doc), { pick: ['/id', '/items/*/id'] }), { id: 1, items: [{ id: 1 }, { id: 2 }] });
  assert.deepEqual(transform(structuredClone(doc), { omit: ['/secret', '/items/*/cost', '/user/email'] }), { id: 1, user: { name: 'Ann' }, items: [{ id: 1, price: 5 }, { id: 2, price: 6 }] });
  assert.deepEqual(transform(structuredClone(doc), { pick: ['/user'], rename: { '/user/name': '/name' }, set: { '/version': 2, '/meta/source': 'portico' } }), { user: { email: 'a@x' }, name: 'Ann', version: 2, meta: { source: 'portico' } });
  assert.deepEqual(transform([{ a: 1, b: 2 }], { set: { '/*/c': true } }), [{ a: 1, b: 2, c: true }]);
  assert.match(configError(transformBody, { response: { omit: ['secret'] } }), /^response\.omit\.0: /);
});

test('transform-body: request bodies are reshaped before they go on; invalid JSON is a 400; response bodies of 2xx JSON only', () => {
  const { requestBody, responseBody } = handlersOf(transformBody, { request: { omit: ['/role'] }, response: { omit: ['/internal'] } });
  const ctx = contextFor({ method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' } });
  ctx.body = Buffer.from('{"name":"Ann","role":"admin"}');
  assert.equal(requestBody!(ctx), NEXT);
  assert.equal(ctx.requestBody()!.toString(), '{"name":"Ann"}');
  const broken = contextFor({ method: 'POST', headers: { 'content-type': 'application/json' } });
  broken.body = Buffer.from('{nope');
  assert.equal(asReply(requestBody!(broken)).status, 400);

  const ok = bodyContext({ body: Buffer.from('{"a":1,"internal":true}') });
  responseBody!(ok);
  assert.equal(ok.body.toString(), '{"a":1}');
  const problemReply = bodyContext({ status: 404, body: Buffer.from('{"internal":1}') });
  responseBody!(problemReply);
  assert.equal(problemReply.body.toString(), '{"internal":1}');
  const refused = bodyContext({ source: 'policy', body: Buffer.from('{"internal":1}') });
  responseBody!(refused);
  assert.equal(refused.body.toString(), '{"internal":1}');
});

test('cache: MISS, then HIT with Age; key = method + path + sorted query + consumer; TTL from s-maxage/max-age or the config', () => {
  let now = 1_000_000;
  const { request, responseBody } = handlersOf(cache, { ttl: '30s' }, { now: () => now });
  const first = contextFor({ rawQuery: 'b=2&a=1' });
  assert.equal(request!(first), NEXT);
  assert.equal(first.responseHeaders?.['x-cache'], 'MISS');
  responseBody!(bodyContext({ request: first.request, body: Buffer.from('[1]'), headers: { 'content-type': 'application/json', 'cache-control': 'max-age=10' } }));
  now += 5_000;
  const hit = asReply(request!(contextFor({ rawQuery: 'a=1&b=2' })));
  assert.equal(hit.status, 200);
  assert.equal(hit.replay, true);
  assert.equal(String(hit.body), '[1]');
  assert.equal(hit.headers?.['x-cache'], 'HIT');
  assert.equal(hit.headers?.age, '5');
  assert.equal(hit.headers?.['cache-control'], 'max-age=10');
  const alice = contextFor({ rawQuery: 'a=1&b=2' });
  alice.consumer = 'alice';
  assert.equal(request!(alice), NEXT, 'another consumer has its own entries');
  now += 6_000;
  assert.equal(request!(contextFor({ rawQuery: 'a=1&b=2' })), NEXT, 'max-age=10 has passed');
});

test('cache: never stores Set-Cookie, no-store, private or no-cache responses, POSTs, or policy answers', () => {
  const { request, responseBody } = handlersOf(cache, {});
  const store = (headers: Record<string, string>, fields: Partial<ResponseBodyContext> = {}) => {
    const ctx = contextFor({ path: `/p${Math.random()}` });
    request!(ctx);
    responseBody!(bodyContext({ request: ctx.request, headers: { 'content-type': 'application/json', ...headers }, ...fields }));
    return request!(contextFor({ path: ctx.request.path }));
  };
  assert.notEqual(store({}), NEXT, 'a plain 200 is stored');
  assert.equal(store({ 'set-cookie': 'session=1' }), NEXT);
  assert.equal(store({ 'cache-control': 'no-store' }), NEXT);
  assert.equal(store({ 'cache-control': 'private, max-age=60' }), NEXT);
  assert.equal(store({ 'cache-control': 'no-cache' }), NEXT);
  assert.equal(store({ vary: '*' }), NEXT);
  assert.equal(store({}, { source: 'policy' }), NEXT);
  assert.equal(store({}, { source: 'mock' }), NEXT, 'a mock fallback must not outlive an outage');
  assert.equal(store({}, { status: 500 }), NEXT);
  const post = contextFor({ method: 'POST' });
  assert.equal(request!(post), NEXT);
  assert.equal(post.responseHeaders?.['x-cache'], undefined);
});

test('cache: Vary selects variants; unkeyed override headers and anonymous Authorization bypass the cache', () => {
  const { request, responseBody } = handlersOf(cache, {});
  const english = contextFor({ headers: { 'accept-language': 'en' } });
  request!(english);
  responseBody!(bodyContext({ request: english.request, body: Buffer.from('"hello"'), headers: { 'content-type': 'application/json', vary: 'Accept-Language' } }));
  assert.equal(String(asReply(request!(contextFor({ headers: { 'accept-language': 'en' } }))).body), '"hello"');
  assert.equal(request!(contextFor({ headers: { 'accept-language': 'fr' } })), NEXT);
  const gzip = contextFor({ path: '/zipped', headers: { 'accept-encoding': 'gzip' } });
  request!(gzip);
  responseBody!(bodyContext({ request: gzip.request, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }));
  assert.notEqual(request!(contextFor({ path: '/zipped', headers: { 'accept-encoding': 'gzip' } })), NEXT);
  assert.equal(request!(contextFor({ path: '/zipped' })), NEXT, 'a gzip body is never served to a client that did not ask for gzip');
  const override = contextFor({ headers: { 'accept-language': 'en', 'x-http-method-override': 'DELETE' } });
  assert.equal(request!(override), NEXT, 'a method override could make the upstream answer something else');
  assert.equal(override.responseHeaders?.['x-cache'], 'BYPASS');
  assert.equal(request!(contextFor({ headers: { 'accept-language': 'en', authorization: 'Bearer x' } })), NEXT);
});

test('cache: least recently used entries are evicted past maxSize', () => {
  const { request, responseBody } = handlersOf(cache, { maxSize: '2kb' });
  const put = (path: string) => {
    const ctx = contextFor({ path });
    request!(ctx);
    responseBody!(bodyContext({ request: ctx.request, body: Buffer.alloc(600, 'x') }));
  };
  const cached = (path: string) => request!(contextFor({ path })) !== NEXT;
  put('/a');
  put('/b');
  assert.ok(cached('/a'), 'touching /a makes /b the least recently used');
  put('/c');
  assert.deepEqual(['/a', '/b', '/c'].map(cached), [true, false, true]);
});
