import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DELAY_MS, parsePrefer } from './prefer.js';

test('parsePrefer reads code, example, dynamic and delay, commas or semicolons, quoted or not', () => {
  assert.deepEqual(parsePrefer('code=404, example="not found", dynamic=true; delay=250'), { code: 404, example: 'not found', dynamic: true, delay: 250 });
  assert.deepEqual(parsePrefer(['Code=201', 'dynamic=false']), { code: 201, dynamic: false });
  assert.deepEqual(parsePrefer('respond-async, wait=5'), {});
  assert.deepEqual(parsePrefer(undefined), {});
});

test('parsePrefer marks a malformed code as NaN and caps delay', () => {
  assert.ok(Number.isNaN(parsePrefer('code=abc').code));
  assert.ok(Number.isNaN(parsePrefer('code=99').code));
  assert.equal(parsePrefer('delay=999999').delay, MAX_DELAY_MS);
  assert.equal(parsePrefer('delay=-1').delay, undefined);
});
