import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targets, type Target } from './report.js';
import type { Round, SideBySideResult } from './side-by-side.js';

/** A round whose candidate needs `1 / ratio` times the base's CPU per request. */
function round(ratio: number, foreignCpus = 0): Round {
  const base = { rps: 9_000, requests: 27_000, loopUs: 50, processUs: 55 };
  return { base, candidate: { ...base, loopUs: 50 / ratio, processUs: 55 / ratio }, ratio, foreignCpus };
}

const logging = (result: SideBySideResult, aa = false): Target => targets([], [], { logging: result, aa })[1]!;

describe('bench targets from side-by-side rounds', () => {
  it('take the median of the rounds, and judge it against 0.9', () => {
    const target = logging({ rounds: [0.95, 0.85, 0.91, 0.88, 0.92].map((r) => round(r)), notQuiet: 0, unmeasured: 0 });
    assert.equal(target.value, 0.91);
    assert.equal(target.met, true);
    assert.match(target.note!, /median of 5 side-by-side rounds \(0\.95, 0\.85, 0\.91, 0\.88, 0\.92\)/);
  });

  it('leave out rounds that other processes disturbed, and mark them', () => {
    const target = logging({ rounds: [round(0.88), round(0.87), round(1.2, 0.3), round(0.86)], notQuiet: 0, unmeasured: 0 });
    assert.equal(target.value, 0.87);
    assert.equal(target.met, false);
    assert.match(target.note!, /1\.20\*/);
    assert.match(target.note!, /1 rounds disturbed by other processes \(\*\) left out/);
  });

  it('give no verdict when most rounds were disturbed, or began before both servers were quiet', () => {
    const disturbed = logging({ rounds: [round(0.95, 0.2), round(0.96, 0.2), round(0.94)], notQuiet: 0, unmeasured: 0 });
    assert.equal(disturbed.met, undefined);
    assert.match(disturbed.note!, /NOT COMPARABLE/);
    const unquiet = logging({ rounds: [round(0.95), round(0.96)], notQuiet: 1, unmeasured: 0 });
    assert.equal(unquiet.met, undefined);
    assert.match(unquiet.note!, /NOT COMPARABLE/);
  });

  it('label an A/A control as such, with no verdict', () => {
    const target = logging({ rounds: [round(1.01), round(0.99), round(1.0)], notQuiet: 0, unmeasured: 0 }, true);
    assert.match(target.label, /A\/A CONTROL/);
    assert.equal(target.value, 1.0);
    assert.equal(target.met, undefined);
  });
});
