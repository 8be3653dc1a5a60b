import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationMs, FilterError, isEmptyFilter, parseFilter } from './filter.js';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('parseFilter', () => {
  it('reads the issue example: status class, operation and a quoted phrase', () => {
    const f = parseFilter('status:5xx op:getPet "timeout"', NOW);
    assert.deepEqual(f.statuses, [{ min: 500, max: 599 }]);
    assert.deepEqual(f.operations, ['getPet']);
    assert.deepEqual(f.text, ['timeout']);
  });

  it('reads every key', () => {
    const f = parseFilter('status:404,500-503 method:post,GET consumer:alice mode:rejected since:10m until:2026-11-26T11:00:00Z slower:1.5s path:/pets', NOW);
    assert.deepEqual(f.statuses, [{ min: 404, max: 404 }, { min: 500, max: 503 }]);
    assert.deepEqual(f.methods, ['POST', 'GET']);
    assert.deepEqual(f.consumers, ['alice']);
    assert.deepEqual(f.modes, ['rejected']);
    assert.equal(f.since, NOW - 600_000);
    assert.equal(f.until, Date.UTC(2026, 10, 26, 11));
    assert.equal(f.slowerThanMs, 1500);
    assert.deepEqual(f.paths, ['/pets']);
    assert.equal(isEmptyFilter(f), false);
  });

  it('treats bare words, quoted key:value text and URLs as free text', () => {
    const f = parseFilter('hello "status:5xx" http://example.test/x', NOW);
    assert.deepEqual(f.text, ['hello', 'status:5xx', 'http://example.test/x']);
    assert.deepEqual(f.statuses, []);
  });

  it('is empty for blank input', () => {
    assert.equal(isEmptyFilter(parseFilter('   ', NOW)), true);
  });

  it('names the bad term and where it starts', () => {
    const cases: [string, RegExp, number][] = [
      ['status:6xx', /status:6xx: expected a code/, 0],
      ['op:x stauts:500', /unknown filter "stauts:"/, 5],
      ['mode:cached', /expected one of mock, proxy/, 0],
      ['since:yesterday', /expected a duration ago/, 0],
      ['slower:fast', /expected a duration/, 0],
      ['path:pets', /starting with \//, 0],
      ['method:', /needs a value/, 0],
      ['"open', /unterminated quote/, 0],
    ];
    for (const [query, message, at] of cases) {
      assert.throws(() => parseFilter(query, NOW), (e: unknown) => e instanceof FilterError && message.test(e.message) && e.at === at, query);
    }
  });

  it('reads durations', () => {
    assert.equal(durationMs('200ms'), 200);
    assert.equal(durationMs('2h'), 7_200_000);
    assert.equal(durationMs('250'), 250);
    assert.equal(durationMs('soon'), undefined);
  });
});
