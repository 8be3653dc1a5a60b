// Relays renderer ↔ engine. Channels: `api:call` (invoke), `api:event` (main → page), `desktop:*` (native bits).
// Every incoming message is checked first: it must come from the top frame of our window showing our own origin,
// and an `api:call` must name a method of the contract. Anything else gets an RpcError-shaped answer, never a relay.
import { isMethodName, RpcError, type CallResult, type EventMessage, type MethodName } from '../gateway/contract/index.js';
import { isAppUrl } from './app-protocol.js';

export const CALL_CHANNEL = 'api:call';
export const EVENT_CHANNEL = 'api:event';

/** What we use of a WebFrameMain. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}
/** What we use of an IPC event: who sent it (the WebContents) and from which frame. */
export interface SenderLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}
/** What we use of ipcMain. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}
/** What we use of the window's webContents. */
export interface ContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}
export interface EngineLike {
  call(method: MethodName, params: unknown): Promise<CallResult>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}
/** `desktop:<name>` handlers; each receives the page's (untrusted) arguments and validates them itself. */
export type DesktopHandlers = Record<string, (...args: unknown[]) => unknown>;

const refuse = (code: 'forbidden' | 'unknown_method' | 'bad_request', message: string): CallResult => ({
  ok: false,
  error: new RpcError(code, message).toJSON(),
});

/** The message comes from our window's web contents, from its top frame, and that frame shows one of our pages. */
export function isTrustedSender(event: SenderLike, contents: object): boolean {
  const frame = event.senderFrame;
  return event.sender === contents && !!frame && frame.parent === null && isAppUrl(frame.url);
}

/** The `api:call` handler, apart from ipcMain so it can be tested alone. */
export function handleCall(engine: EngineLike, contents: object) {
  return async (event: SenderLike, request: unknown): Promise<CallResult> => {
    if (!isTrustedSender(event, contents)) return refuse('forbidden', 'Calls are accepted only from the Portico window.');
    if (request === null || typeof request !== 'object' || typeof (request as { method?: unknown }).method !== 'string') {
      return refuse('bad_request', 'A call is { method, params }.');
    }
    const { method, params } = request as { method: string; params?: unknown };
    if (!isMethodName(method)) return refuse('unknown_method', `Unknown method: ${method.slice(0, 100)}`);
    return engine.call(method, params ?? {});
  };
}

/** Wires the channels; returns the function that unwires them. */
export function registerBridge(ipcMain: IpcMainLike, contents: ContentsLike, engine: EngineLike, desktop: DesktopHandlers): () => void {
  ipcMain.handle(CALL_CHANNEL, handleCall(engine, contents));
  const channels = Object.keys(desktop).map((name) => `desktop:${name}`);
  for (const [name, handler] of Object.entries(desktop)) {
    ipcMain.handle(`desktop:${name}`, async (event, ...args) => {
      if (!isTrustedSender(event, contents)) throw new Error('forbidden: not the Portico window');
      return handler(...args);
    });
  }
  const unsubscribe = engine.onEvent((message) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, message);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(CALL_CHANNEL);
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
