import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { closeServer, deadPort, json, listen, request, startGateway, startUpstream } from './test-support/harness.js';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  upstream: string;
  code: string;
}

/** Resolves when the response ends or fails; tells which. */
function readUntilEnd(port: number, path = '/'): Promise<{ status: number; received: number; ended: 'complete' | 'cut' }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let received = 0;
      let settled = false;
      const settle = (ended: 'complete' | 'cut'): void => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, received, ended });
      };
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => settle(res.complete ? 'complete' : 'cut'));
      res.on('error', () => settle('cut'));
      res.on('close', () => settle(res.complete ? 'complete' : 'cut'));
    });
    req.on('error', () => resolve({ status: 0, received: 0, ended: 'cut' }));
  });
}

describe('forward: failures', () => {
  test('upstream not listening: 502 problem+json naming the upstream', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${await deadPort()}` });
    try {
      const done = gateway.nextOutcome();
      const reply = await request(gateway.port, { path: '/pets' });
      assert.equal(reply.status, 502);
      assert.equal(reply.headers['content-type'], 'application/problem+json');
      const problem = json<ProblemBody>(reply);
      assert.deepEqual(
        { ...problem },
        {
          type: 'about:blank',
          title: 'Bad Gateway',
          status: 502,
          detail: 'upstream petstore refused the connection (ECONNREFUSED)',
          upstream: 'petstore',
          code: 'ECONNREFUSED',
        },
      );
      const outcome = await done;
      assert.equal(outcome.status, 502);
      assert.match(outcome.error ?? '', /ECONNREFUSED/);
    } finally {
      await gateway.close();
    }
  });

  test('upstream that never answers: 504 once timeoutMs has passed', async () => {
    const upstream = await startUpstream(() => {
      /* never answers */
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}`, timeoutMs: 300 });
    try {
      const started = performance.now();
      const reply = await request(gateway.port);
      const elapsed = performance.now() - started;
      assert.equal(reply.status, 504);
      const problem = json<ProblemBody>(reply);
      assert.equal(problem.title, 'Gateway Timeout');
      assert.equal(problem.detail, 'upstream petstore did not respond within 300 ms');
      assert.ok(elapsed >= 290 && elapsed < 1500, `answered after ${elapsed} ms`);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  test('timeoutMs is also an idle limit while the body streams: the client connection is cut', async () => {
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part;');
      // then silence
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}`, timeoutMs: 300 });
    try {
      const done = gateway.nextOutcome();
      const result = await readUntilEnd(gateway.port);
      assert.equal(result.status, 200);
      assert.equal(result.received, 'first part;'.length);
      assert.equal(result.ended, 'cut');
      const outcome = await done;
      assert.equal(outcome.status, 200);
      assert.match(outcome.error ?? '', /did not respond within 300 ms/);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  test('upstream that resets mid-body: the client sees the connection end, never a problem; the gateway stays up', async () => {
    const upstream = await startUpstream((req, res) => {
      if (req.url === '/reset') {
        res.writeHead(200, { 'content-length': '1000000' });
        res.write(Buffer.alloc(10_000, 97), () => (req.socket as net.Socket).resetAndDestroy());
        return;
      }
      res.end('still here');
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      const result = await readUntilEnd(gateway.port, '/reset');
      assert.equal(result.status, 200);
      assert.equal(result.ended, 'cut');
      assert.ok(result.received <= 10_000);
      const after = await request(gateway.port, { path: '/fine' });
      assert.equal(after.status, 200);
      assert.equal(after.body.toString(), 'still here');
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  test('upstream that resets before answering: 502', async () => {
    const upstream = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const port = await listen(upstream);
    const gateway = await startGateway({ url: `http://127.0.0.1:${port}` });
    try {
      const reply = await request(gateway.port);
      assert.equal(reply.status, 502);
      assert.match(json<ProblemBody>(reply).detail, /closed the connection unexpectedly \(ECONNRESET\)/);
    } finally {
      await gateway.close();
      await closeServer(upstream);
    }
  });

  test('upstream that sends garbage: 502 invalid response', async () => {
    const upstream = net.createServer((socket) => socket.once('data', () => socket.end('NOT HTTP AT ALL\r\n\r\n')));
    const port = await listen(upstream);
    const gateway = await startGateway({ url: `http://127.0.0.1:${port}` });
    try {
      const reply = await request(gateway.port);
      assert.equal(reply.status, 502);
      assert.match(json<ProblemBody>(reply).detail, /sent an invalid response/);
    } finally {
      await gateway.close();
      await closeServer(upstream);
    }
  });

  test('a client that aborts mid-request body aborts the upstream request', async () => {
    let upstreamSaw: (how: string) => void = () => {};
    const upstreamClosed = new Promise<string>((resolve) => (upstreamSaw = resolve));
    const upstream = await startUpstream((req) => {
      req.on('data', () => {});
      req.on('close', () => upstreamSaw(req.complete ? 'complete' : 'aborted'));
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      const done = gateway.nextOutcome();
      const client = http.request({ host: '127.0.0.1', port: gateway.port, method: 'POST', agent: false, headers: { 'content-length': '1000000' } });
      client.on('error', () => {});
      client.write(Buffer.alloc(1000));
      setTimeout(() => client.destroy(), 100);
      assert.equal(await upstreamClosed, 'aborted');
      const outcome = await done;
      assert.equal(outcome.status, 499);
      assert.match(outcome.error ?? '', /client closed/);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  test('a client that leaves while waiting for the response aborts the upstream request', async () => {
    let upstreamSaw: () => void = () => {};
    const upstreamClosed = new Promise<void>((resolve) => (upstreamSaw = resolve));
    const upstream = await startUpstream((_req, res) => {
      res.on('close', () => upstreamSaw()); // never answered; closes when the gateway drops the connection
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}`, timeoutMs: 60_000 });
    try {
      const done = gateway.nextOutcome();
      const client = http.get({ host: '127.0.0.1', port: gateway.port, agent: false });
      client.on('error', () => {});
      setTimeout(() => client.destroy(), 100);
      await upstreamClosed;
      const outcome = await done;
      assert.equal(outcome.status, 499);
      assert.match(outcome.error ?? '', /client closed/);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  test('a failure during a large upload answers 502 and closes the connection', async () => {
    const upstream = await startUpstream((req, res) => {
      if (req.method === 'GET') res.end('ok');
      else req.once('data', () => (req.socket as net.Socket).resetAndDestroy());
    });
    const gateway = await startGateway({ url: `http://127.0.0.1:${upstream.port}` });
    try {
      let sent = 0;
      const body = new Readable({
        read() {
          sent += 65536;
          this.push(sent > 50 * 1024 * 1024 ? null : Buffer.alloc(65536));
        },
      });
      const reply = await request(gateway.port, { method: 'POST', body }).catch((error: Error) => error);
      // Either the problem arrives, or the client is cut while still sending: never a hang, never a crash.
      if (!(reply instanceof Error)) {
        assert.equal(reply.status, 502);
        assert.equal(reply.headers.connection, 'close');
      }
      assert.ok(sent < 50 * 1024 * 1024, 'the client was stopped before sending everything');
      assert.equal((await request(gateway.port)).status, 200); // the gateway is still up
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
