import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { HostInit } from '../contract/index.js';
import { servePort } from './port.js';
import { exampleFolder } from './paths.js';
import { createDispatcher } from './rpc.js';
import { fakeHandlers } from './test-support/handlers.js';
import { portClient } from './test-support/port-client.js';

test('the contract over a MessagePort: calls, errors, events, bad messages', async () => {
  const { port1, port2 } = new MessageChannel();
  const dispatcher = createDispatcher(fakeHandlers(), { logError: () => undefined });
  const detach = servePort(port1, dispatcher);
  const client = portClient(port2);
  try {
    assert.deepEqual(await client.call('files.read', { path: 'a.yaml' }), { ok: true, value: { path: 'a.yaml', text: 'text of a.yaml', version: 'v1' } });
    const bad = await client.call('files.read', { path: '../x' });
    assert.equal(!bad.ok && bad.error.code, 'bad_request');
    const unknown = await client.call('nope');
    assert.equal(!unknown.ok && unknown.error.code, 'unknown_method');
    // Concurrent calls are answered by id.
    const [a, b] = await Promise.all([client.call('files.read', { path: 'a' }), client.call('files.read', { path: 'b' })]);
    assert.equal((a as { value: { path: string } }).value.path, 'a');
    assert.equal((b as { value: { path: string } }).value.path, 'b');
    // A message with an id but no method gets an error; without an id, nothing.
    const malformed = new Promise((resolve) => port2.once('message', resolve));
    port2.postMessage({ id: 99, params: {} });
    assert.deepEqual(await malformed, { id: 99, error: { code: 'bad_request', message: 'a request is { id, method, params }' } });

    dispatcher.emit('files.changed', { paths: ['x.yaml'] });
    assert.deepEqual(await client.nextEvent(), { event: 'files.changed', payload: { paths: ['x.yaml'] } });
  } finally {
    detach();
    port1.close();
  }
});

test('main.ts: the engine process entry, with a worker thread standing in for utilityProcess', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-host-'));
  cpSync(exampleFolder(), dir, { recursive: true, filter: (source) => !/[\\/]\.portico$/.test(source) });
  // Node 20 does not carry --import hooks into workers: the worker registers tsx itself.
  const entry = new URL('./main.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, stderr: true });
  let stderr = '';
  worker.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const { port1, port2 } = new MessageChannel();
  const client = portClient(port1);
  try {
    const init: HostInit = { folder: dir, gatewayPort: 0 };
    // Electron's parentPort delivers { data, ports }: the parent posts the same shape.
    worker.postMessage({ data: init, ports: [port2] }, [port2]);

    const info = await client.call('workspace.get', {});
    assert.ok(info.ok, JSON.stringify(info) + stderr);
    assert.equal((info.value as { spec: string }).spec, 'openapi.yaml');
    const status = await client.call('gateway.status', {});
    const running = (status as { value: { state: string; url: string } }).value;
    assert.equal(running.state, 'running', JSON.stringify(status));
    const pets = await fetch(`${running.url}/pets`);
    assert.equal(pets.status, 200);

    const changed = client.nextEvent((m) => m.event === 'files.changed');
    const read = await client.call('files.read', { path: 'openapi.yaml' });
    const { text, version } = (read as { value: { text: string; version: string } }).value;
    assert.ok((await client.call('files.write', { path: 'openapi.yaml', text: text + '\n', expectedVersion: version })).ok);
    assert.deepEqual((await changed).payload, { paths: ['openapi.yaml'] });

    // `{ type: 'stop' }` stops the engine gracefully: the gateway closes, the process (here: thread) exits.
    worker.postMessage({ data: { type: 'stop' }, ports: [] });
    assert.equal(await exited, 0);
    await assert.rejects(fetch(`${running.url}/pets`));
  } finally {
    await worker.terminate();
    port1.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
