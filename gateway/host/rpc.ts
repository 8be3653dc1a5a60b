import {
  isMethodName,
  methods,
  RpcError,
  type CallResult,
  type EventMessage,
  type EventName,
  type EventPayload,
  type Handlers,
  type MethodName,
} from '../contract/index.js';

/**
 * One dispatch for every transport (HTTP, MessagePort): params are validated here, once, with the contract's
 * schemas; errors cross the boundary as data (`RpcError`), never as stack traces.
 */

export type { Handlers } from '../contract/index.js';

export type EventListener = (message: EventMessage) => void;

export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Every event, in order; returns the function that stops listening. */
  subscribe(listener: EventListener): () => void;
}

export interface Dispatcher extends EventBus {
  dispatch(method: string, params: unknown): Promise<CallResult>;
}

export interface DispatcherOptions {
  /** The bus events go through; a new one when not given (services that emit need it before the dispatcher exists). */
  bus?: EventBus;
  /** Where internal errors are written, with their stack; default stderr. */
  logError?: (message: string) => void;
}

const writeStderr = (message: string): void => void process.stderr.write(`${message}\n`);

export function createEventBus(logError: (message: string) => void = writeStderr): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(event, payload) {
      const message = { event, payload } as EventMessage;
      for (const listener of [...listeners]) {
        try {
          listener(message);
        } catch (error) {
          logError(`portico: event listener failed on ${event}: ${(error as Error).stack ?? String(error)}`);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export function createDispatcher(handlers: Handlers, options: DispatcherOptions = {}): Dispatcher {
  const logError = options.logError ?? writeStderr;
  const bus = options.bus ?? createEventBus(logError);
  return {
    emit: bus.emit,
    subscribe: bus.subscribe,
    async dispatch(method, params) {
      if (!isMethodName(method)) return failure(new RpcError('unknown_method', `unknown method "${String(method).slice(0, 100)}"`));
      const parsed = methods[method].params.safeParse(params ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message, code: issue.code }));
        return failure(new RpcError('bad_request', `invalid params for ${method}: ${issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')}`, issues));
      }
      try {
        const handler = handlers[method] as (params: unknown) => Promise<unknown>;
        return { ok: true, value: await handler(parsed.data) };
      } catch (error) {
        if (error instanceof RpcError) return failure(error);
        logError(`portico: ${method} failed: ${(error as Error)?.stack ?? String(error)}`);
        return failure(new RpcError('internal', `${method} failed: internal error (see the engine's log)`));
      }
    },
  };
}

function failure(error: RpcError): CallResult {
  return { ok: false, error: error.toJSON() };
}

/** The names the dispatcher answers, for transports that list or allow methods. */
export const methodNames = Object.keys(methods) as MethodName[];
