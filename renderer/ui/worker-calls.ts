/**
 * Requests to a worker started on first use, each answered by a message carrying the request's `id`. The outline and
 * the large-answer parser talk to their workers this way.
 */
export function workerCalls<Request extends object, Response extends { id: number }>(start: () => Worker) {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, (response: Response) => void>();
  return (request: Request, transfer: Transferable[] = []): Promise<Response> => {
    if (!worker) {
      worker = start();
      worker.onmessage = (e: MessageEvent<Response>) => {
        const resolve = pending.get(e.data.id);
        pending.delete(e.data.id);
        resolve?.(e.data);
      };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker!.postMessage({ ...request, id }, transfer);
    });
  };
}
