import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeDetail } from '../../../gateway/contract/index.ts';
import { exchangeText } from './diff-text.ts';

test('an exchange as text: request line, sorted lower-case headers, pretty bodies, the response', () => {
  const detail: ExchangeDetail = {
    id: 1,
    startedAt: '2026-11-26T12:00:00.000Z',
    method: 'GET',
    url: '/pets',
    rawUrl: '/pets?limit=1',
    mode: 'mock',
    status: 200,
    durationMs: 1,
    gatewayMs: 1,
    clientAddress: '127.0.0.1',
    requestHeaders: [['User-Agent', 'x'], ['Accept', '*/*']],
    responseHeaders: [['content-type', 'application/json']],
    responseBody: { base64: btoa('[{"id":1}]'), size: 10, truncated: false, sha256: 'x' },
  };
  assert.equal(exchangeText(detail), 'GET /pets?limit=1\naccept: */*\nuser-agent: x\n\n── response 200 (mock)\ncontent-type: application/json\n\n[\n  {\n    "id": 1\n  }\n]\n');
});
