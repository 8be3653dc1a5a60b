import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUpstream } from './upstream.js';
import {
  echoHandler,
  json,
  rawExchange,
  request,
  startGateway,
  startUpstream,
  type Echo,
} from './test-support/harness.js';

describe('forward: paths, headers, hooks', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  before(async () => {
    upstream = await startUpstream((req, res) => {
      if (req.url?.endsWith('/hop-response')) {
        res.writeHead(200, {
          connection: 'X-Resp-Secret',
          'x-resp-secret': 'hidden',
          'keep-alive': 'timeout=99',
          'proxy-authenticate': 'Basic',
          'proxy-x': '1',
          upgrade: 'h2c',
          trailer: 'X-Checksum',
          'x-kept': 'yes',
        });
        res.end('ok');
        return;
      }
      echoHandler(req, res);
    });
  });
  after(() => upstream.close());

  test('joins the path to the upstream URL path and keeps the query', async () => {
    for (const base of ['/base', '/base/']) {
      const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}${base}` });
      try {
        const echo = json<Echo>(await request(gateway.port, { path: '/pets?x=1&y=%2F' }));
        assert.equal(echo.url, '/base/pets?x=1&y=%2F');
      } finally {
        await gateway.close();
      }
    }
    const root = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      assert.equal(json<Echo>(await request(root.port, { path: '/pets/7' })).url, '/pets/7');
    } finally {
      await root.close();
    }
  });

  test('drops hop-by-hop request headers, and every header Connection lists', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      const reply = await rawExchange(
        gateway.port,
        'POST /x HTTP/1.1\r\nHost: api.example\r\nConnection: close, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\n' +
          'TE: trailers\r\nTrailer: X-Checksum\r\nUpgrade: h2c\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\n' +
          'Proxy-Connection: keep-alive\r\nProxy-Anything: 1\r\nX-Kept: yes\r\nContent-Length: 5\r\n\r\nhello',
      );
      const echo = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as Echo;
      for (const name of ['x-secret', 'keep-alive', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-connection', 'proxy-anything']) {
        assert.equal(echo.headers[name], undefined, name);
      }
      assert.equal(echo.headers['x-kept'], 'yes');
      assert.equal(echo.headers['content-length'], '5');
      assert.equal(echo.size, 5);
      // The client's `close` is not the upstream hop's business: the pooled connection stays keep-alive.
      assert.equal(echo.headers.connection, 'keep-alive');
    } finally {
      await gateway.close();
    }
  });

  test('re-frames a chunked body itself, also for DELETE (no Content-Length: 0 with a body behind it)', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      const reply = await rawExchange(
        gateway.port,
        'DELETE /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
      );
      const echo = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as Echo;
      assert.equal(echo.method, 'DELETE');
      assert.equal(echo.size, 11);
      assert.equal(echo.headers['transfer-encoding'], 'chunked');
      assert.equal(echo.headers['content-length'], undefined);
    } finally {
      await gateway.close();
    }
  });

  test('drops hop-by-hop response headers, and every header the upstream Connection lists', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      const reply = await request(gateway.port, { path: '/hop-response', headers: { connection: 'close' } });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.toString(), 'ok');
      for (const name of ['x-resp-secret', 'keep-alive', 'proxy-authenticate', 'proxy-x', 'upgrade', 'trailer']) {
        assert.equal(reply.headers[name], undefined, name);
      }
      assert.equal(reply.headers['x-kept'], 'yes');
      assert.equal(reply.headers.connection, 'close'); // our hop's own value, from Node
    } finally {
      await gateway.close();
    }
  });

  test('replaces forwarding headers: a client cannot spoof its address, protocol or host', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      const echo = json<Echo>(
        await request(gateway.port, {
          headers: {
            host: 'api.example:8080',
            'x-forwarded-for': '6.6.6.6',
            'x-forwarded-proto': 'https',
            'x-forwarded-host': 'evil.example',
            'x-forwarded-port': '443',
            'x-real-ip': '6.6.6.6',
            forwarded: 'for=6.6.6.6;proto=https',
          },
        }),
      );
      assert.equal(echo.headers['x-forwarded-for'], '127.0.0.1');
      assert.equal(echo.headers['x-forwarded-proto'], 'http');
      assert.equal(echo.headers['x-forwarded-host'], 'api.example:8080');
      assert.equal(echo.headers.forwarded, 'for=127.0.0.1;proto=http;host="api.example:8080"');
      assert.equal(echo.headers['x-forwarded-port'], undefined);
      assert.equal(echo.headers['x-real-ip'], undefined);
    } finally {
      await gateway.close();
    }
  });

  test("sends the upstream's Host, or the client's with preserveHost", async () => {
    const url = `http://127.0.0.1:${upstream.port}`;
    const plain = await startGateway({ url });
    const preserving = await startGateway({ url, preserveHost: true });
    try {
      const headers = { host: 'api.example' };
      assert.equal(json<Echo>(await request(plain.port, { headers })).headers.host, `127.0.0.1:${upstream.port}`);
      assert.equal(json<Echo>(await request(preserving.port, { headers })).headers.host, 'api.example');
    } finally {
      await plain.close();
      await preserving.close();
    }
  });

  test('onResponseHeaders may change the response headers; onDone reports status and upstream time', async () => {
    const seen: number[] = [];
    const gateway = await startGateway(
      { url: `http://127.0.0.1:${upstream.port}` },
      {
        onResponseHeaders(status, headers) {
          seen.push(status);
          headers['x-policy'] = 'applied';
          delete headers['content-type'];
        },
      },
    );
    try {
      const done = gateway.nextOutcome();
      const reply = await request(gateway.port, { path: '/a' });
      assert.deepEqual(seen, [200]);
      assert.equal(reply.headers['x-policy'], 'applied');
      assert.equal(reply.headers['content-type'], undefined);
      const outcome = await done;
      assert.equal(outcome.status, 200);
      assert.equal(outcome.error, undefined);
      assert.ok(typeof outcome.upstreamMs === 'number' && outcome.upstreamMs >= 0);
    } finally {
      await gateway.close();
    }
  });

  test('a response hook that throws gives a 500 problem, not a crash', async () => {
    const gateway = await startGateway(
      { url: `http://127.0.0.1:${upstream.port}` },
      {
        onResponseHeaders() {
          throw new Error('policy bug');
        },
      },
    );
    try {
      const reply = await request(gateway.port);
      assert.equal(reply.status, 500);
      assert.match(json<{ detail: string }>(reply).detail, /policy bug/);
    } finally {
      await gateway.close();
    }
  });

  test('reuses upstream connections (keep-alive agent)', async () => {
    const sockets = new Set<unknown>();
    const counting = await startUpstream((req, res) => {
      sockets.add(req.socket);
      res.end('x');
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${counting.port}` });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await request(gateway.port)).status, 200);
      assert.equal(sockets.size, 1);
    } finally {
      await gateway.close();
      await counting.close();
    }
  });

  test('rejects bad upstream configs when created', () => {
    assert.throws(() => createUpstream({ name: 'u', url: 'ftp://x', timeoutMs: 1 }), /http: or https:/);
    assert.throws(() => createUpstream({ name: 'u', url: 'http://user:pw@x', timeoutMs: 1 }), /credentials/);
    assert.throws(() => createUpstream({ name: 'u', url: 'http://x/?q=1', timeoutMs: 1 }), /query/);
    assert.throws(() => createUpstream({ name: 'u', url: 'http://x', timeoutMs: 0 }), /timeoutMs/);
    assert.throws(() => createUpstream({ name: 'u', url: 'not a url', timeoutMs: 1 }), /invalid url/);
  });
});
