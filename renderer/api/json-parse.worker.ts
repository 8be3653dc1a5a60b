// Decodes and parses large JSON answers of the engine off the UI thread (see http-transport.ts, `parseLarge`).
export interface ParseRequest {
  id: number;
  bytes: ArrayBuffer;
}
export type ParseResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

const decoder = new TextDecoder();

self.onmessage = (e: MessageEvent<ParseRequest>) => {
  const { id, bytes } = e.data;
  let response: ParseResponse;
  try {
    response = { id, ok: true, value: JSON.parse(decoder.decode(bytes)) };
  } catch (error) {
    response = { id, ok: false, message: (error as Error).message };
  }
  self.postMessage(response);
};
