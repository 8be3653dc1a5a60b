// The window and its web contents, hardened per Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security). No business logic: options, policies, one factory.
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { APP_SCHEME, isAppUrl } from './app-protocol.js';

/**
 * The page's Content-Security-Policy: everything from our own `portico://app` origin, nothing remote, no inline or
 * eval'd script. Inline *styles* are allowed because Monaco and the docs preview inject <style> elements at run time.
 * `connect-src` admits the loopback gateway so the docs' try-it console can call the local mock; nothing else.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "frame-src 'self'",
  "connect-src 'self' http://127.0.0.1:*",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Portico',
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

type HeadersSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived' | 'onBeforeRequest'>;
};

/** Requests the page may make at all: our own scheme, in-memory URLs, devtools, and the loopback gateway. */
export function isAllowedRequest(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:`) return isAppUrl(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'devtools:') return true;
  return parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1';
}

/** Session-wide: every permission denied, CSP on every response, nothing fetched from outside the machine. */
export function hardenSession(session: HeadersSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'));
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CSP] } });
  });
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
}

export interface ExternalLinks {
  /** Asks the user; true only when they said yes. */
  confirm(url: string): Promise<boolean>;
  openExternal(url: string): Promise<void>;
}

/** Opens `url` in the default browser only when it is https and the user agreed. Returns whether it did. */
export async function openExternalSafely(url: string, links: ExternalLinks): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  if (!(await links.confirm(parsed.href))) return false;
  await links.openExternal(parsed.href);
  return true;
}

type HardenedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Per window: no navigation away, no new windows, no <webview>; https links may go to the browser after asking. */
export function hardenContents(contents: HardenedContents, links: ExternalLinks): void {
  const offer = (url: string) => void openExternalSafely(url, links).catch(() => undefined);
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    offer(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    offer(url);
    return { action: 'deny' };
  });
}

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  preload: string;
}

/**
 * The one main window, loading the packaged renderer from `portico://app/`. Its contents are hardened by main's
 * `web-contents-created` hook (which covers every contents, so this window's listeners are not added twice).
 */
export function createMainWindow({ BrowserWindow, preload }: WindowDeps): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preload));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_SCHEME}://app/index.html`);
  return win;
}
