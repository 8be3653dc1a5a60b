import { events, rpcError, type CallResult, type EventMessage, type EventName, type MethodName } from '../../gateway/contract/index.js';
import { transportFailure, type Transport } from './client.js';
import { withTextBlob } from './text-blob.js';

/**
 * Browser mode: calls are `POST /api/call/<method>` with a JSON body, answered with a JSON `CallResult`; events
 * come from `GET /api/events` (Server-Sent Events: `event:` the name, `data:` the JSON payload). The session
 * cookie set by `/?token=...` authenticates both (same origin); outside a browser, pass `token` (Bearer).
 * Written without DOM types so that it also runs (and is tested) in Node.
 */

interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}
type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; credentials?: 'same-origin' }) => Promise<ResponseLike>;

interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
}
export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;

export interface HttpTransportOptions {
  /** Default '' (the page's own origin). */
  baseUrl?: string;
  /** Bearer token, for clients that have no session cookie (tests, scripts). */
  token?: string;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** Default: the global EventSource (browsers; Node 20 has none). */
  EventSource?: EventSourceConstructor;
  /**
   * Parses the JSON of answers of `LARGE_ANSWER_BYTES` or more somewhere else than the calling thread (the browser's
   * entry passes a worker: `parse-off-thread.ts`). A 13 MB file read as JSON text took ~100 ms of the UI thread.
   * With `blobField`, it also hands out that text field of the answer as a `TextBlob` (`withTextBlob`).
   */
  parseLarge?: (bytes: ArrayBuffer, blobField?: string) => Promise<unknown>;
}

export const LARGE_ANSWER_BYTES = 1_000_000;

export function httpTransport(options: HttpTransportOptions = {}): Transport {
  const base = options.baseUrl ?? '';
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.token && { authorization: `Bearer ${options.token}` }) };
  const global = globalThis as unknown as { fetch?: FetchLike; EventSource?: EventSourceConstructor };

  return {
    async call(method: MethodName, params: unknown, blobField?: string): Promise<CallResult> {
      const doFetch = options.fetch ?? global.fetch;
      if (!doFetch) return transportFailure('no fetch in this environment');
      let response: ResponseLike;
      try {
        response = await doFetch(`${base}/api/call/${encodeURIComponent(method)}`, { method: 'POST', headers, body: JSON.stringify(params ?? {}), credentials: 'same-origin' });
      } catch (error) {
        return transportFailure(`cannot reach the engine: ${(error as Error)?.message ?? String(error)}`);
      }
      let body: unknown;
      try {
        const size = Number(response.headers.get('content-length') ?? 0);
        if (options.parseLarge && size >= LARGE_ANSWER_BYTES) body = await options.parseLarge(await response.arrayBuffer(), blobField);
        else {
          body = JSON.parse(await response.text());
          if (blobField && isCallResult(body)) body = await withTextBlob(body, blobField);
        }
      } catch {
        return transportFailure(`unexpected answer from the engine (HTTP ${response.status})`);
      }
      if (isCallResult(body)) return body;
      // The host's own refusals (no token, bad Host or Origin) are problem documents.
      const detail = (body as { detail?: unknown; title?: unknown } | null)?.detail ?? (body as { title?: unknown } | null)?.title;
      return transportFailure(`${typeof detail === 'string' ? detail : 'refused'} (HTTP ${response.status})`, response.status === 403 ? 'forbidden' : 'internal');
    },

    subscribe(listener: (message: EventMessage) => void): () => void {
      const Source = options.EventSource ?? global.EventSource;
      if (!Source) throw new Error('no EventSource in this environment: pass one in the options');
      // EventSource reconnects by itself (the host sends `retry:`); the cookie goes along on the same origin.
      const source = new Source(`${base}/api/events`);
      for (const name of Object.keys(events) as EventName[]) {
        source.addEventListener(name, (event) => {
          let payload: unknown;
          try {
            payload = JSON.parse(event.data);
          } catch {
            return;
          }
          listener({ event: name, payload } as EventMessage);
        });
      }
      return () => source.close();
    },
  };
}

function isCallResult(value: unknown): value is CallResult {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if (record.ok === true) return 'value' in record;
  return record.ok === false && rpcError.safeParse(record.error).success;
}
