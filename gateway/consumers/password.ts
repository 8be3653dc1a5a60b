import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Consumer passwords (basic-auth), unlike generated API keys, are chosen by people: low entropy, so they are stored
 * with a slow, salted hash. scrypt is in Node's crypto (no native dependency) and its async form runs on libuv's
 * thread pool, off the event loop. Format: `scrypt$N$r$p$salt$hash`, base64url, so parameters can grow later.
 */

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether `password` matches `stored`; a malformed `stored` never matches. Compares in constant time. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return Promise.resolve(false);
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  return new Promise((resolve) => {
    scrypt(password, salt, expected.length, { N: n, r, p, maxmem: 128 * n * r * 2 }, (error, derived) => {
      resolve(!error && derived.length === expected.length && timingSafeEqual(derived, expected));
    });
  });
}

let dummy: string | undefined;

/**
 * A hash of a random password: verifying against it costs what a real check costs (no user enumeration by timing).
 * Made on first use, not at start-up (scrypt takes ~50 ms).
 */
export function dummyHash(): string {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}
