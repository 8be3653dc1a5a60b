import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import { selfSignedCertificate } from './test-support/certificate.js';
import { closeServer, json, listen, request, startGateway, type Echo } from './test-support/harness.js';

const certificate = selfSignedCertificate();

describe('forward: https upstreams', { skip: certificate === undefined ? 'openssl is not available' : false }, () => {
  let server: https.Server;
  let port: number;
  const sni: string[] = [];
  before(async () => {
    server = https.createServer({ ...certificate }, (req, res) => {
      const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, size: 0 });
      res.end(body);
    });
    server.on('secureConnection', (socket) => sni.push(String((socket as { servername?: string | false }).servername)));
    port = await listen(server);
  });
  after(() => closeServer(server));

  test('verifies certificates by default: a self-signed upstream is a 502 saying so', async () => {
    const gateway = await startGateway({ url: `https://127.0.0.1:${port}` });
    try {
      const reply = await request(gateway.port);
      assert.equal(reply.status, 502);
      assert.equal(reply.headers['content-type'], 'application/problem+json');
      const problem = json<{ detail: string; code: string; upstream: string }>(reply);
      assert.match(problem.detail, /^the certificate of upstream petstore could not be verified \(/);
      assert.equal(problem.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.equal(problem.upstream, 'petstore');
    } finally {
      await gateway.close();
    }
  });

  test('insecure: true accepts it', async () => {
    const gateway = await startGateway({ url: `https://127.0.0.1:${port}/v1`, insecure: true });
    try {
      const reply = await request(gateway.port, { path: '/pets' });
      assert.equal(reply.status, 200);
      const echo = json<Echo>(reply);
      assert.equal(echo.url, '/v1/pets');
      assert.equal(echo.headers.host, `127.0.0.1:${port}`);
    } finally {
      await gateway.close();
    }
  });

  test("SNI is the upstream's name, not a preserved client Host", async () => {
    sni.length = 0;
    const gateway = await startGateway({ url: `https://localhost:${port}`, insecure: true, preserveHost: true });
    try {
      const reply = await request(gateway.port, { headers: { host: 'api.example' } });
      assert.equal(reply.status, 200);
      assert.equal(json<Echo>(reply).headers.host, 'api.example');
      assert.deepEqual(sni, ['localhost']);
    } finally {
      await gateway.close();
    }
  });
});
