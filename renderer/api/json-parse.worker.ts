// Decodes and parses large JSON answers of the engine off the UI thread (see http-transport.ts, `parseLarge`).
import type { CallResult } from '../../gateway/contract/index.js';
import { withTextBlob } from './text-blob.js';

export interface ParseRequest {
  id: number;
  bytes: ArrayBuffer;
  /** Hand out this text field of the answer's value as a `TextBlob`, made here. */
  blobField?: string;
}
export type ParseResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

const decoder = new TextDecoder();

self.onmessage = async (e: MessageEvent<ParseRequest>) => {
  const { id, bytes, blobField } = e.data;
  let response: ParseResponse;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    response = { id, ok: true, value: blobField && value !== null && typeof value === 'object' ? await withTextBlob(value as CallResult, blobField) : value };
  } catch (error) {
    response = { id, ok: false, message: (error as Error).message };
  }
  self.postMessage(response);
};
