import { test } from 'node:test';
import assert from 'node:assert/strict';
import fault from './fault.js';
import { asReply, configError, contextFor, NEXT, requestHandlerOf } from './test-support/harness.js';

test('fault: errorRate answers that share of requests with the chosen status', () => {
  let dice = 0;
  const rolls = [0.1, 0.3, 0.5, 0.9];
  const handle = requestHandlerOf(fault, { errorRate: 0.4, status: 503 }, { random: () => rolls[dice++ % rolls.length]! });
  const outcomes = rolls.map(() => handle(contextFor()));
  assert.equal(asReply(outcomes[0]).status, 503);
  assert.equal(asReply(outcomes[1]).status, 503);
  assert.deepEqual(outcomes.slice(2), [NEXT, NEXT]);
  assert.match(asReply(outcomes[0]).reason, /injected 503/);
  assert.equal(JSON.parse(String(asReply(outcomes[0]).body)).type, 'urn:portico:problem:fault-injected');
});

test('fault: a fixed delay waits before the request goes on; a random one stays within min..max', async () => {
  const fixed = requestHandlerOf(fault, { delay: '60ms' });
  const started = performance.now();
  assert.equal(await fixed(contextFor()), NEXT);
  assert.ok(performance.now() - started >= 55);

  const random = requestHandlerOf(fault, { delay: { min: '10ms', max: '30ms' }, errorRate: 1, status: 500 }, { random: () => 0.5 });
  const t0 = performance.now();
  const reply = asReply(await random(contextFor()));
  const waited = performance.now() - t0;
  assert.equal(reply.status, 500);
  assert.ok(waited >= 15 && waited < 200, `waited ${waited} ms`);
});

test('fault: needs a delay or an error rate; min must not exceed max; status is an error status', () => {
  assert.match(configError(fault, {}), /delay, errorRate/);
  assert.match(configError(fault, { delay: { min: '2s', max: '1s' } }), /^delay: .*min/);
  assert.match(configError(fault, { errorRate: 1.5 }), /^errorRate: /);
  assert.match(configError(fault, { errorRate: 0.5, status: 200 }), /^status: /);
});
