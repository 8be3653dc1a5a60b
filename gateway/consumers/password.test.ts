import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { hashPassword, verifyPassword } from './password.js';
import { loadKeyIndex } from './resolver.js';
import { openConsumerStore } from './store.js';

test('passwords are stored as salted scrypt hashes and verified in constant time', async () => {
  const a = hashPassword('s3cret-pass');
  assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
  assert.notEqual(hashPassword('s3cret-pass'), a, 'salted');
  assert.equal(await verifyPassword('s3cret-pass', a), true);
  assert.equal(await verifyPassword('s3cret-pasS', a), false);
  assert.equal(await verifyPassword('x', 'md5$abc'), false);
});

test('consumer store: set, check and clear a password; only the hash is in the database; a v1 database migrates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-passwords-'));
  try {
    // A database written by the previous schema version.
    const old = new Database(join(dir, 'consumers.db'));
    old.exec('CREATE TABLE consumers (name TEXT PRIMARY KEY, key_hash BLOB NOT NULL UNIQUE, key_hint TEXT NOT NULL, created_at INTEGER NOT NULL, key_set_at INTEGER NOT NULL) WITHOUT ROWID');
    old.pragma('user_version = 1');
    old.close();

    const store = openConsumerStore(dir);
    store.add('alice');
    store.add('bob');
    store.setPassword('alice', 'correct horse');
    assert.throws(() => store.setPassword('bob', 'short'), /8 to 1024/);
    assert.throws(() => store.setPassword('carol', 'long enough'), /no consumer named "carol"/);
    assert.deepEqual(store.list().map((c) => [c.name, c.hasPassword]), [['alice', true], ['bob', false]]);
    const raw = new Database(store.file, { readonly: true });
    const row = raw.prepare('SELECT password_hash FROM consumers WHERE name = ?').get('alice') as { password_hash: string };
    raw.close();
    assert.doesNotMatch(row.password_hash, /correct/);

    const index = loadKeyIndex(store, { checkEveryMs: 0 });
    assert.equal(await index.checkPassword('alice', 'correct horse'), true);
    assert.equal(await index.checkPassword('alice', 'correct horse'), true, 'remembered');
    assert.equal(await index.checkPassword('alice', 'wrong horse'), false);
    assert.equal(await index.checkPassword('bob', 'anything at all'), false);
    assert.equal(await index.checkPassword('nobody', 'correct horse'), false);

    store.setPassword('alice', undefined);
    assert.equal(await index.checkPassword('alice', 'correct horse'), false, 'a cleared password stops working at once, even when remembered');
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
