import { test } from 'node:test';
import assert from 'node:assert/strict';
import requestSizeLimit from './request-size-limit.js';
import { asReply, configError, contextFor, NEXT, requestHandlerOf } from './test-support/harness.js';

test('request-size-limit: a declared Content-Length over max is refused with 413 at once, and the connection closes', () => {
  const handle = requestHandlerOf(requestSizeLimit, { max: '1kb' });
  const reply = asReply(handle(contextFor({ method: 'POST', headers: { 'content-length': '1025' } })));
  assert.equal(reply.status, 413);
  assert.equal(reply.headers?.connection, 'close');
  assert.equal(JSON.parse(String(reply.body)).type, 'urn:portico:problem:body-too-large');
  assert.match(reply.reason, /Content-Length 1025 exceeds 1024/);
  assert.equal(handle(contextFor({ method: 'POST', headers: { 'content-length': '1024' } })), NEXT);
});

test('request-size-limit: a chunked body passes the request phase with a cap for the gateway to enforce while it streams', () => {
  const handle = requestHandlerOf(requestSizeLimit, { max: 512 }, {}, { name: 'small' });
  const ctx = contextFor({ method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
  assert.equal(handle(ctx), NEXT);
  assert.equal(ctx.requestBodyLimit?.max, 512);
  assert.deepEqual({ id: ctx.requestBodyLimit?.policy.id, name: ctx.requestBodyLimit?.policy.name }, { id: 'request-size-limit', name: 'small' });
  const plain = contextFor();
  handle(plain);
  assert.equal(plain.requestBodyLimit, undefined, 'no body, no cap to watch');
});

test('request-size-limit: max must be a size', () => {
  assert.match(configError(requestSizeLimit, { max: 'big' }), /^max: /);
  assert.match(configError(requestSizeLimit, {}), /^max: /);
});
