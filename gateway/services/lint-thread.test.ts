import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { bundleWorkspace, bundleWorkspaceInProcess, lintWorkspace, lintWorkspaceInProcess } from './design.js';
import { LintThread } from './lint-thread.js';
import { copyExample } from './test-support/example.js';
import { openWorkspace } from './workspace.js';

/** The example with unsaved text: the contact is gone (info-contact) and a route names an unknown policy. */
function overlaysFor(dir: string): Record<string, string> {
  const root = readFileSync(join(dir, 'openapi.yaml'), 'utf8').replace(/\n  contact:\n(    .*\n)+/, '\n');
  assert.ok(!root.includes('contact:'));
  return { 'openapi.yaml': root };
}

test('the lint thread finds what the in-process lint finds, overlays included', async () => {
  const example = copyExample();
  const thread = new LintThread();
  try {
    const ws = await openWorkspace(example.dir, { watch: false });
    const overlays = overlaysFor(example.dir);
    const [threaded, inProcess] = [await lintWorkspace(ws, overlays, { thread }), await lintWorkspaceInProcess(ws, overlays)];
    assert.ok(threaded.problems.some((p) => p.code === 'info-contact' && p.file === 'openapi.yaml'), 'the overlay was linted');
    assert.deepEqual(threaded.problems, inProcess.problems);
    // Bundle too.
    const bundled = await bundleWorkspace(ws, overlays, { thread });
    assert.deepEqual(bundled, await bundleWorkspaceInProcess(ws, overlays));
    assert.equal((bundled.document as { info: { contact?: unknown } }).info.contact, undefined);
  } finally {
    await thread.close();
    example.cleanup();
  }
});

test('a burst of lint requests runs at most twice and answers everyone', async () => {
  const example = copyExample();
  const thread = new LintThread();
  try {
    const ws = await openWorkspace(example.dir, { watch: false });
    const base = readFileSync(join(example.dir, 'openapi.yaml'), 'utf8');
    // Each request adds its own operation (without operationId, so Spectral names it): a result says which text it linted.
    const overlay = (n: number) => base.replace('paths:\n', `paths:\n  /burst-${n}:\n    get:\n      responses:\n        '200': { description: ok }\n`);
    const linted = (result: { problems: { pointer?: string }[] }) => new Set(result.problems.map((p) => /burst-(\d)/.exec(p.pointer ?? '')?.[1]).filter(Boolean));
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => lintWorkspace(ws, { 'openapi.yaml': overlay(n) }, { thread })));
    assert.equal(results.length, 5);
    for (const result of results) assert.ok(result.problems.every((p) => !p.code?.startsWith('lint-')), JSON.stringify(result.problems));
    assert.ok(thread.stats.runs <= 2, `${thread.stats.runs} runs`);
    assert.equal(results[0]?.superseded, true, 'the running one knows a newer request came');
    // The first caller got its own text's result; the waiting ones all got the newest text's.
    assert.deepEqual([...linted(results[0]!)], ['1']);
    for (const result of results.slice(1)) assert.deepEqual([...linted(result)], ['5']);
  } finally {
    await thread.close();
    example.cleanup();
  }
});

/** `operations` operations over `operations / 4` resources, each with schemas and refs. */
function largeDesign(operations: number): string {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < operations / 4; i++) {
    const name = `Thing${i}`;
    schemas[name] = { type: 'object', required: ['id'], properties: { id: { type: 'string' }, name: { type: 'string', maxLength: 80 }, count: { type: 'integer', minimum: 0 }, tags: { type: 'array', items: { type: 'string' } } } };
    const one = { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } };
    const op = (verb: string, extra: Record<string, unknown> = {}) => ({ operationId: `${verb}${name}`, summary: `${verb} ${name}`, description: 'An operation.', tags: ['things'], responses: { '200': one }, ...extra });
    paths[`/things${i}`] = { get: op('list'), post: op('create', { requestBody: { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } } }) };
    const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
    paths[`/things${i}/{id}`] = { parameters: id, get: op('get'), delete: op('delete') };
  }
  return JSON.stringify({ openapi: '3.1.0', info: { title: 'Large', version: '1', description: 'Generated.', contact: { name: 'x' } }, servers: [{ url: 'http://127.0.0.1:4010' }], tags: [{ name: 'things', description: 'Things' }], paths, components: { schemas } });
}

test('the event loop stays free while a large design is linted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-large-'));
  const thread = new LintThread();
  try {
    writeFileSync(join(dir, 'openapi.json'), largeDesign(2000));
    const ws = await openWorkspace(dir, { watch: false });
    // Warm the worker (start-up and module loading are not what this measures).
    await thread.crash('hang', 0).catch(() => undefined);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const result = await lintWorkspace(ws, {}, { thread });
    const took = performance.now() - started;
    delay.disable();
    assert.ok(result.problems.every((p) => !p.code?.startsWith('lint-')), JSON.stringify(result.problems.slice(0, 3)));
    const p99 = delay.percentile(99) / 1e6;
    const max = delay.max / 1e6;
    console.log(`lint of 2000 operations: ${Math.round(took)} ms, ${result.problems.length} problems; event loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    assert.ok(p99 < 100, `p99 ${p99} ms`);
  } finally {
    await thread.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that dies or hangs answers with a problem, and the next lint works', async () => {
  const example = copyExample();
  // Long enough for a real lint of the example on a fresh worker on a loaded 2-core machine (1.5 s was not).
  const thread = new LintThread({ testHooks: true, timeoutMs: 8000 });
  try {
    const ws = await openWorkspace(example.dir, { watch: false });
    const lintWorks = async () => {
      const result = await lintWorkspace(ws, {}, { thread });
      assert.ok(result.problems.every((p) => !p.code?.startsWith('lint-')), JSON.stringify(result.problems));
    };
    failsWith(await thread.crash('throw'), 'lint-failed', /thrown by a test hook/);
    failsWith(await thread.crash('exit'), 'lint-crashed', /exit code 3/);
    await lintWorks();
    failsWith(await thread.crash('uncaught'), 'lint-crashed', /uncaught in the lint worker/);
    await lintWorks();
    failsWith(await thread.crash('hang', 60_000), 'lint-timeout', /lint stopped after 8 s/);
    await lintWorks();
    assert.ok(thread.stats.workers >= 4, `${thread.stats.workers} workers`);
  } finally {
    await thread.close();
    example.cleanup();
  }
});

test('a worker out of memory reports it', async () => {
  const thread = new LintThread({ testHooks: true, maxOldGenerationSizeMb: 64 });
  try {
    const outcome = await thread.crash('oom');
    failsWith(outcome, 'lint-out-of-memory', /heap limit 64 MB/);
  } finally {
    await thread.close();
  }
});

function failsWith(outcome: Awaited<ReturnType<LintThread['crash']>>, code: string, message: RegExp): void {
  assert.equal(outcome.ok ? 'ok' : outcome.code, code);
  if (!outcome.ok) assert.match(outcome.message, message);
}

test('a pruned lint of one path item places its problems as the full lint does', async () => {
  const example = copyExample();
  const thread = new LintThread();
  try {
    const ws = await openWorkspace(example.dir, { watch: false });
    const overlays = overlaysFor(example.dir);
    const full = await lintWorkspace(ws, overlays, { thread });
    const pruned = await lintWorkspace(ws, overlays, { thread, paths: ['/pets'] });
    const key = (p: { file: string; line: number; column: number; code?: string; pointer?: string }) => `${p.file}:${p.line}:${p.column} ${p.code} ${p.pointer}`;
    const fullKeys = new Set(full.problems.map(key));
    assert.ok(pruned.problems.some((p) => p.code === 'info-contact'));
    for (const problem of pruned.problems) assert.ok(fullKeys.has(key(problem)), `${key(problem)} is not in the full lint`);
  } finally {
    await thread.close();
    example.cleanup();
  }
});
