import type { IncomingMessage } from 'node:http';

/** Reading a request body whole, for validation and mocking, never beyond a cap: no request can exhaust memory. */

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 413 | 400; reason: string };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.resolve({ ok: false, status: 413, reason: `the body of ${declared} bytes exceeds the limit of ${limit} bytes` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        settle({ ok: false, status: 413, reason: `the body exceeds the limit of ${limit} bytes` });
        req.pause();
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }));
    req.once('error', (error) => settle({ ok: false, status: 400, reason: `the body could not be read: ${error.message}` }));
    req.once('aborted', () => settle({ ok: false, status: 400, reason: 'the client aborted the request' }));
  });
}
