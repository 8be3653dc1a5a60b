import { createApi, type ClientApi } from './client.js';
import { httpTransport } from './http-transport.js';
import { findBridge, ipcTransport } from './ipc-transport.js';
import { parseOffThread } from './parse-off-thread.js';

/**
 * The transport is chosen once, at start: inside the desktop app the preload's bridge (IPC), else HTTP to the
 * engine that served this page. Feature code never branches on where it runs.
 */
export function createDefaultApi(): ClientApi {
  const bridge = findBridge();
  return createApi(bridge ? ipcTransport(bridge) : httpTransport({ parseLarge: parseOffThread }));
}

export { createApi, type ClientApi, type Transport } from './client.js';
export type { TextBlob } from './text-blob.js';
export { httpTransport, type HttpTransportOptions, type EventSourceConstructor } from './http-transport.js';
export { ipcTransport, findBridge } from './ipc-transport.js';
