import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError, type Api, type EventName, type ExchangeSummary } from '../../../gateway/contract/index.ts';
import { MAX_ROWS, PAGE, TrafficModel } from './traffic-model.ts';

/** An engine with `n` exchanges (ids 1..n), newest first, the contract's keyset semantics, and events on demand. */
function fakeEngine(n: number) {
  let log: ExchangeSummary[] = Array.from({ length: n }, (_, i) => summary(i + 1));
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  const api = {
    async call(method: string, params: Record<string, unknown>) {
      calls.push({ method, params });
      const filter = String(params.filter ?? '');
      if (filter.includes('bad:')) throw new RpcError('bad_request', 'unknown key "bad"');
      const match = (r: ExchangeSummary) => !filter.includes('status:5xx') || r.status >= 500;
      if (method === 'traffic.query') {
        let rows = log.filter(match).sort((a, b) => b.id - a.id);
        if (params.beforeId !== undefined) rows = rows.filter((r) => r.id < (params.beforeId as number));
        if (params.afterId !== undefined) rows = rows.filter((r) => r.id > (params.afterId as number));
        return { rows: rows.slice(0, params.limit as number), durationMs: 1 };
      }
      if (method === 'traffic.count') return { count: log.filter(match).length, capped: false };
      if (method === 'traffic.info') return { file: 'x.db', sizeBytes: 1, count: log.length, retention: {} };
      if (method === 'traffic.clear') {
        const deleted = log.length;
        log = [];
        return { deleted };
      }
      throw new Error(`unexpected ${method}`);
    },
    subscribe(event: EventName, listener: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
  } as unknown as Api;
  return {
    api,
    calls,
    append(count: number, status = 200) {
      const first = (log.at(-1)?.id ?? 0) + 1;
      const fresh = Array.from({ length: count }, (_, i) => ({ ...summary(first + i), status }));
      log.push(...fresh);
      listeners.get('traffic.appended')?.forEach((l) => l({ ids: fresh.map((r) => r.id) }));
    },
  };
}

const summary = (id: number): ExchangeSummary => ({ id, startedAt: new Date(1_700_000_000_000 + id).toISOString(), method: 'GET', url: `/pets/${id}`, mode: 'mock', status: id % 10 === 0 ? 503 : 200, durationMs: 1 });
const settle = () => new Promise((r) => setTimeout(r, 20));
const ids = (m: TrafficModel) => m.state.rows.map((r) => r.id);

test('loads the newest page, then older pages by keyset until none are left', async () => {
  const engine = fakeEngine(PAGE + 50);
  const model = new TrafficModel(engine.api);
  const stop = model.start();
  await settle();
  assert.equal(model.state.rows.length, PAGE);
  assert.equal(ids(model)[0], PAGE + 50);
  assert.equal(model.state.done, false);
  await model.loadMore();
  assert.equal(model.state.rows.length, PAGE + 50);
  assert.equal(model.state.done, true);
  assert.equal(engine.calls.filter((c) => c.method === 'traffic.query').at(-1)!.params.beforeId, 51);
  stop();
});

test('live: new exchanges are fetched after the newest shown and put on top; paused, they are counted', async () => {
  const engine = fakeEngine(5);
  const model = new TrafficModel(engine.api);
  const stop = model.start();
  await settle();
  engine.append(2);
  await settle();
  assert.deepEqual(ids(model), [7, 6, 5, 4, 3, 2, 1]);
  assert.equal(model.state.prepended.count, 2);
  assert.equal(engine.calls.filter((c) => c.params.afterId !== undefined).at(-1)!.params.afterId, 5);

  model.setPaused(true);
  engine.append(3);
  await settle();
  assert.equal(model.state.pending, 3);
  assert.equal(model.state.rows.length, 7);
  model.setPaused(false);
  await settle();
  assert.deepEqual(ids(model).slice(0, 4), [10, 9, 8, 7]);
  assert.equal(model.state.pending, 0);
  stop();
});

test('live updates respect the filter; events during a fetch cause one more fetch, not one each', async () => {
  const engine = fakeEngine(20);
  const model = new TrafficModel(engine.api);
  const stop = model.start();
  model.setFilter('status:5xx');
  await settle();
  assert.deepEqual(ids(model), [20, 10]);
  const before = engine.calls.length;
  engine.append(1, 503);
  engine.append(1, 200);
  engine.append(1, 503);
  await new Promise((r) => setTimeout(r, 400)); // the coalesced second fetch waits a little under sustained events
  assert.deepEqual(ids(model), [23, 21, 20, 10]);
  assert.ok(engine.calls.slice(before).filter((c) => c.params.afterId !== undefined).length <= 2);
  stop();
});

test('a refused query is shown as such; selection by click, toggle and range', async () => {
  const engine = fakeEngine(6);
  const model = new TrafficModel(engine.api);
  const stop = model.start();
  model.setFilter('bad:1');
  await settle();
  assert.deepEqual(model.state.error, { message: 'unknown key "bad"', badQuery: true });
  model.setFilter('');
  await settle();
  assert.equal(model.state.error, null);
  model.select(6);
  model.select(4, { toggle: true });
  assert.deepEqual(model.state.selected, [6, 4]);
  model.select(2, { range: true });
  assert.deepEqual(model.state.selected, [4, 3, 2]);
  assert.equal(model.step(1), 5);
  assert.deepEqual(model.state.selected, [1]);
  await model.clear();
  assert.deepEqual(model.state.rows, []);
  assert.deepEqual(model.state.selected, []);
  stop();
});

test('under sustained live traffic the loaded rows stay bounded; the dropped tail pages in again', async () => {
  const engine = fakeEngine(MAX_ROWS);
  const model = new TrafficModel(engine.api);
  const stop = model.start();
  await settle();
  for (let i = 0; i < 1000 && !model.state.done; i++) await model.loadMore();
  assert.equal(model.state.rows.length, MAX_ROWS);
  engine.append(10);
  await settle();
  assert.equal(model.state.rows.length, MAX_ROWS);
  assert.equal(ids(model)[0], MAX_ROWS + 10);
  assert.equal(model.state.done, false);
  await model.loadMore();
  assert.equal(ids(model).at(-1), 1);
  stop();
});
