import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.js';

/**
 * The workspace's consumers and their API keys, in `<dataDir>/consumers.db`. The design names
 * consumers; their keys live only here, and only as SHA-256 hashes.
 *
 * A plain SHA-256 (not bcrypt/scrypt/argon2) is the right hash: generated keys carry 256 bits of
 * randomness and given keys must be at least 16 characters, so there is no dictionary to
 * brute-force, and the gateway must hash every presented key on the request path, where a slow
 * KDF would cost milliseconds per request and an easy denial of service.
 */

export const CONSUMER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const KEY_PREFIX = 'pk_';
export const MIN_KEY_LENGTH = 16;
export const MAX_KEY_LENGTH = 512;

export type ConsumerErrorCode = 'invalid_name' | 'invalid_key' | 'invalid_password' | 'duplicate_name' | 'duplicate_key' | 'unknown_consumer';

export class ConsumerError extends Error {
  constructor(
    readonly code: ConsumerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConsumerError';
  }
}

export class DuplicateConsumerError extends ConsumerError {
  constructor(readonly consumer: string) {
    super('duplicate_name', `a consumer named "${consumer}" already exists`);
    this.name = 'DuplicateConsumerError';
  }
}

export class UnknownConsumerError extends ConsumerError {
  constructor(readonly consumer: string) {
    super('unknown_consumer', `there is no consumer named "${consumer}"`);
    this.name = 'UnknownConsumerError';
  }
}

export interface ConsumerKey {
  name: string;
  /** Shown once: only its hash is kept. */
  key: string;
}

export interface ConsumerInfo {
  name: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601, when the key was last set (creation or rotation). */
  keySetAt: string;
  /** The key's last 4 characters, to tell keys apart. */
  keyHint: string;
  /** Whether the consumer has a password (basic-auth). */
  hasPassword: boolean;
}

export interface StoredKey {
  name: string;
  /** SHA-256 of the key, 32 bytes. */
  keyHash: Buffer;
}

export interface ConsumerStore {
  readonly file: string;
  add(name: string, key?: string): ConsumerKey;
  list(): ConsumerInfo[];
  remove(name: string): void;
  /** A new generated key; the old one stops working at the resolver's next reload. */
  rotate(name: string): ConsumerKey;
  /** Every consumer's key hash, for the resolver. */
  keyHashes(): StoredKey[];
  /** Sets (or, with `undefined`, clears) the consumer's password for basic-auth; only a salted scrypt hash is kept. */
  setPassword(name: string, password: string | undefined): void;
  /** Every consumer's password hash (`scrypt$...`), for the resolver. */
  passwordHashes(): { name: string; passwordHash: string }[];
  /** Changes whenever the stored consumers may have changed, through this store or another process. */
  version(): string;
  close(): void;
}

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function openConsumerStore(dataDir: string): ConsumerStore {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'consumers.db');
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const statements = {
    insert: db.prepare(
      'INSERT INTO consumers (name, key_hash, key_hint, created_at, key_set_at) VALUES (?, ?, ?, ?, ?)',
    ),
    list: db.prepare('SELECT name, key_hint, created_at, key_set_at, password_hash IS NOT NULL AS has_password FROM consumers ORDER BY name'),
    setPassword: db.prepare('UPDATE consumers SET password_hash = ? WHERE name = ?'),
    passwords: db.prepare('SELECT name, password_hash FROM consumers WHERE password_hash IS NOT NULL'),
    remove: db.prepare('DELETE FROM consumers WHERE name = ?'),
    rotate: db.prepare('UPDATE consumers SET key_hash = ?, key_hint = ?, key_set_at = ? WHERE name = ?'),
    hashes: db.prepare('SELECT name, key_hash FROM consumers'),
  };
  // data_version moves only for other connections' commits; count our own.
  let localWrites = 0;

  function write<T>(run: () => T): T {
    const result = run();
    localWrites++;
    return result;
  }

  return {
    file,
    add(name, key) {
      checkName(name);
      const value = key ?? generateKey();
      if (key !== undefined) checkKey(key);
      const now = Date.now();
      try {
        write(() => statements.insert.run(name, hashKey(value), hint(value), now, now));
      } catch (error) {
        throw translate(error, name);
      }
      return { name, key: value };
    },
    list() {
      const rows = statements.list.all() as { name: string; key_hint: string; created_at: number; key_set_at: number; has_password: number }[];
      return rows.map((r) => ({
        name: r.name,
        createdAt: new Date(r.created_at).toISOString(),
        keySetAt: new Date(r.key_set_at).toISOString(),
        keyHint: r.key_hint,
        hasPassword: r.has_password === 1,
      }));
    },
    remove(name) {
      const { changes } = write(() => statements.remove.run(name));
      if (changes === 0) throw new UnknownConsumerError(name);
    },
    rotate(name) {
      const key = generateKey();
      let changes: number;
      try {
        ({ changes } = write(() => statements.rotate.run(hashKey(key), hint(key), Date.now(), name)));
      } catch (error) {
        throw translate(error, name);
      }
      if (changes === 0) throw new UnknownConsumerError(name);
      return { name, key };
    },
    keyHashes() {
      const rows = statements.hashes.all() as { name: string; key_hash: Buffer }[];
      return rows.map((r) => ({ name: r.name, keyHash: r.key_hash }));
    },
    setPassword(name, password) {
      if (password !== undefined) checkPassword(password);
      const { changes } = write(() => statements.setPassword.run(password === undefined ? null : hashPassword(password), name));
      if (changes === 0) throw new UnknownConsumerError(name);
    },
    passwordHashes() {
      const rows = statements.passwords.all() as { name: string; password_hash: string }[];
      return rows.map((r) => ({ name: r.name, passwordHash: r.password_hash }));
    },
    version() {
      return `${db.pragma('data_version', { simple: true }) as number}:${localWrites}`;
    },
    close() {
      if (db.open) db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > 2) throw new Error(`${db.name} has schema version ${version}, newer than this Portico understands (2)`);
    if (version === 2) return;
    if (version === 0) db.exec(`
      CREATE TABLE consumers (
        name TEXT PRIMARY KEY,
        key_hash BLOB NOT NULL UNIQUE,     -- sha256(key); the key itself is never stored
        key_hint TEXT NOT NULL,            -- last 4 characters of the key
        created_at INTEGER NOT NULL,       -- ms since the epoch
        key_set_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
    // 2: passwords for basic-auth, as salted scrypt hashes (password.ts).
    db.exec('ALTER TABLE consumers ADD COLUMN password_hash TEXT');
    db.pragma('user_version = 2');
  }).immediate();
}

function checkName(name: string): void {
  if (!CONSUMER_NAME.test(name)) {
    throw new ConsumerError(
      'invalid_name',
      `consumer name ${JSON.stringify(name)} is not valid: use 1 to 64 letters, digits, '.', '_' or '-'`,
    );
  }
}

function checkKey(key: string): void {
  // Printable ASCII without spaces: what fits in a header or a query parameter unchanged.
  if (key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ConsumerError(
      'invalid_key',
      `an API key must be ${MIN_KEY_LENGTH} to ${MAX_KEY_LENGTH} printable characters without spaces (omit it to generate one)`,
    );
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new ConsumerError('invalid_password', `a password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
}

function hint(key: string): string {
  return key.slice(-4);
}

function translate(error: unknown, name: string): unknown {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : '';
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || message.includes('consumers.name')) {
    return new DuplicateConsumerError(name);
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('consumers.key_hash')) {
    return new ConsumerError('duplicate_key', 'that API key already belongs to another consumer');
  }
  return error;
}
