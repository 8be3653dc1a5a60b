import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targets, type Target } from './report.js';
import type { AlternatedResult, Pair } from './alternated.js';
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

/** A pair whose candidate served `ratio` times the base's requests per second. */
function pair(ratio: number, foreignCpus = 0): Pair {
  const base = { rps: 20_000, requests: 100_000, loopUs: 48, processUs: 50, foreignCpus };
  return { base, candidate: { ...base, rps: 20_000 * ratio, requests: 100_000 * ratio }, ratio, foreignCpus };
}

const pairs = (...ratios: number[]): AlternatedResult => ({ pairs: ratios.map((r) => pair(r)) });

describe('bench targets from alternated single runs', () => {
  it('judge the median of the pairs, and show the side-by-side figure beside it without a verdict', () => {
    const list = targets([], [], { loggingAlone: pairs(0.95, 0.9, 0.93, 0.88, 0.94), logging: { rounds: [round(0.87), round(0.88)], notQuiet: 0, unmeasured: 0 } });
    const alone = list.find((t) => /each alone on its core/.test(t.label))!;
    assert.equal(alone.value, 0.93);
    assert.equal(alone.met, true);
    assert.match(alone.note!, /median of 5 pairs of single runs \(0\.95, 0\.90, 0\.93, 0\.88, 0\.94\)/);
    // mean 0.92, standard deviation 0.0292, so two standard errors 2 × 0.0292 / √5 = 0.026
    assert.match(alone.note!, /mean 0\.920 ±0\.026 \(two standard errors\)/);
    const shared = list.find((t) => /side by side on one core/.test(t.label))!;
    assert.equal(shared.value, 0.875);
    assert.equal(shared.met, undefined);
    assert.match(shared.note!, /stricter, for reference/);
  });

  it('leave out disturbed pairs, and give no verdict when most were disturbed', () => {
    const some = targets([], [], { loggingAlone: { pairs: [pair(0.86), pair(1.3, 0.4), pair(0.87), pair(0.88)] } }).find((t) => /alone/.test(t.label))!;
    assert.equal(some.value, 0.87);
    assert.equal(some.met, false);
    assert.match(some.note!, /1\.30\*/);
    assert.match(some.note!, /1 pairs disturbed by other processes \(\*\) left out/);
    const most = targets([], [], { loggingAlone: { pairs: [pair(0.95, 0.2), pair(0.96, 0.3), pair(0.97)] } }).find((t) => /alone/.test(t.label))!;
    assert.equal(most.met, undefined);
    assert.match(most.note!, /NOT COMPARABLE/);
  });

  it('label an A/A control of the pairs as such, with no verdict', () => {
    const list = targets([], [], { loggingAlone: pairs(1.01, 0.99, 1.0), aa: true });
    const control = list.find((t) => /alone/.test(t.label))!;
    assert.match(control.label, /A\/A CONTROL/);
    assert.equal(control.value, 1.0);
    assert.equal(control.met, undefined);
  });
});
