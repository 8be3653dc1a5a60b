/// <reference lib="dom" />
// The UI on a large design, measured in Debian's Chromium (browser mode, the same launch flags as the e2e tests).
// Not a test: it prints a table with the targets of issue 3 and writes bench/results/ui-scale.json.
//
//   node --import tsx bench/ui-scale.ts <spec file or workspace folder>
//
// A file is copied into a temporary workspace as openapi.json (or .yaml); a folder is copied whole.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Frame, type Page } from '@playwright/test';
import config from '../playwright.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEYSTROKES = 50;
const KEY_DELAY_MS = 60;
const LINT_WAIT_MS = Number(process.env.UI_SCALE_WAIT_MS ?? 300_000);

/**
 * UI_SCALE_PROFILE=1: a CPU profile of the workspace window from page load to the edit's lint result, written to
 * bench/results/ui-scale.cpuprofile, with the top self times inside each task over 200 ms (UI_SCALE_PROFILE_OVER_MS) printed; no wait for the first lint
 * unless UI_SCALE_PROFILE_WAIT=1.
 */
const PROFILE = process.env.UI_SCALE_PROFILE === '1';
/** UI_SCALE_PROFILE_OVER_MS=100: look into shorter tasks than the 200 ms of the target (the ones a busy machine stretches past it). */
const PROFILE_OVER_MS = Number(process.env.UI_SCALE_PROFILE_OVER_MS ?? 200);
const TRACE = process.env.UI_SCALE_TRACE === '1';
const TRACE_BOOT = process.env.UI_SCALE_TRACE === 'boot';

const TARGETS = {
  editorReadyMs: 3000,
  keystrokeP95Ms: 50,
  longTaskMaxMs: 200,
  lintAfterEditMs: 15_000,
};

interface Result {
  design: string;
  bytes: number;
  editorReadyMs: number | null;
  firstLintMs: number | null;
  docsRenderedMs: number | null;
  keystrokes: number;
  keystrokeP50Ms: number | null;
  keystrokeP95Ms: number | null;
  keystrokeMaxMs: number | null;
  lintRunningWhileTyping: boolean;
  editApplied: boolean;
  /** How often the edit's paste had to be repeated (a synthetic paste not applied). */
  pasteRetries: number;
  lintAfterEditMs: number | null;
  longTaskMaxMs: number;
  longTasksOver200: number;
  longTasks: number;
  /** Tasks over 200 ms from the first edit to the end (editing), apart from those of loading. */
  longTasksOver200WhileEditing: number;
  longTaskMaxWhileEditingMs: number;
  /** Every task over 100 ms: when (ms since navigation) and how long, to tell opening from editing across runs. */
  tasksOver100: { atMs: number; ms: number }[];
  at: string;
}

const source = process.argv[2];
if (!source) {
  process.stdout.write(`usage: node --import tsx bench/ui-scale.ts <spec file or workspace folder>

The large case is GitHub's REST description (13 MB; not a dependency of Portico):
  cd /tmp && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz package/generated/api.github.com.json
  node --import tsx bench/ui-scale.ts /tmp/package/generated/api.github.com.json
The example:
  node --import tsx bench/ui-scale.ts resources/examples/petstore
`);
  process.exit(2);
}

const launchArgs = (config.projects?.find((p) => p.name === 'web')?.use?.launchOptions?.args ?? ['--headless', '--no-sandbox']) as string[];
const executablePath = process.env.PORTICO_CHROMIUM ?? '/usr/bin/chromium';

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The first operation tag of the design's files: Elements' stacked layout shows one section per tag (operations collapsed). */
function firstSummary(dir: string): string | null {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$/.test(name)) files.push(full);
    }
  };
  walk(dir);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const match = /"tags":\s*\[\s*"([^"\\]{2,80})"/.exec(text) ?? /^\s{4,}tags:\s*\[\s*['"]?([^'",\]\n]{2,80})/m.exec(text) ?? /^\s{4,}tags:\s*\n\s*-\s*['"]?([^'"\n]{2,80})/m.exec(text);
    if (match) return match[1]!.trim();
  }
  return null;
}

async function startUi(workspace: string, data: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'portico.js'), 'ui', workspace, '--no-open', '--port', '0', '--gateway-port', '0', '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BROWSER: 'none' },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portico ui printed no address within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const found = /Portico UI on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portico ui exited (${code}):\n${out}`));
    });
  });
  return { child, url, output: () => out };
}

/** Installed in the workspace window before its scripts: long tasks and keydown → next animation frame. */
function instrument() {
  if (window.top !== window) return;
  const w = window as unknown as { bench: { longTasks: { start: number; duration: number }[]; keys: number[]; recordKeys: boolean } };
  w.bench = { longTasks: [], keys: [], recordKeys: false };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.addEventListener(
    'keydown',
    (e) => {
      if (!w.bench.recordKeys) return;
      const pressed = e.timeStamp;
      requestAnimationFrame(() => w.bench.keys.push(performance.now() - pressed));
    },
    true,
  );
}

/** Milliseconds since navigation start, polled every animation frame in the page. */
async function whenTrue(page: Page, fn: string, timeout: number): Promise<number | null> {
  try {
    const handle = await page.waitForFunction(`(${fn})() ? performance.now() : false`, undefined, { timeout, polling: 'raf' });
    return (await handle.jsonValue()) as number;
  } catch {
    return null;
  }
}

const lintIdle = `() => { const p = document.querySelector('[data-testid=problems]'); return !!p && !p.querySelector('[aria-label=Linting]') && /Spectral|Lint failed/.test(p.querySelector('.panel-meta')?.textContent ?? ''); }`;

async function run(): Promise<void> {
  const input = source!;
  const dir = mkdtempSync(join(tmpdir(), 'portico-ui-scale-'));
  const workspace = join(dir, 'ws');
  mkdirSync(workspace);
  let bytes = 0;
  let rootFile: string;
  if (statSync(input).isDirectory()) {
    cpSync(input, workspace, { recursive: true });
    rootFile = existsSync(join(workspace, 'openapi.yaml')) ? 'openapi.yaml' : 'openapi.json';
    const sum = (d: string): number => readdirSync(d).reduce((n, name) => n + (statSync(join(d, name)).isDirectory() ? sum(join(d, name)) : statSync(join(d, name)).size), 0);
    bytes = sum(workspace);
  } else {
    rootFile = extname(input) === '.json' ? 'openapi.json' : 'openapi.yaml';
    cpSync(input, join(workspace, rootFile));
    bytes = statSync(input).size;
  }
  const summary = firstSummary(workspace);
  const json = rootFile.endsWith('.json');
  process.stdout.write(`design: ${input} (${(bytes / 1e6).toFixed(2)} MB), root ${rootFile}; docs wait for the tag section "${summary}"\n`);

  const ui = await startUi(workspace, join(dir, 'data'));
  const browser = await chromium.launch({ executablePath, args: launchArgs });
  const result: Result = {
    design: relative(root, input).startsWith('..') ? input : relative(root, input),
    bytes,
    editorReadyMs: null,
    firstLintMs: null,
    docsRenderedMs: null,
    keystrokes: 0,
    keystrokeP50Ms: null,
    keystrokeP95Ms: null,
    keystrokeMaxMs: null,
    lintRunningWhileTyping: false,
    editApplied: false,
    pasteRetries: 0,
    lintAfterEditMs: null,
    longTaskMaxMs: 0,
    longTasksOver200: 0,
    longTasks: 0,
    longTasksOver200WhileEditing: 0,
    longTaskMaxWhileEditingMs: 0,
    tasksOver100: [],
    at: new Date().toISOString(),
  };
  try {
    // bypassCSP: the probes below are evaluated strings, which the UI's CSP (no eval) would refuse; the app is unchanged.
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    await page.addInitScript(instrument);
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    page.on('crash', () => process.stderr.write('page crashed\n'));
    browser.on('disconnected', () => process.stderr.write('browser disconnected\n'));
    // Profiling starts before navigation, so that the page's start-up is in the profile too.
    const cdp = PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    // UI_SCALE_TRACE=boot: the trace covers opening instead (navigation → editor ready + 3 s).
    if (TRACE_BOOT) await browser.startTracing(page, { path: join(root, 'bench', 'results', 'ui-scale-trace.json'), categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
    const navigationStartedAt = Date.now();
    await page.goto(ui.url);
    // The profile's clock counts from Profiler.start (≈ navigationStartedAt), the page's from its time origin: the
    // profile started this many page-milliseconds before it (negative). Wall clocks, good to a few ms: enough to
    // find which code a 200 ms task ran.
    const profileStartedAt = cdp ? navigationStartedAt - (await page.evaluate(() => performance.timeOrigin)) : 0;

    // Editor ready: the root file's model is shown in Monaco, with text.
    result.editorReadyMs = await whenTrue(
      page,
      `() => document.querySelector('.tab.active')?.getAttribute('data-path') === ${JSON.stringify(rootFile)} && Array.from(document.querySelectorAll('.monaco-editor .view-line')).some((l) => l.textContent.trim().length > 0)`,
      120_000,
    );
    report('editor ready', result.editorReadyMs);
    if (TRACE_BOOT) {
      await page.waitForTimeout(3_000);
      await browser.stopTracing();
      process.stdout.write(`trace written: bench/results/ui-scale-trace.json\n`);
    }

    // Docs and first lint, whichever comes first.
    const docs = (async () => {
      const started = Date.now();
      const navStart = await page.evaluate(() => performance.timeOrigin);
      let frame: Frame | undefined;
      let last = '';
      while (Date.now() - started < LINT_WAIT_MS) {
        frame = page.frames().find((f) => f.url().endsWith('/preview.html'));
        const live = (await page.getByTestId('preview-status').textContent()) === 'Live';
        const text = frame ? await frame.evaluate(() => document.body.textContent ?? "").catch(() => '') : '';
        if (live && (!summary || text.includes(summary))) return Date.now() - navStart;
        last = `status "${await page.getByTestId('preview-status').textContent()}", frame ${frame ? 'found' : 'missing'}, text "${text.slice(0, 80).replace(/\s+/g, ' ')}"`;
        await new Promise((r) => setTimeout(r, 50));
      }
      process.stderr.write(`docs not rendered: ${last}\n`);
      return null;
    })();
    result.firstLintMs = PROFILE && process.env.UI_SCALE_PROFILE_WAIT !== '1' ? null : await whenTrue(page, lintIdle, LINT_WAIT_MS);
    report('first lint shown', result.firstLintMs);
    result.docsRenderedMs = await docs;
    report('docs rendered', result.docsRenderedMs);

    // An edit at the top of the root file, then keystrokes into it while its lint runs.
    // UI_SCALE_TRACE=1: a Chromium trace of the editing phase (layout, paint, style, tasks), which names the native
    // work a CPU profile shows only as "(program)". Open bench/results/ui-scale-trace.json in chrome://tracing or Perfetto.
    if (TRACE) await browser.startTracing(page, { path: join(root, 'bench', 'results', 'ui-scale-trace.json'), categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
    const editStartedAt = await page.evaluate(() => performance.now());
    await page.locator('.monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+Home');
    const paste = async (text: string) =>
      page.locator('.monaco-editor textarea').evaluate((area, value) => {
        const data = new DataTransfer();
        data.setData('text/plain', value);
        area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
    const placeEdit = async () => {
      if (json) {
        await page.keyboard.press('End');
        await paste('\n  "x-bench-edit": "",');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
      } else {
        await paste('x-bench-edit: ""\n');
        await page.keyboard.press('ArrowUp');
        await page.keyboard.press('End');
        await page.keyboard.press('ArrowLeft');
      }
    };
    const editShown = `() => Array.from(document.querySelectorAll('.monaco-editor .view-line')).some((l) => l.textContent.includes('x-bench-edit'))`;
    await placeEdit();
    // The synthetic paste event was once not applied (one run in eight, sixth session; cause not found): the letters
    // then went into line 1 and the run did not measure this edit. Pasted once more, and counted.
    if ((await whenTrue(page, editShown, 2_000)) == null) {
      result.pasteRetries++;
      process.stderr.write('the paste was not applied: pasting once more\n');
      await page.keyboard.press('Control+Home');
      await placeEdit();
    }
    await page.waitForTimeout(700); // past the lint debounce: the edit's lint is running
    await page.evaluate(() => ((window as unknown as { bench: { recordKeys: boolean } }).bench.recordKeys = true));
    let runningSeen = false;
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < KEYSTROKES; i++) {
      await page.keyboard.press(letters[i % letters.length]!);
      if (!runningSeen) runningSeen = await page.locator('[data-testid=problems] [aria-label=Linting]').isVisible();
      await page.waitForTimeout(KEY_DELAY_MS);
    }
    const typedAt = await page.evaluate(() => performance.now());
    if (TRACE) {
      await page.waitForTimeout(3_000); // the edit's lint answer and what it sets off
      await browser.stopTracing();
      process.stdout.write(`trace written: bench/results/ui-scale-trace.json\n`);
    }
    result.editApplied = (await page.evaluate(`(${editShown})()`)) === true;
    if (!result.editApplied) {
      const focused = await page.evaluate(() => `${document.activeElement?.tagName}.${document.activeElement?.className}`);
      await page.screenshot({ path: join(root, 'bench', 'results', 'ui-scale-edit-missing.png') });
      process.stderr.write(`the edit did not reach the editor (focus: ${focused}; screenshot bench/results/ui-scale-edit-missing.png): keystroke and lint figures are not meaningful\n`);
    }
    const keys = await page.evaluate(() => (window as unknown as { bench: { keys: number[] } }).bench.keys);
    result.keystrokes = keys.length;
    result.keystrokeP50Ms = percentile(keys, 50);
    result.keystrokeP95Ms = percentile(keys, 95);
    result.keystrokeMaxMs = keys.length ? Math.max(...keys) : null;
    result.lintRunningWhileTyping = runningSeen;
    report('keystroke p95', result.keystrokeP95Ms);

    // Lint for the edit: the Problems panel stops linting once a result covering the last keystroke is in.
    const done = await whenTrue(page, lintIdle, LINT_WAIT_MS);
    result.lintAfterEditMs = done == null ? null : done - typedAt;
    report('lint after edit', result.lintAfterEditMs);
    // The profile runs until the edit's lint result is shown: applying it is part of editing.
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      const saved = join(root, 'bench', 'results', 'ui-scale.cpuprofile');
      mkdirSync(join(root, 'bench', 'results'), { recursive: true });
      writeFileSync(saved, JSON.stringify(profile));
      process.stdout.write(`CPU profile written: ${relative(root, saved)} (open it in Chrome DevTools)\n`);
      const tasks = await page.evaluate(() => (window as unknown as { bench: { longTasks: { start: number; duration: number }[] } }).bench.longTasks);
      printLongTaskProfiles(profile, profileStartedAt, tasks.filter((t) => t.duration > PROFILE_OVER_MS));
    }

    const tasks = await page.evaluate(() => (window as unknown as { bench: { longTasks: { start: number; duration: number }[] } }).bench.longTasks);
    const longTasks = tasks.map((t) => t.duration);
    result.longTasks = longTasks.length;
    result.longTaskMaxMs = longTasks.length ? Math.max(...longTasks) : 0;
    result.longTasksOver200 = longTasks.filter((d) => d > 200).length;
    const editing = tasks.filter((t) => t.start >= editStartedAt).map((t) => t.duration);
    result.longTasksOver200WhileEditing = editing.filter((d) => d > 200).length;
    result.longTaskMaxWhileEditingMs = editing.length ? Math.max(...editing) : 0;
    result.tasksOver100 = tasks.filter((t) => t.duration > 100).map((t) => ({ atMs: Math.round(t.start), ms: Math.round(t.duration) }));
    process.stdout.write(`  tasks over 100 ms: ${result.tasksOver100.map((t) => `${t.ms} ms at ${(t.atMs / 1000).toFixed(1)} s`).join(', ') || 'none'}\n`);
    process.stdout.write(`  tasks over 200 ms: ${tasks.filter((t) => t.duration > 200).map((t) => `${Math.round(t.duration)} ms at ${(t.start / 1000).toFixed(1)} s`).join(', ') || 'none'} (editing from ${(editStartedAt / 1000).toFixed(1)} s)\n`);
  } finally {
    await browser.close();
    if (ui.child.exitCode === null) ui.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (ui.child.exitCode === null) ui.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }

  printTable(result);
  const out = join(root, 'bench', 'results', 'ui-scale.json');
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, Result>) : {};
  previous[basename(input)] = result;
  writeFileSync(out, JSON.stringify(previous, null, 2) + '\n');
  process.stdout.write(`written: ${relative(root, out)} (key "${basename(input)}")\n`);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** For each long task: the functions with the most self time inside it, and the app's frames under which it ran. */
function printLongTaskProfiles(profile: CpuProfile, startedAt: number, tasks: { start: number; duration: number }[]) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
  };
  const times: number[] = [];
  let t = 0;
  for (const d of profile.timeDeltas ?? []) times.push((t += d) / 1000 + startedAt);
  for (const task of tasks) {
    const self = new Map<string, number>();
    const under = new Map<string, number>();
    (profile.samples ?? []).forEach((id, i) => {
      const at = times[i]!;
      if (at < task.start || at > task.start + task.duration) return;
      const dt = (profile.timeDeltas?.[i + 1] ?? 0) / 1000;
      self.set(name(id), (self.get(name(id)) ?? 0) + dt);
      // Every frame of the stack, once: inclusive time.
      const seen = new Set<string>();
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
        const key = name(n);
        if (seen.has(key)) continue;
        seen.add(key);
        under.set(key, (under.get(key) ?? 0) + dt);
      }
    });
    const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, v]) => `      ${v.toFixed(0).padStart(6)}  ${f}`).join('\n');
    process.stdout.write(`  task ${Math.round(task.duration)} ms at ${(task.start / 1000).toFixed(1)} s — self:\n${top(self, 8)}\n    inclusive:\n${top(under, 14)}\n`);
  }
}

function report(what: string, ms: number | null) {
  process.stdout.write(`  ${what}: ${ms == null ? 'not reached' : `${Math.round(ms)} ms`}\n`);
}

function printTable(r: Result) {
  const fmt = (ms: number | null) => (ms == null ? 'not reached' : `${Math.round(ms).toLocaleString('en')} ms`);
  const check = (value: number | null, target: number) => (value != null && value < target ? 'ok' : 'MISSED');
  const rows: [string, string, string, string][] = [
    ['editor ready (navigation → root file in Monaco)', fmt(r.editorReadyMs), `< ${TARGETS.editorReadyMs} ms`, check(r.editorReadyMs, TARGETS.editorReadyMs)],
    ['first lint result shown', fmt(r.firstLintMs), '', ''],
    ['docs preview rendered (first tag section in the frame)', fmt(r.docsRenderedMs), '', ''],
    [`keystroke → next frame p50 (${r.keystrokes} keys${r.lintRunningWhileTyping ? ', lint running' : ', lint NOT seen running'}${r.editApplied ? '' : ', EDIT NOT APPLIED'}${r.pasteRetries ? `, pasted ${r.pasteRetries + 1} times` : ''})`, fmt(r.keystrokeP50Ms), '', ''],
    ['keystroke → next frame p95', fmt(r.keystrokeP95Ms), `< ${TARGETS.keystrokeP95Ms} ms`, check(r.keystrokeP95Ms, TARGETS.keystrokeP95Ms)],
    ['keystroke → next frame max', fmt(r.keystrokeMaxMs), '', ''],
    ['longest main-thread task (workspace window)', fmt(r.longTaskMaxMs), `< ${TARGETS.longTaskMaxMs} ms`, check(r.longTaskMaxMs, TARGETS.longTaskMaxMs)],
    ['long tasks > 200 ms / all long tasks (> 50 ms)', `${r.longTasksOver200} / ${r.longTasks}`, '0', r.longTasksOver200 === 0 ? 'ok' : 'MISSED'],
    ['  of which while editing (first edit → end): > 200 ms / longest', `${r.longTasksOver200WhileEditing} / ${fmt(r.longTaskMaxWhileEditingMs)}`, '0', r.longTasksOver200WhileEditing === 0 ? 'ok' : 'MISSED'],
    ['lint reflects the edit (last key → result shown)', fmt(r.lintAfterEditMs), `< ${TARGETS.lintAfterEditMs} ms`, check(r.lintAfterEditMs, TARGETS.lintAfterEditMs)],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length), ['what', 'measured', 'target', ''][i]!.length));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  process.stdout.write(`\n${line(['what', 'measured', 'target', ''])}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
}

await run();
