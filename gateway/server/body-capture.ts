import { createHash, type Hash } from 'node:crypto';
import type { CapturedBody } from '../traffic/exchange.js';

/** Keeps the first `limit` bytes of a body for the log, its full size, and (when it is cut) the SHA-256 of the whole. */
export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private size = 0;
  private hash: Hash | undefined;

  constructor(private readonly limit: number) {}

  /** A chunk as streams and `res.write` take it; a string is converted with its encoding (default utf8). */
  add(chunk: Uint8Array | string, encoding?: BufferEncoding): void {
    const buffer = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (buffer.length === 0) return;
    this.size += buffer.length;
    if (this.hash) this.hash.update(buffer);
    else if (this.size > this.limit) {
      // The body outgrows what is kept: hash it here, as it streams. Smaller bodies are hashed by the log's writer.
      this.hash = createHash('sha256');
      // Until now everything was kept, so the kept chunks are the whole body so far.
      for (const kept of this.chunks) this.hash.update(kept);
      this.hash.update(buffer);
    }
    if (this.kept < this.limit) {
      // Stream chunks are not reused by Node, so a whole one is kept as is; a cut one is copied so as not to pin the rest.
      const part = buffer.length <= this.limit - this.kept ? buffer : Buffer.from(buffer.subarray(0, this.limit - this.kept));
      this.chunks.push(part);
      this.kept += part.length;
    }
  }

  result(): CapturedBody | undefined {
    if (this.size === 0) return undefined;
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return this.hash ? { bytes, size: this.size, sha256: this.hash.digest('hex') } : { bytes, size: this.size };
  }

  /** For a body already held whole. */
  static of(body: Buffer, limit: number): CapturedBody | undefined {
    if (body.length === 0) return undefined;
    if (body.length <= limit) return { bytes: body, size: body.length };
    return { bytes: Buffer.from(body.subarray(0, limit)), size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
  }
}
