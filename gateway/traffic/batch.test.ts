import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Packr } from 'msgpackr';
import { BatchEncoder, decodeBatch, encodeBatch } from './batch.js';
import type { Exchange } from './exchange.js';
import { createRedactor, REDACTED } from './redact.js';
import { sampleExchange } from './test-support/sample-exchange.js';

/** What an exchange reads as after the spool: Buffers compared by content. */
const plain = (e: Exchange) => JSON.parse(JSON.stringify(e)) as unknown;

/** A batch's encoded exchanges as bytes to search: MessagePack keeps strings as plain UTF-8. */
const bytesOf = (records: Uint8Array) => Buffer.from(records).toString('latin1');

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
    const { records, bodies } = (encodeBatch([full, minimal, sampleExchange(6)]));
    const decoded = decodeBatch(records, bodies);
    // Header objects come back as header lists, as the log's writer stores them.
    const minimalAsLogged = { ...minimal, responseHeaders: ['content-type', 'application/problem+json'] };
    assert.deepEqual(decoded.map(plain), [full, minimalAsLogged, sampleExchange(6)].map(plain));
    assert.equal(decoded[0]!.requestBody!.bytes.toString(), '{"cut');
  });

  it('keep durations to the microsecond', () => {
    const { records, bodies } = (encodeBatch([{ ...sampleExchange(1), durationMs: 1.23456789, gatewayMs: 0.0004 }]));
    const [decoded] = decodeBatch(records, bodies);
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
    const { records, bodies } = (encodeBatch([exchange], createRedactor()));
    assert.doesNotMatch(bytesOf(records), /s3cret|abc123|eyJhbGci|a=1/);
    const [decoded] = decodeBatch(records, bodies);
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
    const { records, bodies } = (encodeBatch([exchange], createRedactor({ headers: ['x-request-id'] })));
    const [redacted] = decodeBatch(records, bodies);
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

  it('give a wire head back as the headers it holds, a secret among them redacted before encoding', () => {
    const head = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nSet-Cookie: sid=s3cret\r\nDate: Fri, 27 Nov 2026 05:00:00 GMT\r\nConnection: keep-alive\r\n\r\n';
    const plainHead = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Colon: a: b\r\n\r\n';
    const { records, bodies } = encodeBatch([sampleExchange(1, { responseHeaders: head }), sampleExchange(2, { responseHeaders: plainHead })], createRedactor());
    assert.doesNotMatch(bytesOf(records), /s3cret/);
    const [secret, plain] = decodeBatch(records, bodies);
    assert.deepEqual(secret!.responseHeaders, ['Content-Type', 'application/json', 'Set-Cookie', REDACTED, 'Date', 'Fri, 27 Nov 2026 05:00:00 GMT', 'Connection', 'keep-alive']);
    assert.deepEqual(plain!.responseHeaders, ['Content-Length', '2', 'X-Colon', 'a: b']);
  });

  it('keep every header name and value of a header object: repeated, numeric, and names such as __proto__', () => {
    const responseHeaders = JSON.parse('{"__proto__":"x","content-length":12,"set-cookie":["a=1","b=2"],"gone":null}') as Record<string, unknown>;
    responseHeaders.gone = undefined;
    const { records, bodies } = encodeBatch([sampleExchange(1, { responseHeaders: responseHeaders as Exchange['responseHeaders'] })]);
    const [decoded] = decodeBatch(records, bodies);
    assert.deepEqual(decoded!.responseHeaders, ['__proto__', 'x', 'content-length', '12', 'set-cookie', 'a=1', 'set-cookie', 'b=2']);
  });

  it('still decode batches spooled as JSON by earlier versions: positional records and objects', () => {
    const old = { ...sampleExchange(3), responseBody: { bytes: [0, 4], size: 4 } };
    const [decoded] = decodeBatch(Buffer.from(JSON.stringify([old])), Buffer.from('{"a"'));
    assert.equal(decoded!.rawUrl, sampleExchange(3).rawUrl);
    assert.equal(decoded!.responseBody!.bytes.toString(), '{"a"');
    const positional = [1735689600003, 'GET', '/pets/3?x=1', null, '/pets/{id}', 'getPet', 'proxy', 200, 3250, 2500, 750, '127.0.0.1', null, 'petstore',
      { id: 'cache', reason: 'hit' }, [{ id: 'cache', ms: 0.01 }], ['Host', 'a'], { 'content-type': 'text/plain' }, null, [0, 4, 4], null, null];
    const [fromPositional] = decodeBatch(Buffer.from(JSON.stringify([positional])), Buffer.from('body'));
    assert.deepEqual(plain(fromPositional!), {
      startedAt: 1735689600003, method: 'GET', rawUrl: '/pets/3?x=1', url: '/pets/3?x=1', route: '/pets/{id}', operationId: 'getPet', mode: 'proxy',
      status: 200, durationMs: 3.25, upstreamMs: 2.5, gatewayMs: 0.75, clientAddress: '127.0.0.1', upstream: 'petstore',
      policy: { id: 'cache', reason: 'hit' }, policyTimings: [{ id: 'cache', ms: 0.01 }], requestHeaders: ['Host', 'a'],
      responseHeaders: { 'content-type': 'text/plain' }, responseBody: plain({ bytes: Buffer.from('body'), size: 4 } as never),
    });
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
      const { records, bodies } = (encoder.take());
      // Decoded before the next batch is added: its bodies are a view of the buffer the next batch reuses.
      const decoded = decodeBatch(records, Buffer.from(bodies));
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
      const { records, bodies } = (encoder.take());
      assert.deepEqual(decodeBatch(records, bodies).map(plain), exchanges.map(plain));
    }
  });

  it('refuse to decode a batch whose records hold fields of the wrong type, rather than write them', () => {
    // The record array as another MessagePack writer would give it, with a BigInt timing the database would refuse.
    const wrong = new Packr({ useRecords: false }).pack([Date.now(), 'GET', '/', null, null, null, 'mock', 200, 1, null, 1, '127.0.0.1', null, null, null, [{ id: 'x', ms: 1n }], [], [], null, null, null, null]);
    assert.throws(() => decodeBatch(wrong, Buffer.alloc(0)), /damaged/);
    const cut = encodeBatch([sampleExchange(1)]);
    assert.throws(() => decodeBatch(cut.records.subarray(0, cut.records.length - 3), cut.bodies));
  });

  it('encode the exchanges of a turn after one another, each on its own, and decode them all in order', () => {
    const encoder = new BatchEncoder();
    const body = (text: string) => ({ bytes: Buffer.from(text), size: text.length });
    const turn = [sampleExchange(2, { responseBody: body('two') }), sampleExchange(3), sampleExchange(4, { requestBody: body('four') })];
    encoder.add(sampleExchange(1, { responseBody: body('one') }));
    encoder.addAll(turn, undefined, () => assert.fail('nothing fails'));
    encoder.addAll([], undefined, () => assert.fail('nothing to add'));
    encoder.add(sampleExchange(5));
    assert.equal(encoder.length, 5);
    const { records, bodies } = encoder.take();
    assert.deepEqual(decodeBatch(records, bodies).map(plain), [sampleExchange(1, { responseBody: body('one') }), ...turn, sampleExchange(5)].map(plain));
  });

  it('leave out only the exchange of a turn that cannot be encoded', () => {
    const encoder = new BatchEncoder();
    const kept = [sampleExchange(1, { responseBody: { bytes: Buffer.from('kept'), size: 4 } }), sampleExchange(3)];
    const broken = sampleExchange(2, { responseBody: { bytes: Buffer.from('lost'), size: 4 }, policyTimings: [{ id: 'x', ms: 2n ** 70n as unknown as number }] });
    const failures: unknown[] = [];
    encoder.addAll([kept[0]!, broken, kept[1]!], undefined, (error) => failures.push(error));
    assert.equal(failures.length, 1);
    assert.match(String(failures[0]), /not a number: bigint/);
    assert.equal(encoder.length, 2);
    const { records, bodies } = encoder.take();
    const keptBytes = kept.reduce((sum, e) => sum + (e.requestBody?.bytes.length ?? 0) + (e.responseBody?.bytes.length ?? 0), 0);
    assert.equal(bodies.length, keptBytes, 'the broken exchange left no body bytes behind');
    assert.deepEqual(decodeBatch(records, bodies).map(plain), kept.map(plain));
  });

  it('leave the batch as it was when an exchange cannot be encoded', () => {
    const encoder = new BatchEncoder();
    const kept = sampleExchange(1, { responseBody: { bytes: Buffer.from('kept'), size: 4 } });
    encoder.add(kept);
    const broken = sampleExchange(2, { responseBody: { bytes: Buffer.from('lost'), size: 4 }, policyTimings: [{ id: 'x', ms: 2n ** 70n as unknown as number }] });
    assert.throws(() => encoder.add(broken), /not a number: bigint/);
    const { records, bodies } = (encoder.take());
    assert.equal(bodies.length, 4, 'the broken exchange left no body bytes behind');
    assert.deepEqual(decodeBatch(records, bodies).map(plain), [plain(kept)]);
  });
});
