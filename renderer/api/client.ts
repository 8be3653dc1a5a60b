import { RpcError, type Api, type CallResult, type EventMessage, type EventName, type EventPayload, type MethodName, type Params, type Result } from '../../gateway/contract/index.js';
import type { TextBlob } from './text-blob.js';

/**
 * The renderer's one client of the engine: typed `call` and `subscribe` over whichever transport was chosen at
 * start (IPC in the desktop app, HTTP in the browser, a fake in tests). Feature code sees only `Api`.
 */

/** What carries the contract: one call, one `CallResult`; every event, in order. `PorticoBridge` is one. */
export interface Transport {
  /** `blobField`: hand out the answer's `value[blobField]` text as a `TextBlob` (`withTextBlob`). */
  call(method: MethodName, params: unknown, blobField?: string): Promise<CallResult>;
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** The names of a result's text fields. */
type TextField<T> = { [K in keyof T]-?: [NonNullable<T[K]>] extends [string] ? K : never }[keyof T] & string;
export type WithTextBlob<T, F extends keyof T> = Omit<T, F> & { [K in F]: TextBlob | null };

/** The contract's client, and one more way to call. */
export interface ClientApi extends Api {
  /**
   * `call`, with one text field of the answer handed out as a `TextBlob`: for a large text this window passes on
   * without reading (the bundled design, for the docs frame). Over HTTP the text never reaches this thread.
   */
  callWithBlob<M extends MethodName, F extends TextField<Result<M>>>(method: M, params: Params<M>, field: F): Promise<WithTextBlob<Result<M>, F>>;
}

export function createApi(transport: Transport): ClientApi {
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
      return valueOf(await transport.call(method, params)) as Result<M>;
    },
    async callWithBlob<M extends MethodName, F extends TextField<Result<M>>>(method: M, params: Params<M>, field: F): Promise<WithTextBlob<Result<M>, F>> {
      return valueOf(await transport.call(method, params, field)) as WithTextBlob<Result<M>, F>;
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

function valueOf(result: CallResult): unknown {
  if (result.ok) return result.value;
  throw new RpcError(result.error.code, result.error.message, result.error.details);
}

/** A `CallResult` for a failure on this side of the transport (network down, unexpected answer). */
export function transportFailure(message: string, code: 'internal' | 'forbidden' = 'internal'): CallResult {
  return { ok: false, error: { code, message } };
}
