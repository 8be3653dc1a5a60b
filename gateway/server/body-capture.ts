import { createHash, type Hash } from 'node:crypto';
import type { CapturedBody } from '../traffic/exchange.js';

/** Keeps the first `limit` bytes of a body for the log, and its full size and SHA-256. */
export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private size = 0;
  private hash: Hash | undefined;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer | string): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (buffer.length === 0) return;
    (this.hash ??= createHash('sha256')).update(buffer);
    this.size += buffer.length;
    if (this.kept < this.limit) {
      const part = buffer.length <= this.limit - this.kept ? buffer : buffer.subarray(0, this.limit - this.kept);
      // Copy: Node may reuse the chunk's memory after the write.
      this.chunks.push(Buffer.from(part));
      this.kept += part.length;
    }
  }

  result(): CapturedBody | undefined {
    if (this.size === 0) return undefined;
    return { bytes: this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks), size: this.size, sha256: this.hash!.digest('hex') };
  }

  /** For a body already held whole. */
  static of(body: Buffer, limit: number): CapturedBody | undefined {
    if (body.length === 0) return undefined;
    return { bytes: body.length <= limit ? body : Buffer.from(body.subarray(0, limit)), size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
  }
}
