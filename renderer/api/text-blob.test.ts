import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { CallResult, PorticoBridge } from '../../gateway/contract/index.js';
import { createApi } from './client.ts';
import { httpTransport, LARGE_ANSWER_BYTES } from './http-transport.ts';
import { ipcTransport } from './ipc-transport.ts';
import { toTextBlob, withTextBlob, type TextBlob } from './text-blob.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

test('a text blob holds the UTF-8 of the text, and its digest is the SHA-256 of those bytes', async () => {
  const text = '{"info":{"title":"Caf\u00e9 \u2019s API \ud83d\ude92"}}';
  const { blob, digest } = await toTextBlob(text);
  assert.equal(await blob.text(), text);
  assert.equal(blob.size, Buffer.byteLength(text, 'utf8'));
  assert.equal(digest, sha256(text));
  assert.equal((await toTextBlob(text)).digest, digest, 'the same text, the same digest');
  assert.notEqual((await toTextBlob(text + ' ')).digest, digest);
});

test('withTextBlob replaces one text field of an answer, keeps null, and leaves failures alone', async () => {
  const lifted = await withTextBlob({ ok: true, value: { text: 'abc', problems: [1] } }, 'text');
  assert.ok(lifted.ok);
  const value = lifted.value as { text: TextBlob; problems: number[] };
  assert.deepEqual(value.problems, [1]);
  assert.equal(await value.text.blob.text(), 'abc');
  assert.equal(((await withTextBlob({ ok: true, value: { text: null } }, 'text')) as { value: { text: unknown } }).value.text, null);
  assert.equal(((await withTextBlob({ ok: true, value: {} }, 'text')) as { value: { text: unknown } }).value.text, null);
  const failure: CallResult = { ok: false, error: { code: 'conflict', message: 'no base' } };
  assert.equal(await withTextBlob(failure, 'text'), failure);
  await assert.rejects(withTextBlob({ ok: true, value: { text: 42 } }, 'text'), /not text/);
});

/** A fetch that answers every call with `value`, as the engine's host does (JSON, with its length). */
function fakeFetch(value: unknown) {
  const body = JSON.stringify({ ok: true, value });
  const bytes = new TextEncoder().encode(body);
  return async () => ({
    status: 200,
    headers: { get: (name: string) => (name === 'content-length' ? String(bytes.byteLength) : null) },
    text: async () => body,
    arrayBuffer: async () => bytes.buffer.slice(0) as ArrayBuffer,
  });
}

test('callWithBlob over HTTP: a small answer is lifted where it arrives, a large one by parseLarge', async () => {
  const answer = { document: null, problems: [], text: '{"openapi":"3.1.0"}', extension: { upstreams: {} } };
  const small = createApi(httpTransport({ fetch: fakeFetch(answer), parseLarge: () => Promise.reject(new Error('not for small answers')) }));
  const result = await small.callWithBlob('design.bundle', { as: 'text' }, 'text');
  assert.equal(await result.text!.blob.text(), answer.text);
  assert.equal(result.text!.digest, sha256(answer.text));
  assert.deepEqual(result.extension, answer.extension);
  // `call` still hands out the text.
  assert.equal((await small.call('design.bundle', { as: 'text' })).text, answer.text);

  const big = { ...answer, text: JSON.stringify({ openapi: '3.1.0', pad: 'x'.repeat(LARGE_ANSWER_BYTES) }) };
  const asked: (string | undefined)[] = [];
  const parseLarge = async (bytes: ArrayBuffer, blobField?: string) => {
    asked.push(blobField);
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as CallResult;
    return blobField ? withTextBlob(parsed, blobField) : parsed;
  };
  const large = createApi(httpTransport({ fetch: fakeFetch(big), parseLarge }));
  assert.equal((await large.callWithBlob('design.bundle', { as: 'text' }, 'text')).text!.digest, sha256(big.text));
  assert.equal((await large.call('design.bundle', { as: 'text' })).text, big.text);
  assert.deepEqual(asked, ['text', undefined]);
});

test('callWithBlob over IPC lifts the text of the bridge\'s answer, and passes failures on', async () => {
  let fail = false;
  const bridge: PorticoBridge = {
    call: async () => (fail ? { ok: false, error: { code: 'conflict', message: 'no base' } } : { ok: true, value: { document: null, problems: [], text: 'doc' } }),
    subscribe: () => () => undefined,
  };
  const api = createApi(ipcTransport(bridge));
  assert.equal(await (await api.callWithBlob('design.bundle', { as: 'text' }, 'text')).text!.blob.text(), 'doc');
  fail = true;
  await assert.rejects(api.callWithBlob('design.bundle', { as: 'text' }, 'text'), (e: Error & { code?: string }) => e.code === 'conflict');
});
