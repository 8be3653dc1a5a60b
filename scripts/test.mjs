#!/usr/bin/env node
// Runs every test file (*.test.ts beside the code) with Node's own test runner, TypeScript through tsx.
// Usage: node scripts/test.mjs [path-filter ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = ['gateway', 'electron', 'renderer', 'scripts'];
const filters = process.argv.slice(2);

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

const files = roots.flatMap((root) => collect(root, [])).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
