import type { MessagePort } from 'node:worker_threads';
import type { CallResult, EventMessage, PortMessage } from '../../contract/index.js';

/** The parent's side of the port protocol, as the desktop shell speaks it. */
export function portClient(port: MessagePort) {
  let nextId = 1;
  const pending = new Map<number | string, (result: CallResult) => void>();
  const events: EventMessage[] = [];
  const eventWaiters: ((m: EventMessage) => void)[] = [];
  port.on('message', (message: PortMessage) => {
    if ('event' in message) {
      const waiter = eventWaiters.shift();
      if (waiter) waiter(message);
      else events.push(message);
      return;
    }
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve?.('error' in message ? { ok: false, error: message.error } : { ok: true, value: message.result });
  });
  return {
    call(method: string, params?: unknown): Promise<CallResult> {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        port.postMessage({ id, method, params });
      });
    },
    nextEvent(predicate: (m: EventMessage) => boolean = () => true, timeoutMs = 10_000): Promise<EventMessage> {
      const index = events.findIndex(predicate);
      if (index !== -1) return Promise.resolve(events.splice(index, 1)[0]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no event in time')), timeoutMs);
        const wait = (m: EventMessage) => {
          if (predicate(m)) {
            clearTimeout(timer);
            resolve(m);
          } else eventWaiters.push(wait);
        };
        eventWaiters.push(wait);
      });
    },
  };
}
