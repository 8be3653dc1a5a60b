import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallResult, EventMessage, MethodName } from '../gateway/contract/index.js';
import { CALL_CHANNEL, EVENT_CHANNEL, registerBridge, type FrameLike, type SenderLike } from './bridge.js';

function setup() {
  const handlers = new Map<string, (event: SenderLike, ...args: unknown[]) => unknown>();
  const ipcMain = { handle: (channel: string, h: never) => void handlers.set(channel, h), removeHandler: (channel: string) => void handlers.delete(channel) };
  const sent: Array<[string, unknown]> = [];
  const contents = { send: (channel: string, message: unknown) => void sent.push([channel, message]), isDestroyed: () => false };
  const calls: Array<[MethodName, unknown]> = [];
  let emit: (message: EventMessage) => void = () => undefined;
  const engine = {
    call: async (method: MethodName, params: unknown): Promise<CallResult> => (calls.push([method, params]), { ok: true, value: { relayed: method } }),
    onEvent: (listener: (message: EventMessage) => void) => ((emit = listener), () => (emit = () => undefined)),
  };
  const desktopCalls: unknown[][] = [];
  const unwire = registerBridge(ipcMain, contents, engine, { openFolder: (...args) => (desktopCalls.push(args), '/chosen') });
  const top: FrameLike = { url: 'portico://app/index.html', parent: null };
  const ours: SenderLike = { sender: contents, senderFrame: top };
  return { handlers, contents, sent, calls, emit: (m: EventMessage) => emit(m), desktopCalls, unwire, top, ours };
}

test('a known method from our top frame is relayed to the engine', async () => {
  const { handlers, calls, ours } = setup();
  const result = await handlers.get(CALL_CHANNEL)!(ours, { method: 'workspace.get', params: {} });
  assert.deepEqual(result, { ok: true, value: { relayed: 'workspace.get' } });
  assert.deepEqual(calls, [['workspace.get', {}]]);
});

test('unknown senders are refused before anything is relayed', async () => {
  const { handlers, calls, contents, top } = setup();
  const senders: Array<[string, SenderLike]> = [
    ['a subframe of our page', { sender: contents, senderFrame: { url: 'portico://app/preview.html', parent: top } }],
    ['a remote page in our window', { sender: contents, senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a file: page', { sender: contents, senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
    ['another portico host', { sender: contents, senderFrame: { url: 'portico://evil/index.html', parent: null } }],
    ['another web contents', { sender: {}, senderFrame: { url: 'portico://app/index.html', parent: null } }],
    ['a frame already gone', { sender: contents, senderFrame: null }],
  ];
  for (const [name, event] of senders) {
    const result = (await handlers.get(CALL_CHANNEL)!(event, { method: 'workspace.get', params: {} })) as CallResult;
    assert.equal(result.ok, false, name);
    assert.equal(!result.ok && result.error.code, 'forbidden', name);
    await assert.rejects(async () => handlers.get('desktop:openFolder')!(event), /forbidden/, name);
  }
  assert.deepEqual(calls, []);
});

test('unknown methods and malformed calls are refused with RpcError-shaped answers', async () => {
  const { handlers, calls, ours } = setup();
  const call = (request: unknown) => handlers.get(CALL_CHANNEL)!(ours, request) as Promise<CallResult>;
  assert.deepEqual(await call({ method: 'shell.exec', params: { cmd: 'rm -rf /' } }), { ok: false, error: { code: 'unknown_method', message: 'Unknown method: shell.exec' } });
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    assert.equal(((await call({ method: name })) as { error: { code: string } }).error.code, 'unknown_method', name);
  }
  for (const bad of [null, 'workspace.get', 42, {}, { method: 7 }]) {
    const result = await call(bad);
    assert.equal(!result.ok && result.error.code, 'bad_request', JSON.stringify(bad));
  }
  assert.deepEqual(calls, []);
});

test('engine events go to the page on api:event; desktop handlers run for our frame; unwiring removes every channel', async () => {
  const { handlers, sent, emit, desktopCalls, unwire, ours } = setup();
  emit({ event: 'files.changed', payload: { paths: ['openapi.yaml'] } });
  assert.deepEqual(sent, [[EVENT_CHANNEL, { event: 'files.changed', payload: { paths: ['openapi.yaml'] } }]]);
  assert.equal(await handlers.get('desktop:openFolder')!(ours, 'x'), '/chosen');
  assert.deepEqual(desktopCalls, [['x']]);
  assert.deepEqual([...handlers.keys()].sort(), ['api:call', 'desktop:openFolder']);
  unwire();
  assert.equal(handlers.size, 0);
  emit({ event: 'files.changed', payload: { paths: [] } });
  assert.equal(sent.length, 1);
});
