import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeText, normalizeQuery, termValue, terms, withTerm } from './query.ts';

test('splits terms: key:value, quoted values and free text', () => {
  assert.deepEqual(
    terms('status:5xx  op:getPet "time out" consumer:"ACME corp" word').map((t) => [t.key, t.value]),
    [['status', '5xx'], ['op', 'getPet'], [undefined, 'time out'], ['consumer', 'ACME corp'], [undefined, 'word']],
  );
  assert.deepEqual(terms(''), []);
  assert.deepEqual(terms('"unterminated').map((t) => t.value), ['unterminated']);
});

test('reads the value a quick control shows', () => {
  assert.equal(termValue('method:POST status:4xx', 'status'), '4xx');
  assert.equal(termValue('"status:4xx"', 'status'), undefined);
  assert.equal(termValue('Method:get', 'method'), 'get');
});

test('a control replaces its term in place, adds it at the end, or removes it', () => {
  assert.equal(withTerm('method:GET status:5xx "boom"', 'status', '4xx'), 'method:GET status:4xx "boom"');
  assert.equal(withTerm('"boom"', 'status', '4xx'), '"boom" status:4xx');
  assert.equal(withTerm('method:GET status:5xx "boom"', 'status', undefined), 'method:GET "boom"');
  assert.equal(withTerm('status:5xx method:GET status:404', 'status', '2xx'), 'status:2xx method:GET');
  assert.equal(withTerm('', 'consumer', 'ACME corp'), 'consumer:"ACME corp"');
  assert.equal(withTerm('', 'mode', ''), '');
});

test('free text and normalised spacing', () => {
  assert.deepEqual(freeText('status:5xx "time out" pets'), ['time out', 'pets']);
  assert.equal(normalizeQuery('  status:5xx    "a  b" '), 'status:5xx "a  b"');
});
