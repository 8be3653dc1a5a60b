import { RpcError, type Api, type CallResult, type EventMessage, type EventName, type EventPayload, type MethodName, type Result } from '../../gateway/contract/index.js';

/**
 * The renderer's one client of the engine: typed `call` and `subscribe` over whichever transport was chosen at
 * start (IPC in the desktop app, HTTP in the browser, a fake in tests). Feature code sees only `Api`.
 */

/** What carries the contract: one call, one `CallResult`; every event, in order. `PorticoBridge` is one. */
export interface Transport {
  call(method: MethodName, params: unknown): Promise<CallResult>;
  subscribe(listener: (message: EventMessage) => void): () => void;
}

export function createApi(transport: Transport): Api {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let detach: (() => void) | undefined;

  const deliver = (message: EventMessage): void => {
    for (const listener of [...(listeners.get(message.event) ?? [])]) {
      try {
        (listener as (payload: unknown) => void)(message.payload);
      } catch (error) {
        console.error(`listener of ${message.event} failed`, error);
      }
    }
  };

  return {
    async call<M extends MethodName>(method: M, params: unknown): Promise<Result<M>> {
      const result = await transport.call(method, params);
      if (result.ok) return result.value as Result<M>;
      throw new RpcError(result.error.code, result.error.message, result.error.details);
    },
    subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      // One transport subscription for all listeners, opened with the first and closed with the last.
      detach ??= transport.subscribe(deliver);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        set.delete(listener);
        if (set.size === 0) listeners.delete(event);
        if (listeners.size === 0 && detach) {
          detach();
          detach = undefined;
        }
      };
    },
  };
}

/** A `CallResult` for a failure on this side of the transport (network down, unexpected answer). */
export function transportFailure(message: string, code: 'internal' | 'forbidden' = 'internal'): CallResult {
  return { ok: false, error: { code, message } };
}
