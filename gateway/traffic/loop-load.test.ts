import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { BUSY_STEP_BYTES, BUSY_STEP_EVERY_MS, createLoopLoadBuffer, drainPause, drainStepBytes, loopLoadPublisher, loopLoadReader } from './loop-load.js';

const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('event loop load shared with the log worker', () => {
  it('reads as saturated after a busy stretch, idle after a quiet one, and 0 once it goes stale', async () => {
    const buffer = createLoopLoadBuffer();
    const publisher = loopLoadPublisher(buffer);
    const read = loopLoadReader(buffer);
    assert.equal(read(), 0, 'nothing published yet');
    publisher.publish();
    spin(60);
    publisher.publish();
    assert.ok(read() >= 900, `busy: ${read()}‰`);
    await sleep(60);
    publisher.publish();
    assert.ok(read() < 300, `quiet: ${read()}‰`);
    spin(60);
    publisher.publish();
    await sleep(250);
    assert.equal(read(), 0, 'stale: the loop stopped publishing');
  });

  it('pauses the drain only while the loop is saturated, one step per period', () => {
    assert.equal(drainPause(200, 0), 0);
    assert.equal(drainPause(950, 100), BUSY_STEP_EVERY_MS - 100);
    assert.equal(drainPause(950, BUSY_STEP_EVERY_MS + 1), 0);
  });

  it('lets a step read one spool batch while the loop is saturated, and the default amount otherwise', () => {
    assert.equal(drainStepBytes(950), BUSY_STEP_BYTES);
    assert.equal(drainStepBytes(200), undefined);
  });
});
