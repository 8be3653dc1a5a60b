#!/usr/bin/env node
// Runs the test suites and ends with one closing line for all of them: "N passed, N failed, N skipped".
//   node scripts/test.mjs               unit + integration tests (*.test.ts beside the code, Node's runner through tsx)
//   node scripts/test.mjs --e2e         the same, then the Playwright end-to-end tests (e2e/)
//   node scripts/test.mjs <filter ...>  only test files whose path contains a filter (no e2e)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const e2e = args.includes('--e2e');
const filters = args.filter((a) => a !== '--e2e');
const roots = ['gateway', 'electron', 'renderer', 'scripts', 'bench'];
const scratch = mkdtempSync(join(tmpdir(), 'portico-test-run-'));

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(process.cwd(), path));
  }
  return out;
}

/** Node's runner: spec to the terminal, TAP to a file we count from. */
function runUnit() {
  const files = roots.flatMap((root) => collect(root, [])).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
  if (files.length === 0) {
    console.error('no test files matched');
    return { passed: 0, failed: 1, skipped: 0, status: 1 };
  }
  const tap = join(scratch, 'unit.tap');
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { stdio: 'inherit' },
  );
  const text = readFileSync(tap, 'utf8');
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo'), status: result.status ?? 1 };
}

/** Playwright: its list reporter to the terminal, JSON to a file we count from. */
function runEndToEnd() {
  const json = join(scratch, 'e2e.json');
  const result = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '--reporter=list,json'], {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json },
  });
  let stats = {};
  try {
    stats = JSON.parse(readFileSync(json, 'utf8')).stats ?? {};
  } catch {
    // no report: counted as one failure below
  }
  const failed = (stats.unexpected ?? 0) + (stats.flaky ?? 0);
  return { passed: stats.expected ?? 0, failed: result.status !== 0 && failed === 0 ? 1 : failed, skipped: stats.skipped ?? 0, status: result.status ?? 1 };
}

const suites = [runUnit(), ...(e2e && filters.length === 0 ? [runEndToEnd()] : [])];
rmSync(scratch, { recursive: true, force: true });
const total = suites.reduce((sum, s) => ({ passed: sum.passed + s.passed, failed: sum.failed + s.failed, skipped: sum.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
const ok = suites.every((s) => s.status === 0) && total.failed === 0;
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(ok ? 0 : 1);
