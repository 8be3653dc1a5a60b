import OutlineWorker from './outline.worker.ts?worker';
import type { OutlineItem, OutlineRequest, OutlineResponse } from './outline-protocol';

type Pending = { resolve: (r: OutlineResponse) => void };
let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

type Unsent = OutlineRequest extends infer R ? (R extends OutlineRequest ? Omit<R, 'id'> : never) : never;

function send(request: Unsent): Promise<OutlineResponse> {
  if (!worker) {
    worker = new OutlineWorker();
    worker.onmessage = (e: MessageEvent<OutlineResponse>) => {
      pending.get(e.data.id)?.resolve(e.data);
      pending.delete(e.data.id);
    };
  }
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, { resolve });
    worker!.postMessage({ ...request, id } as OutlineRequest);
  });
}

export async function outlineOf(path: string, text: string): Promise<OutlineItem[]> {
  const r = await send({ type: 'outline', path, text });
  return r.type === 'outline' ? r.items : [];
}

export async function locatePointer(path: string, text: string, pointer: string) {
  const r = await send({ type: 'locate', path, text, pointer });
  return r.type === 'locate' ? r.position : null;
}
