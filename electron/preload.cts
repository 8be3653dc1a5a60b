// The only bridge between the page and the desktop. Runs in a sandboxed preload, so it is CommonJS (this file is
// .cts, compiled to dist/electron/preload.cjs) and may require nothing but 'electron'. The page gets named calls
// only — never ipcRenderer, never an IpcRendererEvent (whose `sender` would be ipcRenderer itself).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- TypeScript's CommonJS import, as a sandboxed preload must be
import electron = require('electron');

const { contextBridge, ipcRenderer } = electron;
import type { CallResult, EventMessage, MethodName, PorticoBridge } from '../gateway/contract/index.js';

/** The desktop-only extras on `window.portico.native`. */
export interface PorticoNative {
  /** Asks for a folder; its absolute path, or null when cancelled. Chosen folders join the recent list. */
  openFolder(): Promise<string | null>;
  /** Asks where to save a file; its absolute path, or null when cancelled. */
  chooseSavePath(options?: { defaultName?: string; extensions?: string[] }): Promise<string | null>;
  /** Shows an absolute path in the OS file manager. */
  reveal(path: string): Promise<boolean>;
  /** Recently opened workspace folders, most recent first. */
  recentWorkspaces(): Promise<string[]>;
}
export interface PorticoDesktop extends PorticoBridge {
  native: PorticoNative;
}

const portico: PorticoDesktop = {
  call: (method: MethodName, params: unknown): Promise<CallResult> => ipcRenderer.invoke('api:call', { method, params }),
  subscribe(listener: (message: EventMessage) => void): () => void {
    const relay = (_event: unknown, message: EventMessage) => listener(message);
    ipcRenderer.on('api:event', relay);
    return () => {
      ipcRenderer.removeListener('api:event', relay);
    };
  },
  native: {
    openFolder: () => ipcRenderer.invoke('desktop:openFolder'),
    chooseSavePath: (options) => ipcRenderer.invoke('desktop:chooseSavePath', options),
    reveal: (path) => ipcRenderer.invoke('desktop:reveal', path),
    recentWorkspaces: () => ipcRenderer.invoke('desktop:recentWorkspaces'),
  },
};

contextBridge.exposeInMainWorld('portico', portico);
