import { createHash } from 'node:crypto';
import { dummyHash, verifyPassword } from './password.js';
import type { ConsumerStore } from './store.js';
import { hashKey } from './store.js';

/**
 * Presented API key → consumer name, for the api-key policy.
 *
 * Lookup is a Map keyed by the hex SHA-256 of the key, not a compare of the key itself, and that
 * is not a timing leak: what a Map lookup's timing could reveal is how the *hash* of the
 * attacker's input relates to the stored hashes (bucket, common prefix). Learning that a
 * candidate's hash shares a prefix with a stored hash does not help find an input whose hash
 * matches it (that is a SHA-256 preimage), so an attacker cannot converge on a key byte by byte
 * as with a naive `presented === stored` compare. The hash is computed over the whole presented
 * key, whatever it is, so its own time depends only on the key's length.
 */

export interface KeyIndex {
  /** The consumer the key belongs to, or undefined. Reloads first when the store changed (checked at most every `checkEveryMs`). */
  findByKey(presentedKey: string): string | undefined;
  /**
   * Whether `password` is the consumer's (basic-auth). The scrypt check runs off the event loop; a successful check is
   * remembered (by a SHA-256 of name and password, never the password) until the store changes, so a client that
   * keeps sending the same credentials pays the slow hash once. Unknown consumers cost the same as known ones.
   */
  checkPassword(consumer: string, password: string): Promise<boolean>;
  /** Reads the store again now. */
  reload(): void;
  readonly size: number;
}

export interface KeyIndexOptions {
  /** How often `findByKey` checks whether the store changed (a cheap PRAGMA). Default 1000 ms; 0: every call. */
  checkEveryMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export function loadKeyIndex(store: ConsumerStore, options: KeyIndexOptions = {}): KeyIndex {
  const checkEveryMs = options.checkEveryMs ?? 1000;
  const now = options.now ?? Date.now;
  let byHash = new Map<string, string>();
  let passwords = new Map<string, string>();
  let verified = new Map<string, string>();
  let version = '';
  let checkedAt = 0;

  function reload(): void {
    const next = new Map<string, string>();
    version = store.version();
    for (const { name, keyHash } of store.keyHashes()) next.set(keyHash.toString('hex'), name);
    byHash = next;
    passwords = new Map(store.passwordHashes().map((p) => [p.name, p.passwordHash]));
    verified = new Map();
    checkedAt = now();
  }

  function maybeReload(): void {
    const t = now();
    if (t - checkedAt < checkEveryMs) return;
    checkedAt = t;
    try {
      if (store.version() !== version) reload();
    } catch {
      // Store closed or unreadable: keep serving the keys last loaded.
    }
  }

  reload();
  return {
    findByKey(presentedKey) {
      maybeReload();
      if (presentedKey.length === 0) return undefined;
      return byHash.get(hashKey(presentedKey).toString('hex'));
    },
    async checkPassword(consumer, password) {
      maybeReload();
      const stored = passwords.get(consumer);
      const remembered = createHash('sha256').update(consumer).update('\0').update(password).digest('base64');
      if (stored !== undefined && verified.get(remembered) === stored) return true;
      const ok = await verifyPassword(password, stored ?? dummyHash());
      if (!ok || stored === undefined) return false;
      if (verified.size >= 10_000) verified.clear();
      verified.set(remembered, stored);
      return true;
    },
    reload,
    get size() {
      return byHash.size;
    },
  };
}
