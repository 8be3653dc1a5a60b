import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, parseDuration, parseSize, size } from './units.js';

test('durations parse to milliseconds', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('1m'), 60_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.throws(() => parseDuration('10 minutes'), /not a duration/);
  assert.equal(duration.parse(250), 250);
  assert.equal(duration.safeParse('soon').success, false);
});

test('sizes parse to bytes', () => {
  assert.equal(parseSize('512b'), 512);
  assert.equal(parseSize('1kb'), 1024);
  assert.equal(parseSize('10MB'), 10 * 1024 * 1024);
  assert.throws(() => parseSize('ten'), /not a size/);
  assert.equal(size.parse('2kb'), 2048);
});
