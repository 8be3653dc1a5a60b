import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { rawRequest, startTestGateway } from '../test-support/gateway.js';

const handshake = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

test('WebSocket handshakes are logged: tunnelled (101), refused by a policy, and unroutable', async () => {
  // An upstream that accepts the WebSocket handshake, then closes the tunnel.
  const upstream = createServer();
  upstream.on('upgrade', (req, socket: Socket) => {
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  const gw = await startTestGateway(
    {
      'api.yaml': `openapi: 3.1.0
info: { title: ws, version: '1' }
x-portico: { upstreams: { live: { url: 'http://127.0.0.1:${port}' } } }
components: { securitySchemes: { key: { type: apiKey, in: header, name: X-Key } } }
paths:
  /live:
    get: { operationId: live, x-portico: { upstream: live }, responses: { '101': { description: switching } } }
  /guarded:
    get: { operationId: guarded, security: [{ key: [] }], x-portico: { upstream: live }, responses: { '101': { description: switching } } }
`,
    },
    { consumers: { findByKey: (key) => (key === 'k-ws' ? 'wsuser' : undefined) } },
  );
  try {
    assert.match(await rawRequest(gw.port, handshake('/live')), /^HTTP\/1\.1 101 /);
    assert.match(await rawRequest(gw.port, handshake('/guarded')), /^HTTP\/1\.1 401 /);
    assert.match(await rawRequest(gw.port, handshake('/guarded', 'X-Key: k-ws\r\n')), /^HTTP\/1\.1 101 /);
    assert.match(await rawRequest(gw.port, handshake('/nowhere')), /^HTTP\/1\.1 404 /);
    const logged = (await gw.logged(4)).map((e) => `${e.url} ${e.status} ${e.mode} ${e.operationId ?? '-'} ${e.consumer ?? '-'}`).sort();
    assert.deepEqual(logged, ['/guarded 101 proxy guarded wsuser', '/guarded 401 rejected guarded -', '/live 101 proxy live -', '/nowhere 404 unroutable - -']);
  } finally {
    await gw.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  }
});
