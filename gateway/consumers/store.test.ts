import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  ConsumerError,
  DuplicateConsumerError,
  KEY_PREFIX,
  openConsumerStore,
  UnknownConsumerError,
  type ConsumerStore,
} from './store.js';

let dir: string;
let store: ConsumerStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-consumers-'));
  store = openConsumerStore(join(dir, 'data'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openConsumerStore', () => {
  it('creates consumers.db in the data folder', () => {
    assert.equal(store.file, join(dir, 'data', 'consumers.db'));
    assert.ok(existsSync(store.file));
  });

  it('adds with a generated key: pk_ + 32 random bytes base64url', () => {
    const { name, key } = store.add('mobile-app');
    assert.equal(name, 'mobile-app');
    assert.match(key, /^pk_[A-Za-z0-9_-]{43}$/);
    assert.ok(key.startsWith(KEY_PREFIX));
    assert.equal(Buffer.from(key.slice(3), 'base64url').length, 32);
    assert.notEqual(store.add('other').key, key);
  });

  it('adds with a given key and lists names, creation time and key hint', () => {
    const before = Date.now();
    store.add('web', 'my-own-key-0123456789abcd');
    store.add('cli');
    const list = store.list();
    assert.deepEqual(list.map((c) => c.name), ['cli', 'web']);
    const web = list[1];
    assert.ok(web);
    assert.equal(web.keyHint, 'abcd');
    assert.ok(Date.parse(web.createdAt) >= before - 1 && Date.parse(web.createdAt) <= Date.now());
    assert.equal(web.keySetAt, web.createdAt);
    assert.equal(Object.keys(web).includes('key'), false);
  });

  it('removes', () => {
    store.add('a');
    store.add('b');
    store.remove('a');
    assert.deepEqual(store.list().map((c) => c.name), ['b']);
  });

  it('rotates to a new key', () => {
    const first = store.add('a');
    const rotated = store.rotate('a');
    assert.equal(rotated.name, 'a');
    assert.notEqual(rotated.key, first.key);
    assert.equal(store.list()[0]?.keyHint, rotated.key.slice(-4));
    assert.notDeepEqual(store.keyHashes()[0]?.keyHash, undefined);
  });

  it('rejects a duplicate name', () => {
    store.add('a');
    assert.throws(() => store.add('a'), (error: unknown) => {
      assert.ok(error instanceof DuplicateConsumerError);
      assert.ok(error instanceof ConsumerError);
      assert.equal(error.code, 'duplicate_name');
      assert.equal(error.message, 'a consumer named "a" already exists');
      return true;
    });
  });

  it('rejects a key that another consumer has', () => {
    store.add('a', 'shared-key-0123456789');
    assert.throws(() => store.add('b', 'shared-key-0123456789'), { code: 'duplicate_key' });
    assert.deepEqual(store.list().map((c) => c.name), ['a']);
  });

  it('rejects unknown names on remove and rotate', () => {
    assert.throws(() => store.remove('ghost'), (error: unknown) => {
      assert.ok(error instanceof UnknownConsumerError);
      assert.equal(error.message, 'there is no consumer named "ghost"');
      return true;
    });
    assert.throws(() => store.rotate('ghost'), UnknownConsumerError);
  });

  it('validates names and given keys', () => {
    for (const name of ['', 'a b', 'ä', 'x'.repeat(65), 'a/b']) {
      assert.throws(() => store.add(name), { code: 'invalid_name' }, JSON.stringify(name));
    }
    store.add('A.b_c-9');
    store.add('x'.repeat(64));
    for (const key of ['short', 'has a space in it!!', `tab\there-0123456789`]) {
      assert.throws(() => store.add('k', key), { code: 'invalid_key' });
    }
  });

  it('keeps consumers across reopen, and sees another connection\'s changes', () => {
    store.add('a');
    const other = openConsumerStore(join(dir, 'data'));
    const version = store.version();
    other.add('b');
    assert.notEqual(store.version(), version);
    assert.deepEqual(store.list().map((c) => c.name), ['a', 'b']);
    other.close();
  });

  it('never stores a key in clear', () => {
    const generated = store.add('gen').key;
    const given = 'given-key-XYZ-0123456789';
    store.add('given', given);
    const old = store.add('rot').key;
    const rotated = store.rotate('rot').key;
    const files = ['', '-wal', '-shm'].map((s) => store.file + s).filter(existsSync);
    const check = () => {
      const bytes = Buffer.concat(files.filter(existsSync).map((f) => readFileSync(f)));
      for (const key of [generated, given, old, rotated]) {
        assert.equal(bytes.includes(key), false, 'key in clear');
        assert.equal(bytes.includes(key.slice(0, -4)), false, 'key without its hint in clear');
      }
      assert.ok(bytes.includes('gen'), 'sanity: the file does hold the names');
    };
    check();
    store.close();
    check();
  });
});
