// Elements' dependencies read `process.env` and `process.browser`; give them a minimal one before they load.
const g = globalThis as unknown as { process?: unknown };
g.process ??= { env: { NODE_ENV: import.meta.env.MODE }, browser: true, version: '', versions: {}, platform: 'browser', cwd: () => '/', nextTick: (fn: () => void) => queueMicrotask(fn) };
export {};
