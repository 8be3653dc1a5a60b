import ParseWorker from './json-parse.worker.ts?worker';
import type { ParseRequest, ParseResponse } from './json-parse.worker';

/**
 * JSON parsed in a worker: the bytes are transferred (not copied) and the parsed value comes back as a structured
 * clone, which for the large answers (a file's text, a bundled design) is mostly one string copy.
 */
let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

export function parseOffThread(bytes: ArrayBuffer): Promise<unknown> {
  if (!worker) {
    worker = new ParseWorker();
    worker.onmessage = (e: MessageEvent<ParseResponse>) => {
      const waiting = pending.get(e.data.id);
      pending.delete(e.data.id);
      if (e.data.ok) waiting?.resolve(e.data.value);
      else waiting?.reject(new Error(e.data.message));
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ id, bytes } satisfies ParseRequest, [bytes]);
  });
}
