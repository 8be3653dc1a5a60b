import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeDetail } from '../../../gateway/contract/index.ts';
import { editableFrom, headersToText, parseHeaderText, toReplayRequest } from './replay-request.ts';

const detail = (over: Partial<ExchangeDetail> = {}): ExchangeDetail => ({
  id: 7,
  startedAt: '2026-11-26T12:00:00.000Z',
  method: 'POST',
  url: '/v1/pets',
  rawUrl: '/v1/pets?x=1',
  mode: 'mock',
  status: 201,
  durationMs: 3,
  gatewayMs: 1,
  clientAddress: '127.0.0.1',
  requestHeaders: [['Host', '127.0.0.1:1'], ['content-type', 'application/json'], ['Connection', 'keep-alive'], ['x-api-key', '[redacted]']],
  responseHeaders: [],
  requestBody: { base64: btoa('{"name":"Rex"}'), size: 14, truncated: false, sha256: 'x' },
  ...over,
});

test('headers as lines and back, values keep their colons', () => {
  assert.equal(headersToText([['A', '1'], ['B', 'x: y']]), 'A: 1\nB: x: y');
  assert.deepEqual(parseHeaderText('A: 1\n\nB:  x: y \n'), { headers: [['A', '1'], ['B', 'x: y']] });
  assert.match(parseHeaderText('A: 1\nnot a header').error!, /line 2/);
  assert.deepEqual(parseHeaderText(':authority: h').headers, [[':authority', 'h']]);
});

test('a logged request becomes an editable one (less what the transport sets) and goes back unchanged', () => {
  const edit = editableFrom(detail());
  assert.equal(edit.url, '/v1/pets?x=1');
  assert.equal(edit.body, '{"name":"Rex"}');
  assert.deepEqual(toReplayRequest(edit).request, { method: 'POST', url: '/v1/pets?x=1', headers: [['content-type', 'application/json'], ['x-api-key', '[redacted]']], body: '{"name":"Rex"}' });
});

test('binary bodies are sent again as logged; mistakes are named', () => {
  const edit = editableFrom(detail({ requestBody: { base64: 'AAH/', size: 3, truncated: false, sha256: 'x' } }));
  assert.equal(edit.body, null);
  assert.equal(toReplayRequest(edit).request?.bodyBase64, 'AAH/');
  assert.match(toReplayRequest({ ...edit, method: 'GE T' }).error!, /method/);
  assert.match(toReplayRequest({ ...edit, url: 'http://x/' }).error!, /starting with/);
  assert.match(toReplayRequest({ ...edit, headers: 'oops' }).error!, /line 1/);
});
