import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { closeServer, deadPort, listen, startGateway } from './test-support/harness.js';

// `ws` is not a dependency: a minimal WebSocket (RFC 6455) handshake and single-frame text messages, by hand.
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const accept = (key: string): string => createHash('sha1').update(key + GUID).digest('base64');

/** A text frame with a payload under 126 bytes, masked as a client must. */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** Parses complete single-frame text messages (short payloads), masked or not; returns them and the rest. */
function readFrames(buffer: Buffer): { texts: string[]; rest: Buffer } {
  const texts: string[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const masked = ((buffer[offset + 1] ?? 0) & 0x80) !== 0;
    const length = (buffer[offset + 1] ?? 0) & 0x7f;
    const size = 2 + (masked ? 4 : 0) + length;
    if (buffer.length - offset < size) break;
    const payload = buffer.subarray(offset + size - length, offset + size);
    const mask = masked ? buffer.subarray(offset + 2, offset + 6) : undefined;
    texts.push(Buffer.from(payload.map((byte, i) => (mask ? byte ^ (mask[i % 4] ?? 0) : byte))).toString());
    offset += size;
  }
  return { texts, rest: buffer.subarray(offset) };
}

interface Seen {
  url?: string;
  headers?: IncomingHttpHeaders;
  socket?: Duplex;
}

/** Upstream: answers the handshake and echoes every text message upper-cased. */
function echoUpgrade(seen: Seen) {
  return (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    seen.url = req.url;
    seen.headers = req.headers;
    seen.socket = socket;
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept(String(req.headers['sec-websocket-key']))}\r\n\r\n`,
    );
    let pending = head;
    const onData = (chunk: Buffer): void => {
      const { texts, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const text of texts) {
        const payload = Buffer.from(text.toUpperCase());
        socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
      }
    };
    onData(Buffer.alloc(0));
    socket.on('data', onData);
    socket.on('end', () => socket.end()); // the client closed: so do we
    socket.on('error', () => {});
  };
}

interface Client {
  socket: net.Socket;
  /** The handshake response head. */
  head: Promise<string>;
  /** Resolves with the next text message. */
  message(): Promise<string>;
  /** Everything received until the connection closed. */
  closed: Promise<string>;
}

/** Opens a raw WebSocket client; `firstMessage` goes in the same write as the handshake (it reaches the server as `head`). */
function connect(port: number, path: string, extraHeaders = '', firstMessage?: string): Client {
  const key = randomBytes(16).toString('base64');
  const socket = net.connect(port, '127.0.0.1');
  const handshake =
    `GET ${path} HTTP/1.1\r\nHost: chat.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`;
  socket.write(firstMessage === undefined ? Buffer.from(handshake) : Buffer.concat([Buffer.from(handshake), clientFrame(firstMessage)]));
  let all: Buffer = Buffer.alloc(0);
  let frames: Buffer = Buffer.alloc(0);
  let headDone = false;
  const texts: string[] = [];
  let waiting: ((text: string) => void) | undefined;
  let resolveHead: (head: string) => void = () => {};
  const head = new Promise<string>((resolve) => (resolveHead = resolve));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(all.toString('latin1'))));
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    all = Buffer.concat([all, chunk]);
    if (!headDone) {
      const end = all.indexOf('\r\n\r\n');
      if (end === -1) return;
      headDone = true;
      const text = all.subarray(0, end).toString('latin1');
      resolveHead(text);
      if (!text.startsWith('HTTP/1.1 101')) return;
      assert.match(text, new RegExp(`sec-websocket-accept: ${accept(key).replace(/[+/]/g, '\\$&')}`, 'i'));
      frames = all.subarray(end + 4);
    } else {
      frames = Buffer.concat([frames, chunk]);
    }
    const { texts: got, rest } = readFrames(frames);
    frames = rest;
    texts.push(...got);
    while (waiting && texts.length > 0) {
      const resolve = waiting;
      waiting = undefined;
      resolve(texts.shift() as string);
    }
  });
  return {
    socket,
    head,
    closed,
    message: () => (texts.length > 0 ? Promise.resolve(texts.shift() as string) : new Promise((resolve) => (waiting = resolve))),
  };
}

describe('forwardUpgrade: WebSockets', () => {
  let upstream: http.Server;
  let port: number;
  const seen: Seen = {};
  before(async () => {
    upstream = http.createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/plain' }); // chunked: no length
      res.end('no websockets for you');
    });
    upstream.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      if (req.url?.startsWith('/base/refuse')) {
        socket.end('HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n7\r\ngo away\r\n0\r\n\r\n');
        return;
      }
      echoUpgrade(seen)(req, socket, head);
    });
    port = await listen(upstream);
  });
  after(() => closeServer(upstream));

  test('tunnels messages both ways, with the first message in the handshake packet; headers are ours', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${port}/base` });
    try {
      const done = gateway.nextOutcome();
      const client = connect(gateway.port, '/chat?room=1', 'X-Forwarded-For: 6.6.6.6\r\nProxy-Authorization: x\r\n', 'hello');
      assert.match(await client.head, /^HTTP\/1\.1 101 /);
      assert.equal(await client.message(), 'HELLO');
      client.socket.write(clientFrame('second'));
      assert.equal(await client.message(), 'SECOND');
      assert.equal(seen.url, '/base/chat?room=1');
      assert.equal(seen.headers?.upgrade, 'websocket');
      assert.equal(seen.headers?.connection, 'Upgrade');
      assert.equal(seen.headers?.host, `127.0.0.1:${port}`);
      assert.equal(seen.headers?.['x-forwarded-for'], '127.0.0.1');
      assert.equal(seen.headers?.['x-forwarded-host'], 'chat.example');
      assert.equal(seen.headers?.['proxy-authorization'], undefined);
      client.socket.end();
      await client.closed;
      const outcome = await done;
      assert.equal(outcome.status, 101);
    } finally {
      await gateway.close();
    }
  });

  test('an upstream that declines the upgrade: its answer reaches the client, well framed', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${port}/base` });
    try {
      const client = connect(gateway.port, '/refuse');
      const all = await client.closed;
      assert.match(all, /^HTTP\/1\.1 403 Forbidden\r\n/);
      assert.doesNotMatch(all, /transfer-encoding/i);
      assert.match(all, /connection: close/i);
      assert.ok(all.endsWith('\r\n\r\ngo away'), JSON.stringify(all));
    } finally {
      await gateway.close();
    }
  });

  test('upstream not listening: a 502 problem on the raw socket', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${await deadPort()}` });
    try {
      const done = gateway.nextOutcome();
      const all = await connect(gateway.port, '/chat').closed;
      assert.match(all, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
      assert.match(all, /content-type: application\/problem\+json/i);
      assert.match(all, /refused the connection \(ECONNREFUSED\)/);
      assert.equal((await done).status, 502);
    } finally {
      await gateway.close();
    }
  });

  test('an upstream that never answers the handshake: 504', async () => {
    const silent = net.createServer((socket) => socket.resume()); // reads, never answers
    const silentPort = await listen(silent);
    const gateway = await startGateway({ url: `http://127.0.0.1:${silentPort}`, timeoutMs: 200 });
    try {
      const all = await connect(gateway.port, '/chat').closed;
      assert.match(all, /^HTTP\/1\.1 504 Gateway Timeout\r\n/);
    } finally {
      await gateway.close();
      await closeServer(silent);
    }
  });

  test('a non-WebSocket upgrade gets a 400', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${port}` });
    try {
      const socket = net.connect(gateway.port, '127.0.0.1');
      socket.write('GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      await new Promise((resolve) => socket.on('close', resolve));
      assert.match(Buffer.concat(chunks).toString(), /^HTTP\/1\.1 400 Bad Request\r\n/);
    } finally {
      await gateway.close();
    }
  });

  test('when the upstream drops the tunnel, the client connection ends too', async () => {
    const gateway = await startGateway({ url: `http://127.0.0.1:${port}/base` });
    try {
      const client = connect(gateway.port, '/chat');
      await client.head;
      client.socket.write(clientFrame('ping'));
      assert.equal(await client.message(), 'PING');
      seen.socket?.destroy();
      await client.closed;
    } finally {
      await gateway.close();
    }
  });
});
