import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchEncoder, decodeBatch, encodeBatch } from './batch.js';
import type { Exchange } from './exchange.js';
import { createRedactor, REDACTED } from './redact.js';
import { sampleExchange } from './test-support/sample-exchange.js';

/** What an exchange reads as after the spool: Buffers compared by content. */
const plain = (e: Exchange) => JSON.parse(JSON.stringify(e)) as unknown;

/** A batch's text as the spool's reader gives it back. */
const asText = ({ text, bodies }: { text: Uint8Array; bodies: Uint8Array }) => ({ json: Buffer.from(text).toString('utf8'), bodies });

describe('spool batches', () => {
  it('decode to the exchanges that were encoded, every field and body included', () => {
    const full: Exchange = {
      ...sampleExchange(5),
      url: '/pets/5', // normalised, unlike rawUrl
      durationMs: 12.345,
      upstreamMs: 10.5,
      gatewayMs: 1.845,
      policy: { id: 'rate-limit', name: 'limit', reason: 'rate-limit: over 100 per 1m' },
      policyTimings: [{ id: 'rate-limit', name: 'limit', ms: 0.012 }],
      requestBody: { bytes: Buffer.from('{"cut'), size: 70_000, sha256: 'ab'.repeat(32) },
      error: 'the connection closed before the response was complete',
      origin: 'replay of #12',
    };
    const minimal: Exchange = {
      startedAt: 1,
      method: 'GET',
      rawUrl: '/nowhere',
      url: '/nowhere',
      mode: 'unroutable',
      status: 404,
      durationMs: 0.2,
      gatewayMs: 0.2,
      clientAddress: '127.0.0.1',
      requestHeaders: ['Host', 'x'],
      responseHeaders: { 'content-type': 'application/problem+json' },
    };
    const { json, bodies } = asText(encodeBatch([full, minimal, sampleExchange(6)]));
    const decoded = decodeBatch(json, bodies);
    assert.deepEqual(decoded.map(plain), [full, minimal, sampleExchange(6)].map(plain));
    assert.equal(decoded[0]!.requestBody!.bytes.toString(), '{"cut');
  });

  it('keep durations to the microsecond', () => {
    const { json, bodies } = asText(encodeBatch([{ ...sampleExchange(1), durationMs: 1.23456789, gatewayMs: 0.0004 }]));
    const [decoded] = decodeBatch(json, bodies);
    assert.equal(decoded!.durationMs, 1.235);
    assert.equal(decoded!.gatewayMs, 0);
  });

  it('redact headers, header objects and query secrets before encoding, and leave the exchange untouched', () => {
    const exchange: Exchange = {
      ...sampleExchange(2),
      rawUrl: '/pets?api_key=s3cret&limit=1',
      url: '/pets?api_key=s3cret&limit=1',
      responseHeaders: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] },
    };
    const { json, bodies } = asText(encodeBatch([exchange], createRedactor()));
    assert.doesNotMatch(json, /s3cret|abc123|eyJhbGci|a=1/);
    const [decoded] = decodeBatch(json, bodies);
    assert.equal(decoded!.rawUrl, `/pets?api_key=${REDACTED}&limit=1`);
    assert.deepEqual(decoded!.responseHeaders, ['content-type', 'application/json', 'set-cookie', REDACTED, 'set-cookie', REDACTED]);
    assert.equal(exchange.rawUrl, '/pets?api_key=s3cret&limit=1');
  });

  it('redact request and response headers, url and rawUrl, with names the design adds, and nothing else', () => {
    const exchange = sampleExchange(1, {
      rawUrl: '/pets/1?api_key=abc&x=1',
      url: '/pets/1?api_key=abc&x=1',
      responseHeaders: ['Set-Cookie', 'sid=1', 'Content-Type', 'application/json'],
    });
    const { json, bodies } = asText(encodeBatch([exchange], createRedactor({ headers: ['x-request-id'] })));
    const [redacted] = decodeBatch(json, bodies);
    assert.equal(redacted!.url, `/pets/1?api_key=${REDACTED}&x=1`);
    assert.equal(redacted!.rawUrl, `/pets/1?api_key=${REDACTED}&x=1`);
    assert.deepEqual(redacted!.responseHeaders, ['Set-Cookie', REDACTED, 'Content-Type', 'application/json']);
    const requestHeaders = redacted!.requestHeaders;
    for (const name of ['Authorization', 'Cookie', 'X-Request-Id']) {
      assert.equal(requestHeaders[requestHeaders.indexOf(name) + 1], REDACTED, name);
    }
    assert.equal(requestHeaders[requestHeaders.indexOf('Accept') + 1], 'application/json');
    const rest = (e: Exchange) => plain({ ...e, url: '', rawUrl: '', requestHeaders: [], responseHeaders: [] });
    assert.deepEqual(rest(redacted!), rest(exchange));
  });

  it('still decode batches spooled as objects by earlier versions', () => {
    const old = { ...sampleExchange(3), responseBody: { bytes: [0, 4], size: 4 } };
    const [decoded] = decodeBatch(JSON.stringify([old]), Buffer.from('{"a"'));
    assert.equal(decoded!.rawUrl, sampleExchange(3).rawUrl);
    assert.equal(decoded!.responseBody!.bytes.toString(), '{"a"');
  });

  it('build one batch after another with one encoder, each with its own bodies, small and large', () => {
    const encoder = new BatchEncoder();
    const body = (text: string) => ({ bytes: Buffer.from(text), size: text.length });
    const large = 'L'.repeat(200_000); // past the first bodies buffer: it grows, and is let go after the batch
    const batches = [
      [sampleExchange(1, { responseBody: body('first') }), sampleExchange(2, { requestBody: body('second'), responseBody: body(large) })],
      [sampleExchange(3, { responseBody: body('third') })],
      [],
    ];
    for (const exchanges of batches) {
      for (const e of exchanges) encoder.add(e);
      assert.equal(encoder.length, exchanges.length);
      const { json, bodies } = asText(encoder.take());
      // Decoded before the next batch is added: its bodies are a view of the buffer the next batch reuses.
      const decoded = decodeBatch(json, Buffer.from(bodies));
      assert.deepEqual(decoded.map(plain), exchanges.map(plain));
      assert.equal(encoder.length, 0);
    }
  });

  it('build batches whose text outgrows its buffer, with characters of every UTF-8 length, one after another', () => {
    const encoder = new BatchEncoder();
    const huge = 'ü✓𝄞'.repeat(400_000); // 3.6 MB of UTF-8 in one header value: past the first buffer and the kept size
    const batches = [
      [sampleExchange(1, { rawUrl: '/pets?q=é' }), sampleExchange(2, { requestHeaders: ['X-Note', huge] })],
      [sampleExchange(3, { requestHeaders: ['X-Note', 'ü✓𝄞'] })],
      [],
      Array.from({ length: 2_000 }, (_, i) => sampleExchange(10 + i)),
    ];
    for (const exchanges of batches) {
      for (const e of exchanges) encoder.add(e);
      const { json, bodies } = asText(encoder.take());
      assert.deepEqual(decodeBatch(json, bodies).map(plain), exchanges.map(plain));
    }
  });

  it('leave the batch as it was when an exchange cannot be encoded', () => {
    const encoder = new BatchEncoder();
    const kept = sampleExchange(1, { responseBody: { bytes: Buffer.from('kept'), size: 4 } });
    encoder.add(kept);
    const broken = sampleExchange(2, { responseBody: { bytes: Buffer.from('lost'), size: 4 }, policyTimings: [{ id: 'x', ms: 1n as unknown as number }] });
    assert.throws(() => encoder.add(broken), /BigInt/);
    const { json, bodies } = asText(encoder.take());
    assert.equal(bodies.length, 4, 'the broken exchange left no body bytes behind');
    assert.deepEqual(decodeBatch(json, bodies).map(plain), [plain(kept)]);
  });
});
