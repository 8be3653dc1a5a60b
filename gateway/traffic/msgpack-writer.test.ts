import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Unpackr } from 'msgpackr';
import { MessagePackWriter } from './msgpack-writer.js';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false });

/** What an independent reader (msgpackr) makes of the writer's bytes. */
function roundTrip(write: (w: MessagePackWriter) => void, initialBytes = 16): unknown[] {
  const w = new MessagePackWriter(initialBytes);
  write(w);
  return unpackr.unpackMultiple(w.take()) as unknown[];
}

describe('MessagePack writer', () => {
  it('write numbers at the edges of each integer size, and any other number as a float64', () => {
    const numbers = [0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, -1, -32, -33, -128, -129, -(2 ** 31), -(2 ** 31) - 1, 1.5, -0.25, 1_795_763_176_951, Number.MAX_SAFE_INTEGER, Infinity];
    assert.deepEqual(roundTrip((w) => numbers.forEach((n) => w.number(n))), numbers);
    const [nan] = roundTrip((w) => w.number(Number.NaN));
    assert.ok(Number.isNaN(nan));
  });

  it('write strings of every length class and UTF-8 width as the same text', () => {
    const strings = ['', 'GET', 'a'.repeat(31), 'b'.repeat(32), 'é', 'caf\u00e9 au lait', '✓ done', '𝄞 clef', 'x'.repeat(70_000), 'ü✓𝄞'.repeat(30_000)];
    assert.deepEqual(roundTrip((w) => strings.forEach((s) => w.string(s))), strings);
  });

  it('write a lone surrogate as U+FFFD, as a UTF-8 encoder must', () => {
    assert.deepEqual(roundTrip((w) => w.string('a\ud800b')), ['a\ufffdb']);
  });

  it('write arrays and maps of every header size, and nil', () => {
    const lengths = [0, 15, 16, 65_535, 65_536];
    const decoded = roundTrip((w) => {
      for (const length of lengths) {
        w.arrayHeader(length);
        for (let i = 0; i < length; i++) w.nil();
      }
      w.mapHeader(2);
      w.string('id');
      w.string('cors');
      w.string('ms');
      w.number(0.25);
      w.mapHeader(17);
      for (let i = 0; i < 17; i++) {
        w.string(`k${i}`);
        w.number(i);
      }
    });
    assert.deepEqual(
      decoded.slice(0, lengths.length).map((list) => (list as unknown[]).length),
      lengths,
    );
    assert.ok((decoded[1] as unknown[]).every((item) => item === null));
    assert.deepEqual(decoded[lengths.length], new Map<string, unknown>([['id', 'cors'], ['ms', 0.25]]));
    assert.equal((decoded[lengths.length + 1] as Map<string, number>).get('k16'), 16);
  });

  it('grow past its first buffer without losing what it wrote, and start over after take', () => {
    const w = new MessagePackWriter(4);
    for (let i = 0; i < 1_000; i++) w.string(`item ${i}`);
    assert.equal((unpackr.unpackMultiple(w.take()) as string[])[999], 'item 999');
    w.number(7);
    assert.deepEqual(unpackr.unpackMultiple(w.take()), [7]);
  });

  it('refuse a value of the wrong type instead of writing something else', () => {
    const w = new MessagePackWriter(16);
    assert.throws(() => w.number(1n as unknown as number), /not a number: bigint/);
    assert.throws(() => w.string(undefined as unknown as string), /not a string: undefined/);
    assert.equal(w.take().length, 0);
  });
});
