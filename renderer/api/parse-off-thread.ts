import { workerCalls } from '../ui/worker-calls';
import ParseWorker from './json-parse.worker.ts?worker';
import type { ParseRequest, ParseResponse } from './json-parse.worker';

/**
 * JSON parsed in a worker: the bytes are transferred (not copied) and the parsed value comes back as a structured
 * clone, which for the large answers (a file's text, a bundled design) is mostly one string copy.
 */
const parse = workerCalls<Omit<ParseRequest, 'id'>, ParseResponse>(() => new ParseWorker());

export async function parseOffThread(bytes: ArrayBuffer): Promise<unknown> {
  const response = await parse({ bytes }, [bytes]);
  if (response.ok) return response.value;
  throw new Error(response.message);
}
