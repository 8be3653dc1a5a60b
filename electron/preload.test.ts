// Runs the preload the way Electron's sandbox does: CommonJS source in a fresh context whose `require` offers
// 'electron' only (a fake one here). Proves it needs nothing else, exposes exactly `portico`, and never hands
// the page ipcRenderer or an IPC event.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';

const source = readFileSync(new URL('./preload.cts', import.meta.url), 'utf8');
const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });

function load() {
  const exposed = new Map<string, unknown>();
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const ipcRenderer = {
    invoke: async (...args: unknown[]) => (invoked.push(args), { ok: true, value: null }),
    on: (channel: string, l: (...args: unknown[]) => void) => void (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(l),
    removeListener: (channel: string, l: (...args: unknown[]) => void) => void listeners.get(channel)?.delete(l),
  };
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) }, ipcRenderer };
  const required: string[] = [];
  const module = { exports: {} };
  runInNewContext(outputText, {
    require: (id: string) => {
      required.push(id);
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    },
    module,
    exports: module.exports,
  });
  return { exposed, invoked, listeners, required };
}

test('requires only electron and exposes only window.portico with call, subscribe and native', () => {
  const { exposed, required } = load();
  assert.deepEqual(required, ['electron']);
  assert.deepEqual([...exposed.keys()], ['portico']);
  const portico = exposed.get('portico') as Record<string, unknown>;
  assert.deepEqual(Object.keys(portico).sort(), ['call', 'native', 'subscribe']);
  assert.deepEqual(Object.keys(portico.native as object).sort(), ['chooseSavePath', 'openFolder', 'recentWorkspaces', 'reveal']);
  assert.ok(!JSON.stringify(Object.keys(portico)).includes('ipc'));
});

test('call invokes api:call with { method, params }; native calls use desktop:* channels', async () => {
  const { exposed, invoked } = load();
  const portico = exposed.get('portico') as any;
  assert.deepEqual(await portico.call('workspace.get', {}), { ok: true, value: null });
  await portico.native.openFolder();
  await portico.native.reveal('/w/a');
  await portico.native.chooseSavePath({ defaultName: 'kong.yaml' });
  await portico.native.recentWorkspaces();
  // Objects made inside the preload's context have that context's prototypes: compare their JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(invoked)), [
    ['api:call', { method: 'workspace.get', params: {} }],
    ['desktop:openFolder'],
    ['desktop:reveal', '/w/a'],
    ['desktop:chooseSavePath', { defaultName: 'kong.yaml' }],
    ['desktop:recentWorkspaces'],
  ]);
  assert.ok(invoked.every(([channel]) => channel === 'api:call' || String(channel).startsWith('desktop:')));
});

test('subscribe hands the page the message only (never the IPC event) and unsubscribes', () => {
  const { exposed, listeners } = load();
  const received: unknown[][] = [];
  const stop = (exposed.get('portico') as any).subscribe((...args: unknown[]) => received.push(args));
  const message = { event: 'gateway.changed', payload: { state: 'running', problems: [] } };
  const fakeEvent = { sender: 'ipcRenderer itself' };
  for (const l of listeners.get('api:event')!) l(fakeEvent, message);
  assert.deepEqual(received, [[message]]);
  stop();
  assert.equal(listeners.get('api:event')!.size, 0);
});
