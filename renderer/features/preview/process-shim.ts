// Elements' dependencies read `process.env` and `process.browser`; give them a minimal one before they load.
const g = globalThis as unknown as { process?: unknown };
g.process ??= { env: { NODE_ENV: import.meta.env.MODE }, browser: true, version: '', versions: {}, platform: 'browser', cwd: () => '/', nextTick: (fn: () => void) => queueMicrotask(fn) };
export {};

// The frame is sandboxed without allow-same-origin, so reading `localStorage`/`sessionStorage` throws; Elements reads
// them (remembered try-it inputs). An in-memory Storage per frame instead: nothing outlives a reload, by design.
class MemoryStorage implements Storage {
  #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(String(key)) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(String(key));
  }
  setItem(key: string, value: string) {
    this.#items.set(String(key), String(value));
  }
}
for (const name of ['localStorage', 'sessionStorage'] as const) {
  try {
    void window[name];
  } catch {
    Object.defineProperty(window, name, { value: new MemoryStorage(), configurable: true });
  }
}
