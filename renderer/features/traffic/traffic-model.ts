// The inspector's state: the filtered list (keyset pages, newest first), live updates, selection, count and database info.
import { RpcError, type Api, type ExchangeSummary, type TrafficInfo } from '../../../gateway/contract';
import { Store } from '../workspace/store';
import { normalizeQuery } from './query';

export const PAGE = 300;
/** Live fetches ask for at most this many new rows; more than that arrived at once and the list starts over. */
const LIVE_LIMIT = 1000;
const COUNT_DELAY_MS = 400;
/** Under sustained traffic, live fetches run at most this often (events in between are coalesced). */
const LIVE_GAP_MS = 120;
/** Live rows are prepended without bound otherwise: past this, the oldest loaded rows are dropped (paged in again on scroll). */
export const MAX_ROWS = 50_000;
const INFO_EVERY_MS = 5000;

export interface TrafficState {
  /** The applied query text. */
  filter: string;
  rows: ExchangeSummary[];
  loading: boolean;
  /** No older rows left for this filter. */
  done: boolean;
  /** The engine refused the query (bad_request: shown under the filter bar) or failed. */
  error: { message: string; badQuery: boolean } | null;
  paused: boolean;
  /** Exchanges that arrived while paused. */
  pending: number;
  count: { count: number; capped: boolean } | null;
  info: TrafficInfo | null;
  /** Selected ids, in the order they were selected (compare uses the first two). */
  selected: number[];
  /** The row a shift-click extends from. */
  anchor: number | null;
  /** Rows just added on top (the list keeps the user's rows in place when scrolled down). */
  prepended: { count: number; nonce: number };
  /** Last query time reported by the engine. */
  queryMs: number | null;
}

const initial: TrafficState = {
  filter: '',
  rows: [],
  loading: false,
  done: false,
  error: null,
  paused: false,
  pending: 0,
  count: null,
  info: null,
  selected: [],
  anchor: null,
  prepended: { count: 0, nonce: 0 },
  queryMs: null,
};

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class TrafficModel {
  readonly store = new Store<TrafficState>(initial);
  /** Bumped on every reload: answers of older generations are dropped. */
  private generation = 0;
  private live: Promise<void> | null = null;
  private liveAgain = false;
  private countTimer: ReturnType<typeof setTimeout> | undefined;
  private infoTimer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly api: Api) {}

  start(): () => void {
    const stops = [
      this.api.subscribe('traffic.appended', ({ ids }) => this.onAppended(ids.length)),
      this.api.subscribe('traffic.reset', () => {
        void this.reload();
        void this.refreshInfo();
      }),
    ];
    void this.reload();
    void this.refreshInfo();
    this.infoTimer = setInterval(() => void this.refreshInfo(), INFO_EVERY_MS);
    return () => {
      stops.forEach((s) => s());
      clearInterval(this.infoTimer);
      clearTimeout(this.countTimer);
      this.generation++;
    };
  }

  get state() {
    return this.store.get();
  }

  setFilter(filter: string) {
    this.store.set({ filter: normalizeQuery(filter) });
    void this.reload();
  }

  async reload(): Promise<void> {
    const generation = ++this.generation;
    const { filter } = this.state;
    this.store.set({ loading: true });
    try {
      const { rows, durationMs } = await this.api.call('traffic.query', { filter, limit: PAGE });
      if (generation !== this.generation) return;
      const ids = new Set(rows.map((r) => r.id));
      this.store.set((s) => ({
        rows,
        done: rows.length < PAGE,
        loading: false,
        error: null,
        pending: 0,
        queryMs: durationMs,
        selected: s.selected.filter((id) => ids.has(id)),
      }));
      this.scheduleCount(0);
    } catch (e) {
      if (generation !== this.generation) return;
      this.store.set({ rows: [], loading: false, done: true, count: null, error: { message: errorText(e), badQuery: e instanceof RpcError && e.code === 'bad_request' } });
    }
  }

  /** The next (older) page, after the last row shown. */
  async loadMore(): Promise<void> {
    const s = this.state;
    if (s.loading || s.done || s.error || s.rows.length === 0) return;
    const generation = this.generation;
    this.store.set({ loading: true });
    try {
      const { rows, durationMs } = await this.api.call('traffic.query', { filter: s.filter, limit: PAGE, beforeId: s.rows[s.rows.length - 1]!.id });
      if (generation !== this.generation) return;
      this.store.set((now) => ({ rows: now.rows.concat(rows), done: rows.length < PAGE, loading: false, queryMs: durationMs }));
    } catch (e) {
      if (generation !== this.generation) return;
      this.store.set({ loading: false, error: { message: errorText(e), badQuery: false } });
    }
  }

  private onAppended(count: number) {
    if (this.state.paused) {
      this.store.set((s) => ({ pending: s.pending + count }));
      return;
    }
    void this.fetchNew();
  }

  /** Rows newer than the newest shown (one request at a time; events during it cause one more). */
  private fetchNew(): Promise<void> {
    if (this.live) {
      this.liveAgain = true;
      return this.live;
    }
    this.live = (async () => {
      do {
        this.liveAgain = false;
        const s = this.state;
        if (s.error || (s.loading && s.rows.length === 0)) {
          await this.reload();
          continue;
        }
        const newest = s.rows[0]?.id;
        if (newest === undefined) {
          await this.reload();
          continue;
        }
        const generation = this.generation;
        try {
          const { rows } = await this.api.call('traffic.query', { filter: s.filter, limit: LIVE_LIMIT, afterId: newest });
          if (generation !== this.generation) continue;
          if (rows.length >= LIVE_LIMIT) {
            await this.reload();
            continue;
          }
          const fresh = rows.filter((r) => r.id > newest);
          if (fresh.length > 0) {
            fresh.sort((a, b) => b.id - a.id);
            this.store.set((now) => {
              const rows = fresh.concat(now.rows);
              const trimmed = rows.length > MAX_ROWS;
              return { rows: trimmed ? rows.slice(0, MAX_ROWS) : rows, ...(trimmed && { done: false }), prepended: { count: fresh.length, nonce: now.prepended.nonce + 1 } };
            });
          }
          this.scheduleCount();
        } catch {
          /* the next event tries again */
        }
        if (this.liveAgain) await new Promise((resolve) => setTimeout(resolve, LIVE_GAP_MS));
      } while (this.liveAgain);
      this.live = null;
    })();
    return this.live;
  }

  setPaused(paused: boolean) {
    const pending = this.state.pending;
    this.store.set({ paused, ...(paused ? {} : { pending: 0 }) });
    if (!paused && pending > 0) void this.fetchNew();
  }

  async clear(): Promise<number> {
    const { deleted } = await this.api.call('traffic.clear', {});
    this.store.set({ selected: [], anchor: null });
    await Promise.all([this.reload(), this.refreshInfo()]);
    return deleted;
  }

  private scheduleCount(delay = COUNT_DELAY_MS) {
    if (this.countTimer !== undefined) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = undefined;
      const { filter } = this.state;
      const generation = this.generation;
      this.api.call('traffic.count', { filter }).then(
        (count) => generation === this.generation && this.store.set({ count }),
        () => undefined,
      );
      void this.refreshInfo();
    }, delay);
  }

  async refreshInfo() {
    try {
      this.store.set({ info: await this.api.call('traffic.info', {}) });
    } catch {
      /* shown as unknown */
    }
  }

  /** Click: select one. Ctrl/Cmd: toggle. Shift: the range from the anchor. */
  select(id: number, how: { toggle?: boolean; range?: boolean } = {}) {
    const s = this.state;
    if (how.range && s.anchor !== null) {
      const a = s.rows.findIndex((r) => r.id === s.anchor);
      const b = s.rows.findIndex((r) => r.id === id);
      if (a >= 0 && b >= 0) {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        this.store.set({ selected: s.rows.slice(lo, hi + 1).map((r) => r.id) });
        return;
      }
    }
    if (how.toggle) {
      const has = s.selected.includes(id);
      this.store.set({ selected: has ? s.selected.filter((x) => x !== id) : [...s.selected, id], anchor: id });
      return;
    }
    this.store.set({ selected: [id], anchor: id });
  }

  /** Moves the single selection up or down the list (keyboard). Returns the new index. */
  step(delta: number): number | null {
    const s = this.state;
    const current = s.selected.length ? s.rows.findIndex((r) => r.id === s.selected[s.selected.length - 1]) : -1;
    const next = Math.max(0, Math.min(s.rows.length - 1, current + delta));
    const row = s.rows[next];
    if (!row) return null;
    this.store.set({ selected: [row.id], anchor: row.id });
    return next;
  }
}
