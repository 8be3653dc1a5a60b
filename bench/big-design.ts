import { request } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadDesign } from '../gateway/openapi/load.js';
import { bundleWorkspace, bundleWorkspaceInProcess, lintWorkspace } from '../gateway/services/design.js';
import { startGateway } from '../gateway/services/gateway-service.js';
import { LintThread } from '../gateway/services/lint-thread.js';
import { openWorkspace } from '../gateway/services/workspace.js';

/**
 * The large-design measurements of docs/scale.md: load, bundle, a full lint on the lint thread, and what the main
 * thread (event-loop delay) and the gateway (request latency) feel meanwhile.
 *
 *   node --import tsx bench/big-design.ts <path of a large OpenAPI document> [--route /zen]
 */

const args = process.argv.slice(2);
const path = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--route');
// /zen: a cheap mocked route, so the probe measures the event loop, not the mock (see docs/scale.md for /meta).
const route = args.includes('--route') ? args[args.indexOf('--route') + 1]! : '/zen';
if (!path || !existsSync(path)) {
  process.stderr.write(`usage: node --import tsx bench/big-design.ts <openapi.json> [--route /zen]

The large case is GitHub's REST description (about 13 MB of JSON). Get it without adding a dependency:
  cd /tmp && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz package/generated/api.github.com.json
  node --import tsx bench/big-design.ts /tmp/package/generated/api.github.com.json
`);
  process.exit(2);
}

const spec = resolve(path);
const ms = (n: number) => `${Math.round(n)} ms`;
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);
const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await run();
  return [value, performance.now() - started];
};

/** Event-loop delay and process RSS while `run` runs. */
async function watched<T>(run: () => Promise<T>): Promise<{ value: T; took: number; p99: number; max: number; peakRss: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  delay.enable();
  const [value, took] = await timed(run);
  delay.disable();
  clearInterval(sampler);
  return { value, took, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, peakRss };
}

/** One GET every `everyMs` while `during` runs; latencies in ms. */
async function probeWhile(url: string, during: Promise<unknown>, everyMs = 100): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    await new Promise<void>((ok, fail) => {
      const req = request(url, (res) => {
        res.resume();
        res.on('end', ok);
      });
      req.on('error', fail);
      req.end();
    });
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return latencies;
}
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

line('design', `${spec} (${mb((await import('node:fs')).statSync(spec).size)})`);
line('node', `${process.version}, baseline RSS ${mb(process.memoryUsage.rss())}`);

const [design, loadMs] = await timed(() => loadDesign(spec));
line('(a) loadDesign', ms(loadMs));
const operations = Object.values((design.root.value as { paths?: Record<string, Record<string, unknown>> }).paths ?? {}).reduce(
  (n, item) => n + Object.keys(item).filter((k) => /^(get|put|post|delete|options|head|patch|trace)$/.test(k)).length,
  0,
);
line('    operations', String(operations));

const workspace = await openWorkspace(dirname(spec), { spec: basename(spec), watch: false });

const [inProcess, bundleMs] = await timed(() => bundleWorkspaceInProcess(workspace, {}));
line('(c) bundle, on the calling thread', `${ms(bundleMs)} (${mb(JSON.stringify(inProcess.document).length)} of JSON)`);
inProcess.document = null;
const bundleThread = new LintThread();
await watched(() => bundleWorkspace(workspace, {}, { thread: bundleThread })); // start-up of the thread
const threadedBundle = await watched(() => bundleWorkspace(workspace, {}, { thread: bundleThread }));
line('    bundle on its thread (warm), wall', `${ms(threadedBundle.took)}; main thread delay max ${ms(threadedBundle.max)}, p99 ${ms(threadedBundle.p99)}`);
await bundleThread.close();

const dataDir = mkdtempSync(join(tmpdir(), 'portico-big-'));
const [gateway, startMs] = await timed(() => startGateway({ spec, port: 0, log: false, dataDir, mode: 'mock' }));
line('    gateway start on it', `${ms(startMs)} (${gateway.table.routes?.length ?? '?'} routes)`);
const target = gateway.url + route;
const idle = await probeWhile(target, new Promise((r) => setTimeout(r, 3000)));
line(`    GET ${route}, idle`, `p50 ${percentile(idle, 50).toFixed(1)} ms, p99 ${percentile(idle, 99).toFixed(1)} ms, max ${Math.max(...idle).toFixed(1)} ms (${idle.length} requests)`);

const thread = new LintThread();
const lint = watched(() => lintWorkspace(workspace, {}, { thread }));
const during = await probeWhile(target, lint);
const linted = await lint;
const failed = linted.value.problems.filter((p) => p.code?.startsWith('lint-'));
line('(b) full lint on the lint thread, wall', `${ms(linted.took)} (${linted.value.problems.length} problems${failed.length ? `; ${failed.map((p) => p.message).join('; ')}` : ''})`);
line('    process peak RSS during lint', `${mb(linted.peakRss)}`);
line('(d) main thread event-loop delay during lint', `max ${ms(linted.max)}, p99 ${ms(linted.p99)}`);
line(`(e) GET ${route} during lint`, `p50 ${percentile(during, 50).toFixed(1)} ms, p99 ${percentile(during, 99).toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms (${during.length} requests)`);

const one = '/repos/{owner}/{repo}/issues';
await lintWorkspace(workspace, {}, { thread, paths: [one] }); // warm
const prunedLint = await watched(() => lintWorkspace(workspace, {}, { thread, paths: [one] }));
line(`    pruned lint of ${one}`, `${ms(prunedLint.took)} (${prunedLint.value.problems.length} problems); event-loop delay max ${ms(prunedLint.max)}`);
await thread.close();
await gateway.stop();
rmSync(dataDir, { recursive: true, force: true });
