import { workerCalls } from '../ui/worker-calls';
import ParseWorker from './json-parse.worker.ts?worker';
import type { ParseRequest, ParseResponse } from './json-parse.worker';

/**
 * JSON parsed in a worker: the bytes are transferred (not copied) and the parsed value comes back as a structured
 * clone, which for the large answers (a file's text) is mostly one string copy; a text asked for as a `TextBlob` (the
 * bundled design) comes back as a Blob handle, made in the worker.
 */
const parse = workerCalls<Omit<ParseRequest, 'id'>, ParseResponse>(() => new ParseWorker());

export async function parseOffThread(bytes: ArrayBuffer, blobField?: string): Promise<unknown> {
  const response = await parse({ bytes, blobField }, [bytes]);
  if (response.ok) return response.value;
  throw new Error(response.message);
}
