import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openQuotaStore } from '../consumers/quota-store.js';
import { startTestGateway } from '../test-support/gateway.js';
import { tempWorkspace } from '../test-support/workspace.js';

const design = `openapi: 3.1.0
info: { title: quota over HTTP, version: '1' }
x-portico:
  policies:
    keys: { use: api-key }
    daily: { use: quota, with: { limit: 3, period: day } }
  apply: [keys, daily]
paths:
  /things:
    get:
      responses: { '200': { description: ok, content: { application/json: { example: [] } } } }
`;

test('quota over HTTP: 3/day per consumer, 429 with reset time, and a restarted gateway remembers the count', async () => {
  const data = tempWorkspace({});
  const consumers = { findByKey: (k: string) => (k === 'k-alice' ? 'alice' : k === 'k-bob' ? 'bob' : undefined) };
  const start = async () => {
    const quotas = openQuotaStore(data.dir);
    const gw = await startTestGateway({ 'api.yaml': design }, { consumers, services: { quotas } });
    return { gw, close: async () => (await gw.close(), quotas.close()) };
  };
  try {
    let running = await start();
    const call = (key: string) => fetch(`${running.gw.url}/things`, { headers: { 'x-api-key': key } });
    assert.equal((await call('k-alice')).status, 200);
    const second = await call('k-alice');
    assert.equal(second.headers.get('x-quota-remaining'), '1');
    await running.close();

    running = await start();
    assert.equal((await call('k-alice')).status, 200);
    const refused = await call('k-alice');
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    const body = await refused.json();
    assert.match(body.resetsAt, /T00:00:00\.000Z$/);
    assert.equal((await call('k-bob')).status, 200, 'each consumer has its own quota');
    const logged = (await running.gw.logged(3)).find((e) => e.status === 429)!;
    assert.equal(logged.policy?.id, 'quota');
    assert.equal(logged.policy?.name, 'daily');
    await running.close();
  } finally {
    data.cleanup();
  }
});
