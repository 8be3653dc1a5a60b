import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyConfigError } from '../pipeline/policy.js';
import headers from './headers.js';
import { configError, contextFor, handlersOf, NEXT, requestHandlerOf, responseContext } from './test-support/harness.js';

test('headers: request set/append/remove/rename, with templates from the request and the consumer', () => {
  const handle = requestHandlerOf(headers, {
    request: {
      remove: ['X-Debug'],
      rename: { 'X-Old': 'X-New' },
      set: { 'X-User': '${consumer}', 'X-Trace': '${request.method} ${request.path}?page=${request.query.page} id=${request.param.id} from ${client.ip}', 'X-Op': '${route.operationId}' },
      append: { Via: 'portico', 'X-Agent': 'ua=${request.header.user-agent}' },
    },
  });
  const ctx = contextFor({
    method: 'POST',
    path: '/things/7',
    rawQuery: 'page=2',
    params: { id: '7' },
    clientAddress: '10.0.0.9',
    headers: { 'x-debug': '1', 'x-old': 'kept', via: '1.1 proxy', 'user-agent': 'curl/8' },
  });
  ctx.consumer = 'alice';
  assert.equal(handle(ctx), NEXT);
  const h = ctx.request.headers;
  assert.equal(h['x-debug'], undefined);
  assert.equal(h['x-old'], undefined);
  assert.equal(h['x-new'], 'kept');
  assert.equal(h['x-user'], 'alice');
  assert.equal(h['x-trace'], 'POST /things/7?page=2 id=7 from 10.0.0.9');
  assert.equal(h['x-op'], 'listThings');
  assert.equal(h.via, '1.1 proxy, portico');
  assert.equal(h['x-agent'], 'ua=curl/8');
});

test('headers: a set header replaces a client-sent copy (no spoofing of X-User), and interpolated values cannot break a header line', () => {
  const handle = requestHandlerOf(headers, { request: { set: { 'X-User': '${consumer}', 'X-Q': '${request.query.q}' } } });
  const ctx = contextFor({ headers: { 'x-user': 'admin' }, rawQuery: 'q=a%0d%0aInjected:%20yes' });
  handle(ctx);
  assert.equal(ctx.request.headers['x-user'], '', 'anonymous: the client-sent value is not kept');
  assert.equal(ctx.request.headers['x-q'], 'aInjected: yes');
});

test('headers: response set/append/remove/rename, templated from the request', () => {
  const { response } = handlersOf(headers, {
    response: { remove: ['Server'], rename: { 'X-Upstream-Id': 'X-Request-Id' }, set: { 'X-Seen-User': '${request.header.x-user}' }, append: { 'Set-Cookie': 'b=2' } },
  });
  const ctx = responseContext({ server: 'nginx', 'x-upstream-id': 'abc', 'set-cookie': 'a=1' });
  response!(ctx);
  assert.deepEqual(ctx.headers, { 'x-request-id': 'abc', 'x-seen-user': 'u1', 'set-cookie': ['a=1', 'b=2'] });
});

test('headers: framing and hop-by-hop headers cannot be changed; unknown template variables are compile errors at their place', () => {
  assert.match(configError(headers, { request: { set: { 'Content-Length': '0' } } }), /^request\.set\.Content-Length: .*managed by the gateway/);
  assert.match(configError(headers, { request: { remove: ['Host'] } }), /^request\.remove\.0: /);
  assert.match(configError(headers, { response: { set: { 'Transfer-Encoding': 'chunked' } } }), /^response\.set\.Transfer-Encoding: /);
  assert.match(configError(headers, { request: { set: { 'X-A': 'a\r\nB: c' } } }), /^request\.set\.X-A: /);
  assert.throws(
    () => handlersOf(headers, { request: { set: { 'X-A': '${request.body}' } } }),
    (error: unknown) => error instanceof PolicyConfigError && error.path.join('.') === 'request.set.X-A' && /unknown template variable \$\{request\.body\}/.test(error.message),
  );
});
