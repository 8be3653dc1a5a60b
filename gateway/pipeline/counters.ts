import type { Counters } from './policy.js';

interface Window {
  count: number;
  resetAt: number;
}

/**
 * In-memory fixed windows. One gateway process owns them and JavaScript runs one request at a time,
 * so a hit is counted exactly once however many requests arrive together.
 */
export class MemoryCounters implements Counters {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  hit(key: string, windowMs: number, now: number): { count: number; resetAt: number } {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      const start = now - (now % windowMs);
      window = { count: 0, resetAt: start + windowMs };
      this.windows.set(key, window);
      this.sweep(now);
    }
    window.count += 1;
    return window;
  }

  /** Forget expired windows now and then, so a stream of distinct clients cannot grow the map without bound. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
