import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDispatcher, createEventBus } from './rpc.js';
import { fakeHandlers } from './test-support/handlers.js';

test('dispatch validates params with the contract and answers CallResults', async () => {
  const logged: string[] = [];
  const dispatcher = createDispatcher(fakeHandlers(), { logError: (m) => logged.push(m) });

  assert.deepEqual(await dispatcher.dispatch('files.read', { path: 'a.yaml' }), { ok: true, value: { path: 'a.yaml', text: 'text of a.yaml', version: 'v1' } });
  // Defaults of the schema reach the handler.
  assert.deepEqual(await dispatcher.dispatch('design.lint', {}), { ok: true, value: { problems: [], durationMs: 0 } });
  assert.deepEqual(await dispatcher.dispatch('gateway.status', undefined), { ok: true, value: { state: 'stopped', problems: [] } });

  const escaping = await dispatcher.dispatch('files.read', { path: '../etc/passwd' });
  assert.equal(escaping.ok, false);
  assert.equal(!escaping.ok && escaping.error.code, 'bad_request');
  assert.ok(!escaping.ok && Array.isArray(escaping.error.details) && (escaping.error.details as { path: string[] }[])[0]!.path[0] === 'path');

  const extra = await dispatcher.dispatch('gateway.status', { surprise: 1 });
  assert.equal(!extra.ok && extra.error.code, 'bad_request');
  const wrongType = await dispatcher.dispatch('files.write', { path: 'a.yaml', text: 42 });
  assert.equal(!wrongType.ok && wrongType.error.code, 'bad_request');
  assert.match(!wrongType.ok ? wrongType.error.message : '', /text/);

  for (const name of ['nope.nothing', '__proto__', 'constructor', 'toString']) {
    const unknown = await dispatcher.dispatch(name, {});
    assert.equal(!unknown.ok && unknown.error.code, 'unknown_method', name);
  }
  assert.equal(logged.length, 0);
});

test('RpcErrors pass through; other errors are masked and logged with their stack', async () => {
  const logged: string[] = [];
  const dispatcher = createDispatcher(fakeHandlers(), { logError: (m) => logged.push(m) });
  const missing = await dispatcher.dispatch('files.read', { path: 'missing.yaml' });
  assert.deepEqual(missing, { ok: false, error: { code: 'not_found', message: 'no such file: missing.yaml' } });

  const internal = await dispatcher.dispatch('gateway.start', {});
  assert.equal(!internal.ok && internal.error.code, 'internal');
  const text = JSON.stringify(internal);
  assert.doesNotMatch(text, /secret internals|\.ssh|at .*\.ts:\d+/);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /secret internals/);
  assert.match(logged[0]!, /rpc\.test\.ts|handlers\.ts/);
});

test('the bus delivers events in order and survives a failing listener', () => {
  const logged: string[] = [];
  const bus = createEventBus((m) => logged.push(m));
  const seen: string[] = [];
  bus.subscribe(() => {
    throw new Error('boom');
  });
  const stop = bus.subscribe((m) => seen.push(`${m.event}:${JSON.stringify(m.payload)}`));
  bus.emit('files.changed', { paths: ['a.yaml'] });
  bus.emit('traffic.appended', { ids: [1] });
  stop();
  bus.emit('files.changed', { paths: ['b.yaml'] });
  assert.deepEqual(seen, ['files.changed:{"paths":["a.yaml"]}', 'traffic.appended:{"ids":[1]}']);
  assert.equal(logged.length, 3);
});
