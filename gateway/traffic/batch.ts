import type { CapturedBody, Exchange } from './exchange.js';
import type { Redactor } from './redact.js';

/**
 * A batch of exchanges as it is spooled: JSON text plus one buffer holding every body, each body's `bytes` being
 * `[offset, length]` into it. JSON.stringify is the cheapest serialisation V8 offers for these small objects (~2 µs for
 * an exchange with a dozen headers), and bodies stay bytes.
 */

/** Redacts each exchange and encodes the batch. The log owns the exchanges, so their bodies are replaced in place. */
export function encodeBatch(exchanges: Exchange[], redactor?: Redactor): { json: string; bodies: Uint8Array } {
  let total = 0;
  for (const e of exchanges) total += (e.requestBody?.bytes.length ?? 0) + (e.responseBody?.bytes.length ?? 0);
  const bodies = new Uint8Array(total);
  let offset = 0;
  const place = (body: CapturedBody | undefined) => {
    if (!body) return;
    const bytes = body.bytes;
    bodies.set(bytes, offset);
    (body as unknown as { bytes: [number, number] }).bytes = [offset, bytes.length];
    offset += bytes.length;
  };
  const out = redactor ? new Array<Exchange>(exchanges.length) : exchanges;
  for (let i = 0; i < exchanges.length; i++) {
    const e = exchanges[i] as Exchange;
    place(e.requestBody);
    place(e.responseBody);
    if (redactor) out[i] = redactor.exchange(e);
  }
  return { json: JSON.stringify(out), bodies };
}

/** The reading side of `encodeBatch`: bodies become views of `bodies`. */
export function decodeBatch(json: string, bodies: Uint8Array): Exchange[] {
  const exchanges = JSON.parse(json) as Exchange[];
  const view = (body: CapturedBody | undefined) => {
    if (!body) return;
    const [offset, length] = body.bytes as unknown as [number, number];
    body.bytes = Buffer.from(bodies.buffer, bodies.byteOffset + offset, length);
  };
  for (const e of exchanges) {
    view(e.requestBody);
    view(e.responseBody);
  }
  return exchanges;
}
