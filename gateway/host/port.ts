import { RpcError, type EventMessage, type PortReply, type PortRequest } from '../contract/index.js';
import type { Dispatcher } from './rpc.js';

/**
 * The contract over a MessagePort: Node's worker_threads `MessagePort` and Electron's `MessagePortMain` both fit.
 * Requests `{ id, method, params }` get exactly one reply, `{ id, result }` or `{ id, error }`; events go out as
 * `{ event, payload }`. Electron delivers `{ data, ports }` events where Node delivers the data itself: both are read.
 */

export interface MessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off?(event: 'message', listener: (message: unknown) => void): unknown;
  /** Electron's MessagePortMain queues messages until started. */
  start?(): void;
}

/** Serves `dispatcher` on `port` until the returned function is called. */
export function servePort(port: MessagePortLike, dispatcher: Dispatcher): () => void {
  const onMessage = (raw: unknown): void => {
    const message = unwrap(raw);
    if (!isRequest(message)) {
      const id = (message as { id?: unknown } | null)?.id;
      if (typeof id === 'number' || typeof id === 'string') {
        port.postMessage({ id, error: new RpcError('bad_request', 'a request is { id, method, params }').toJSON() } satisfies PortReply);
      }
      return;
    }
    void dispatcher.dispatch(message.method, message.params).then((result) => {
      const reply: PortReply = result.ok ? { id: message.id, result: result.value } : { id: message.id, error: result.error };
      port.postMessage(reply);
    });
  };
  port.on('message', onMessage);
  port.start?.();
  const unsubscribe = dispatcher.subscribe((event: EventMessage) => port.postMessage(event));
  return () => {
    unsubscribe();
    port.off?.('message', onMessage);
  };
}

/** Electron's MessagePortMain and parentPort hand listeners `{ data, ports }`; Node's MessagePort the data. */
export function unwrap(raw: unknown): unknown {
  if (raw !== null && typeof raw === 'object' && 'data' in raw && 'ports' in raw && !('method' in raw)) return (raw as { data: unknown }).data;
  return raw;
}

function isRequest(value: unknown): value is PortRequest {
  if (value === null || typeof value !== 'object') return false;
  const { id, method } = value as Record<string, unknown>;
  return (typeof id === 'number' || typeof id === 'string') && typeof method === 'string';
}
