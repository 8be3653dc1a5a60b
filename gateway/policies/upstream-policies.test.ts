import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PolicyConfigError } from '../pipeline/policy.js';
import loadBalance, { type TargetBalancer } from './load-balance.js';
import mockFallback from './mock-fallback.js';
import retry from './retry.js';
import timeout from './timeout.js';
import { configError, contextFor, handlersOf, NEXT, requestHandlerOf } from './test-support/harness.js';

const upstreams = new Map([['a', { url: 'http://127.0.0.1:1' }], ['b', { url: 'http://127.0.0.1:2' }], ['c', { url: 'http://127.0.0.1:3' }]]);

test('timeout: sets the per-attempt limit and names itself for the log', () => {
  const handle = requestHandlerOf(timeout, { response: '2s' }, {}, { name: 'quick' });
  const ctx = contextFor();
  assert.equal(handle(ctx), NEXT);
  assert.equal(ctx.plan?.timeoutMs, 2000);
  assert.deepEqual({ id: ctx.plan?.timeoutBy?.id, name: ctx.plan?.timeoutBy?.name }, { id: 'timeout', name: 'quick' });
  assert.match(configError(timeout, { response: '0ms' }), /^response: /);
});

test('retry: idempotent methods only, exponential backoff with jitter and a cap', () => {
  const handle = requestHandlerOf(retry, { retries: 3, backoff: '100ms', maxBackoff: '300ms' }, { random: () => 1 });
  const get = contextFor({ method: 'GET' });
  handle(get);
  assert.equal(get.plan?.retries, 3);
  assert.deepEqual([1, 2, 3, 4].map((n) => get.plan!.backoff!(n)), [100, 200, 300, 300]);
  assert.deepEqual([...get.plan!.retryStatuses!], [502, 503, 504]);
  const post = contextFor({ method: 'POST' });
  handle(post);
  assert.equal(post.plan, undefined, 'POST is never retried');
  assert.match(configError(retry, { methods: ['POST'] }), /^methods\.0: /);
  const jittered = requestHandlerOf(retry, { backoff: '100ms' }, { random: () => 0 });
  const ctx = contextFor();
  jittered(ctx);
  assert.equal(ctx.plan!.backoff!(1), 50);
});

test('mock-fallback: marks the plan', () => {
  const ctx = contextFor();
  requestHandlerOf(mockFallback, {})(ctx);
  assert.equal(ctx.plan?.mockFallback?.id, 'mock-fallback');
});

const balancer = (config: unknown, now = () => 0) => {
  const ctx = contextFor();
  requestHandlerOf(loadBalance, config, { now }, { upstreams })(ctx);
  return ctx.plan!.balancer! as TargetBalancer;
};
const picks = (b: TargetBalancer, n: number) => Array.from({ length: n }, () => b.pick()!);

test('load-balance: round-robin, smooth weighted, least-connections', () => {
  assert.deepEqual(picks(balancer({ targets: [{ upstream: 'a' }, { upstream: 'b' }, { upstream: 'c' }] }), 6), ['a', 'b', 'c', 'a', 'b', 'c']);
  const weighted = picks(balancer({ algorithm: 'weighted', targets: [{ upstream: 'a', weight: 3 }, { upstream: 'b', weight: 1 }] }), 8);
  assert.deepEqual(weighted, ['a', 'a', 'b', 'a', 'a', 'a', 'b', 'a']);
  const least = balancer({ algorithm: 'least-connections', targets: [{ upstream: 'a' }, { upstream: 'b' }] });
  least.started('a');
  least.started('a');
  least.started('b');
  assert.equal(least.pick(), 'b');
  least.finished('a', true);
  least.finished('a', true);
  assert.equal(least.pick(), 'a');
});

test('load-balance: passive health ejects after N consecutive failures for ejectFor; none healthy → undefined; a retry avoids the failed target', () => {
  let now = 0;
  const b = balancer({ targets: [{ upstream: 'a' }, { upstream: 'b' }], passive: { failures: 2, ejectFor: '10s' } }, () => now);
  b.finished('a', false);
  b.finished('a', true);
  b.finished('a', false);
  assert.deepEqual(b.available(), ['a', 'b'], 'failures must be consecutive');
  b.finished('a', false);
  assert.deepEqual(b.available(), ['b']);
  assert.deepEqual(picks(b, 3), ['b', 'b', 'b']);
  assert.equal(b.pick('b'), 'b', 'the only healthy target is picked even when it just failed');
  b.finished('b', false);
  b.finished('b', false);
  assert.equal(b.pick(), undefined);
  now = 10_000;
  assert.deepEqual(b.available(), ['a', 'b']);
  assert.equal(b.pick('a'), 'b');
});

test('load-balance: active health checks probe each target and mark the failing ones', async () => {
  const statuses = new Map<string, number>([['/a/health', 200], ['/b/health', 503]]);
  const server = createServer((req, res) => {
    res.writeHead(statuses.get(req.url ?? '') ?? 404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const { request, close } = handlersOf(
      loadBalance,
      { targets: [{ upstream: 'a' }, { upstream: 'b' }], active: { path: '/health', interval: '1h' } },
      {},
      { upstreams: new Map([['a', { url: `${base}/a` }], ['b', { url: `${base}/b/` }]]) },
    );
    const ctx = contextFor();
    request!(ctx);
    const b = ctx.plan!.balancer! as TargetBalancer;
    await b.probe();
    assert.deepEqual(b.available(), ['a']);
    statuses.set('/b/health', 200);
    await b.probe();
    assert.deepEqual(b.available(), ['a', 'b']);
    close!();
  } finally {
    server.close();
  }
});

test('load-balance: unknown upstreams are compile errors at their target', () => {
  assert.throws(
    () => handlersOf(loadBalance, { targets: [{ upstream: 'a' }, { upstream: 'zz' }] }, {}, { upstreams }),
    (error: unknown) => error instanceof PolicyConfigError && error.path.join('.') === 'targets.1.upstream' && /unknown upstream "zz"/.test(error.message),
  );
  assert.match(configError(loadBalance, { targets: [] }), /^targets: /);
});
