/**
 * Writes MessagePack values one at a time into a growing buffer, for an encoder that knows the shape of what it
 * writes (batch.ts's exchange record) and so needs no generic encoder's type dispatch, nor an intermediate array to
 * hand one. What it writes is plain MessagePack: msgpackr (or any reader) decodes it. Only what records hold:
 * nil, numbers, strings, arrays and maps.
 */
export class MessagePackWriter {
  buffer: Buffer;
  position = 0;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  nil(): void {
    this.reserve(1);
    this.buffer[this.position++] = 0xc0;
  }

  arrayHeader(length: number): void {
    this.header(length, 0x90, 0xdc);
  }

  mapHeader(entries: number): void {
    this.header(entries, 0x80, 0xde);
  }

  /** Integers in 32 bits as integers, any other number as a float64 (exact for integers up to 2^53, timestamps). */
  number(value: number): void {
    if (typeof value !== 'number') throw new TypeError(`not a number: ${typeof value}`);
    this.reserve(9);
    const b = this.buffer;
    let p = this.position;
    if (value >>> 0 === value) {
      if (value < 0x80) b[p++] = value;
      else if (value < 0x100) {
        b[p++] = 0xcc;
        b[p++] = value;
      } else if (value < 0x10000) {
        b[p++] = 0xcd;
        p = b.writeUInt16BE(value, p);
      } else {
        b[p++] = 0xce;
        p = b.writeUInt32BE(value, p);
      }
    } else if (value >> 0 === value) {
      if (value >= -0x20) b[p++] = value & 0xff;
      else {
        b[p++] = 0xd2;
        p = b.writeInt32BE(value, p);
      }
    } else {
      b[p++] = 0xcb;
      p = b.writeDoubleBE(value, p);
    }
    this.position = p;
  }

  /**
   * Short ASCII strings (most of a record: methods, paths, header names) are copied in a loop, as msgpackr does;
   * longer or non-ASCII ones go through one native UTF-8 write behind a 5-byte header, whatever their length (valid
   * MessagePack; it spares counting the bytes first).
   */
  string(value: string): void {
    if (typeof value !== 'string') throw new TypeError(`not a string: ${typeof value}`);
    const length = value.length;
    if (length < 32) {
      this.reserve(1 + length);
      const b = this.buffer;
      const start = this.position;
      let p = start + 1;
      let i = 0;
      for (; i < length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === length) {
        b[start] = 0xa0 | length;
        this.position = p;
        return;
      }
    }
    this.reserve(5 + 3 * length);
    const start = this.position;
    const bytes = this.buffer.write(value, start + 5, 'utf8');
    this.buffer[start] = 0xdb;
    this.buffer.writeUInt32BE(bytes, start + 1);
    this.position = start + 5 + bytes;
  }

  /** The bytes written so far, as a view, and an empty writer on the same buffer from here on. */
  take(): Buffer {
    const written = this.buffer.subarray(0, this.position);
    this.position = 0;
    return written;
  }

  /** Makes room for `bytes` more, keeping what is written. */
  private reserve(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.buffer.length));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }

  private header(length: number, fix: number, sized: number): void {
    this.reserve(5);
    const b = this.buffer;
    let p = this.position;
    if (length < 0x10) b[p++] = fix | length;
    else if (length < 0x10000) {
      b[p++] = sized;
      p = b.writeUInt16BE(length, p);
    } else {
      b[p++] = sized + 1;
      p = b.writeUInt32BE(length, p);
    }
    this.position = p;
  }
}
