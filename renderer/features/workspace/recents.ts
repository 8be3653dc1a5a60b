// Recently opened workspace folders. The desktop app keeps its own list (native.recentWorkspaces); in the browser
// they live in localStorage, most recent first.

/** What the desktop preload offers on `window.portico.native` that this feature uses (see electron/preload.cts). */
interface PorticoNative {
  openFolder(): Promise<string | null>;
  recentWorkspaces(): Promise<string[]>;
}

const KEY = 'portico.recentWorkspaces';
export const RECENT_LIMIT = 8;

/** The desktop's native extras, when the page runs inside the desktop app. */
export function nativeApi(): PorticoNative | null {
  const bridge = (window as { portico?: { native?: PorticoNative } }).portico;
  return bridge?.native ?? null;
}

function stored(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
  } catch {
    return [];
  }
}

export async function recentWorkspaces(): Promise<string[]> {
  const native = nativeApi();
  if (native) return native.recentWorkspaces().catch(() => []);
  return stored();
}

/** Remembers a folder as the most recent one (browser mode; the desktop app records what its dialog returns). */
export function rememberWorkspace(folder: string) {
  if (nativeApi() || folder === '') return;
  const next = [folder, ...stored().filter((f) => f !== folder)].slice(0, RECENT_LIMIT);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: recents are a convenience
  }
}

export function forgetWorkspace(folder: string) {
  if (nativeApi()) return;
  try {
    localStorage.setItem(KEY, JSON.stringify(stored().filter((f) => f !== folder)));
  } catch {
    // as above
  }
}
