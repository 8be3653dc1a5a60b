import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '../contract/index.js';
import { createApi } from '../../renderer/api/client.js';
import { httpTransport, LARGE_ANSWER_BYTES, type EventSourceConstructor } from '../../renderer/api/http-transport.js';
import { ipcTransport } from '../../renderer/api/ipc-transport.js';
import { startHttpHost } from './http.js';
import { createDispatcher } from './rpc.js';
import { fakeHandlers } from './test-support/handlers.js';

/** Node 20 has no EventSource: a small one over fetch, enough for the transport (named events, close). */
function nodeEventSource(token: string): EventSourceConstructor {
  return class {
    private readonly listeners = new Map<string, ((event: { data: string }) => void)[]>();
    private readonly abort = new AbortController();
    constructor(url: string) {
      void fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: this.abort.signal })
        .then(async (response) => {
          const decoder = new TextDecoder();
          let buffer = '';
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            buffer += decoder.decode(chunk, { stream: true });
            let end;
            while ((end = buffer.indexOf('\n\n')) !== -1) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const name = /^event: (.*)$/m.exec(block)?.[1];
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (name && data !== undefined) for (const listener of this.listeners.get(name) ?? []) listener({ data });
            }
          }
        })
        .catch(() => undefined);
    }
    addEventListener(type: string, listener: (event: { data: string }) => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    close() {
      this.abort.abort();
    }
  };
}

test('createApi over the HTTP transport, against a real host', async () => {
  const dispatcher = createDispatcher(fakeHandlers(), { logError: () => undefined });
  const host = await startHttpHost({ dispatcher });
  try {
    const api = createApi(httpTransport({ baseUrl: host.origin, token: host.token, EventSource: nodeEventSource(host.token) }));
    assert.deepEqual(await api.call('files.read', { path: 'a.yaml' }), { path: 'a.yaml', text: 'text of a.yaml', version: 'v1' });
    assert.deepEqual(await api.call('gateway.status', {}), { state: 'stopped', problems: [] });
    await assert.rejects(api.call('files.read', { path: 'missing.yaml' }), (e: RpcError) => e instanceof RpcError && e.code === 'not_found');
    await assert.rejects(api.call('files.read', { path: '../x' }), (e: RpcError) => e.code === 'bad_request');

    const seen: string[][] = [];
    const stop = api.subscribe('files.changed', (payload) => seen.push(payload.paths));
    const statuses: string[] = [];
    const stopStatus = api.subscribe('gateway.changed', (payload) => statuses.push(payload.state));
    // The stream is open once the host has a subscriber.
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      dispatcher.emit('files.changed', { paths: ['openapi.yaml'] });
      await new Promise((r) => setTimeout(r, 20));
    }
    dispatcher.emit('gateway.changed', { state: 'running', problems: [] });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen[0], ['openapi.yaml']);
    assert.deepEqual(statuses, ['running']);
    stop();
    stopStatus();

    // Without the token, the host's refusal arrives as a forbidden RpcError.
    const anonymous = createApi(httpTransport({ baseUrl: host.origin }));
    await assert.rejects(anonymous.call('gateway.status', {}), (e: RpcError) => e.code === 'forbidden');
    // An engine that is gone: an internal error, not a crash.
    const gone = createApi(httpTransport({ baseUrl: 'http://127.0.0.1:1', token: 'x' }));
    await assert.rejects(gone.call('gateway.status', {}), (e: RpcError) => e.code === 'internal' && /cannot reach/.test(e.message));
  } finally {
    await host.close();
  }
});

test('the HTTP transport hands large answers to parseLarge as bytes, and small ones not', async () => {
  const dispatcher = createDispatcher(fakeHandlers(), { logError: () => undefined });
  const host = await startHttpHost({ dispatcher });
  try {
    const sizes: number[] = [];
    const parseLarge = async (bytes: ArrayBuffer) => {
      sizes.push(bytes.byteLength);
      return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    };
    const api = createApi(httpTransport({ baseUrl: host.origin, token: host.token, parseLarge }));
    const large = await api.call('files.read', { path: 'large.yaml' });
    assert.equal(large.text, 'é'.repeat(600_000));
    assert.equal(sizes.length, 1);
    assert.ok(sizes[0]! >= LARGE_ANSWER_BYTES, `${sizes[0]} bytes`);
    assert.equal((await api.call('files.read', { path: 'a.yaml' })).text, 'text of a.yaml');
    assert.equal(sizes.length, 1, 'a small answer is parsed where it arrives');

    const failing = createApi(httpTransport({ baseUrl: host.origin, token: host.token, parseLarge: () => Promise.reject(new Error('worker gone')) }));
    await assert.rejects(failing.call('files.read', { path: 'large.yaml' }), (e: RpcError) => e.code === 'internal' && /unexpected answer/.test(e.message));
  } finally {
    await host.close();
  }
});

test('createApi over the IPC transport (the preload bridge)', async () => {
  const dispatcher = createDispatcher(fakeHandlers(), { logError: () => undefined });
  const api = createApi(ipcTransport({ call: (method, params) => dispatcher.dispatch(method, params), subscribe: (listener) => dispatcher.subscribe(listener) }));
  assert.equal((await api.call('files.write', { path: 'a.yaml', text: '' })).version, 'v2');
  const seen: number[][] = [];
  const stop = api.subscribe('traffic.appended', (payload) => seen.push(payload.ids));
  dispatcher.emit('traffic.appended', { ids: [1, 2] });
  stop();
  dispatcher.emit('traffic.appended', { ids: [3] });
  assert.deepEqual(seen, [[1, 2]]);
  const broken = createApi(ipcTransport({ call: () => Promise.reject(new Error('ipc down')), subscribe: () => () => undefined }));
  await assert.rejects(broken.call('gateway.status', {}), (e: RpcError) => e.code === 'internal' && /ipc down/.test(e.message));
});
