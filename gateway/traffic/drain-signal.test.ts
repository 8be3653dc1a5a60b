import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDrainSignal, drainSignalReader, drainSignalWriter } from './drain-signal.js';

describe('drain signal between the event loop and the log worker', () => {
  it('asks for a message only once the worker said it waits, and only once per wait', () => {
    const buffer = createDrainSignal();
    const writer = drainSignalWriter(buffer);
    const reader = drainSignalReader(buffer);
    assert.equal(writer.needsWake(), false, 'a starting worker drains without being told');
    reader.waiting();
    assert.equal(writer.needsWake(), true);
    assert.equal(writer.needsWake(), false, 'the first write after the wait sent the message');
    reader.waiting();
    reader.working();
    assert.equal(writer.needsWake(), false, 'its last look found work: it reads on without a message');
  });
});
