import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { QuotaCounters } from '../pipeline/policy.js';

/**
 * Quota counts per key and calendar period (UTC day or month), in `<dataDir>/quotas.db`, so that a restart does not
 * reset them. One upsert per counted request (WAL, synchronous=NORMAL: a few microseconds); quotas are per consumer
 * per day or month, so this is not the rate limiter's hot path. Old periods are deleted now and then.
 */

export interface QuotaStore extends QuotaCounters {
  readonly file: string;
  close(): void;
}

export function periodBounds(period: 'day' | 'month', now: number): { start: number; end: number } {
  const date = new Date(now);
  if (period === 'day') {
    const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    return { start, end: start + 86_400_000 };
  }
  return { start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1), end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
}

export function openQuotaStore(dataDir: string): QuotaStore {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'quotas.db');
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.transaction(() => {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > 1) throw new Error(`${file} has schema version ${version}, newer than this Portico understands (1)`);
      if (version === 1) return;
      db.exec(`
        CREATE TABLE quota_counts (
          key TEXT NOT NULL,                 -- policy instance | consumer or address
          period_start INTEGER NOT NULL,     -- ms since the epoch, UTC day or month start
          period_end INTEGER NOT NULL,
          count INTEGER NOT NULL,
          PRIMARY KEY (key, period_start)
        ) WITHOUT ROWID;
      `);
      db.pragma('user_version = 1');
    }).immediate();
  } catch (error) {
    db.close();
    throw error;
  }
  const hit = db.prepare(
    'INSERT INTO quota_counts (key, period_start, period_end, count) VALUES (?, ?, ?, 1) ON CONFLICT (key, period_start) DO UPDATE SET count = count + 1 RETURNING count',
  );
  const sweep = db.prepare('DELETE FROM quota_counts WHERE period_end <= ?');
  let lastSweep = 0;

  return {
    file,
    hit(key, period, now) {
      const { start, end } = periodBounds(period, now);
      const { count } = hit.get(key, start, end) as { count: number };
      if (now - lastSweep > 3_600_000) {
        lastSweep = now;
        sweep.run(now);
      }
      return { count, resetAt: end };
    },
    close() {
      if (db.open) db.close();
    },
  };
}
