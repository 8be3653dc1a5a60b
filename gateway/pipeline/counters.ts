import type { Counters, QuotaCounters } from './policy.js';

interface Window {
  count: number;
  resetAt: number;
  /** The previous window's count (sliding windows). */
  previous: number;
  length: number;
}

/**
 * In-memory fixed windows. One gateway process owns them and JavaScript runs one request at a time,
 * so a hit is counted exactly once however many requests arrive together.
 */
export class MemoryCounters implements Counters {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  hit(key: string, windowMs: number, now: number): { count: number; resetAt: number } {
    const window = this.current(key, windowMs, now);
    window.count += 1;
    return window;
  }

  /**
   * Sliding window, approximated as Cloudflare and nginx do: the previous fixed window's count weighted by how much
   * of it still overlaps the sliding one, plus the current count. Two numbers per key, no log of timestamps.
   */
  slide(key: string, windowMs: number, now: number): { count: number; resetAt: number } {
    const window = this.current(key, windowMs, now);
    window.count += 1;
    const overlap = (window.resetAt - now) / windowMs;
    return { count: Math.floor(window.previous * overlap) + window.count, resetAt: window.resetAt };
  }

  private current(key: string, windowMs: number, now: number): Window {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      const start = now - (now % windowMs);
      // The window just before this one carries over; an older one does not.
      const previous = window && window.resetAt === start ? window.count : 0;
      window = { count: 0, resetAt: start + windowMs, previous, length: windowMs };
      this.windows.set(key, window);
      this.sweep(now);
    }
    return window;
  }

  /** Forget expired windows now and then, so a stream of distinct clients cannot grow the map without bound. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    // A window that ended more than one window ago no longer counts, even for a sliding window.
    for (const [key, window] of this.windows) if (window.resetAt + window.length <= now) this.windows.delete(key);
  }
}

/** Quota counts in memory: used when no persistent store is given (a restart resets them). */
export class MemoryQuotaCounters implements QuotaCounters {
  private readonly counts = new Map<string, { start: number; end: number; count: number }>();

  hit(key: string, period: 'day' | 'month', now: number): { count: number; resetAt: number } {
    const date = new Date(now);
    const start = period === 'day' ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    const end = period === 'day' ? start + 86_400_000 : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    let entry = this.counts.get(key);
    if (!entry || entry.start !== start) {
      entry = { start, end, count: 0 };
      this.counts.set(key, entry);
    }
    entry.count += 1;
    return { count: entry.count, resetAt: end };
  }
}
