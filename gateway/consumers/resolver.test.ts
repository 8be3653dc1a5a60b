import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadKeyIndex } from './resolver.js';
import { openConsumerStore, type ConsumerStore } from './store.js';

let dir: string;
let store: ConsumerStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-resolver-'));
  store = openConsumerStore(dir);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('loadKeyIndex', () => {
  it('finds the consumer of a key, and nothing for other keys', () => {
    const a = store.add('a').key;
    const b = store.add('b', 'b-key-0123456789abcdef').key;
    const index = loadKeyIndex(store);
    assert.equal(index.size, 2);
    assert.equal(index.findByKey(a), 'a');
    assert.equal(index.findByKey(b), 'b');
    assert.equal(index.findByKey(`${a} `), undefined);
    assert.equal(index.findByKey(a.toUpperCase()), undefined);
    assert.equal(index.findByKey(''), undefined);
    assert.equal(index.findByKey('x'.repeat(10_000)), undefined);
  });

  it('follows add, remove and rotate from another process, at most once per interval', () => {
    let clock = 10_000;
    const index = loadKeyIndex(store, { now: () => clock });
    const cli = openConsumerStore(dir); // the CLI, another connection
    const key = cli.add('late').key;
    assert.equal(index.findByKey(key), undefined, 'not before the interval');
    clock += 1000;
    assert.equal(index.findByKey(key), 'late');

    const rotated = cli.rotate('late').key;
    clock += 1000;
    assert.equal(index.findByKey(key), undefined, 'the old key stops working');
    assert.equal(index.findByKey(rotated), 'late');

    cli.remove('late');
    clock += 1000;
    assert.equal(index.findByKey(rotated), undefined);
    cli.close();
  });

  it('follows changes made through the same store, and reloads on demand', () => {
    const index = loadKeyIndex(store, { checkEveryMs: 60_000 });
    const key = store.add('same').key;
    assert.equal(index.findByKey(key), undefined);
    index.reload();
    assert.equal(index.findByKey(key), 'same');

    const every = loadKeyIndex(store, { checkEveryMs: 0 });
    const next = store.add('next').key;
    assert.equal(every.findByKey(next), 'next');
  });

  it('keeps serving the last keys when the store is closed', () => {
    const key = store.add('a').key;
    const index = loadKeyIndex(store, { checkEveryMs: 0 });
    store.close();
    assert.equal(index.findByKey(key), 'a');
  });
});
