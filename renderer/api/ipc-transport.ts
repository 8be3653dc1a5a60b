import type { CallResult, EventMessage, MethodName, PorticoBridge } from '../../gateway/contract/index.js';
import { transportFailure, type Transport } from './client.js';
import { withTextBlob } from './text-blob.js';

/**
 * The desktop app: the preload exposes `window.portico` (`PorticoBridge`: named calls only), which relays over
 * Electron IPC to the engine's process.
 */
export function ipcTransport(bridge: PorticoBridge): Transport {
  return {
    async call(method: MethodName, params: unknown, blobField?: string): Promise<CallResult> {
      try {
        // The bridge has already copied the answer to this thread (a structured clone): the blob is made here.
        const result = await bridge.call(method, params);
        return blobField ? await withTextBlob(result, blobField) : result;
      } catch (error) {
        return transportFailure(`the desktop bridge failed: ${(error as Error)?.message ?? String(error)}`);
      }
    },
    subscribe: (listener: (message: EventMessage) => void) => bridge.subscribe(listener),
  };
}

/** The bridge, when the page runs inside the desktop app. */
export function findBridge(): PorticoBridge | undefined {
  const candidate = (globalThis as { portico?: Partial<PorticoBridge> }).portico;
  return candidate && typeof candidate.call === 'function' && typeof candidate.subscribe === 'function' ? (candidate as PorticoBridge) : undefined;
}
