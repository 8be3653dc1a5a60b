import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { stripResponseHeaders, upstreamRequestHeaders } from './headers.js';

function fakeRequest(headers: Record<string, string>, remoteAddress = '::ffff:10.0.0.7', encrypted = false): IncomingMessage {
  return { headers, socket: { remoteAddress, encrypted } } as unknown as IncomingMessage;
}

const options = { upstreamHost: 'up.internal:8080', preserveHost: false, websocket: false };

test('request: hop-by-hop and listed headers go, forwarding headers are ours, framing is kept', () => {
  const out = upstreamRequestHeaders(
    fakeRequest({ host: 'api.example', connection: 'X-A, content-length', 'x-a': '1', 'content-length': '3', 'x-forwarded-for': '6.6.6.6', expect: '100-continue', accept: '*/*' }),
    options,
  );
  assert.deepEqual(out, {
    accept: '*/*',
    'content-length': '3',
    host: 'up.internal:8080',
    'x-forwarded-for': '10.0.0.7',
    'x-forwarded-proto': 'http',
    'x-forwarded-host': 'api.example',
    forwarded: 'for=10.0.0.7;proto=http;host="api.example"',
  });
});

test('request: IPv6 clients and https are written as RFC 7239 asks; a WebSocket keeps its upgrade headers', () => {
  const out = upstreamRequestHeaders(
    fakeRequest({ host: 'a', connection: 'Upgrade', upgrade: 'websocket', 'transfer-encoding': 'gzip, chunked' }, '2001:db8::1', true),
    { ...options, websocket: true },
  );
  assert.equal(out.forwarded, 'for="[2001:db8::1]";proto=https;host="a"');
  assert.equal(out.connection, 'Upgrade');
  assert.equal(out.upgrade, 'websocket');
  assert.equal(out['transfer-encoding'], 'chunked');
});

test('response: hop-by-hop and listed headers are removed from a copy; the upstream message keeps its own', () => {
  const headers = { connection: 'x-b', 'x-b': '1', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'proxy-authenticate': 'Basic', etag: '"1"' };
  const original = { ...headers };
  assert.deepEqual(stripResponseHeaders(headers), { etag: '"1"' });
  assert.deepEqual(headers, original);
});
