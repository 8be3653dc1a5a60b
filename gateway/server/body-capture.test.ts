import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BodyCapture } from './body-capture.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a body within the cap is kept whole, to be hashed by the writer', () => {
  const capture = new BodyCapture(10);
  capture.add(Buffer.from('hello '));
  capture.add('world'.slice(0, 4));
  assert.deepEqual(capture.result(), { bytes: Buffer.from('hello worl'), size: 10 });
});

test('a body beyond the cap keeps its first bytes, its full size and the hash of the whole', () => {
  const whole = Buffer.from('abcdefghijklmnopqrstuvwxyz');
  const capture = new BodyCapture(8);
  for (const part of [whole.subarray(0, 5), whole.subarray(5, 12), whole.subarray(12)]) capture.add(Buffer.from(part));
  const result = capture.result()!;
  assert.equal(result.bytes.toString(), 'abcdefgh');
  assert.equal(result.size, 26);
  assert.equal(result.sha256, sha(whole));
  assert.equal(BodyCapture.of(whole, 8)!.sha256, sha(whole));
  assert.equal(new BodyCapture(8).result(), undefined);
});
