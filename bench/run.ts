import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { alternated, type AlternatedResult } from './alternated.js';
import { ROUNDS_PER_START, sideBySide, type Contender, type SideBySideResult } from './side-by-side.js';
import { measure, probe, warmUp, type LoadSettings } from './load.js';
import { cpuUtilization, foreignCpus, sampleCpu, stolenCpus, topOthers } from './noise.js';
import { findNginx, startNginx } from './nginx.js';
import { perRequest, sampleProcessCpu } from './thread-cpu.js';
import { canPin, childGroups, describeOutput, installCleanup, kill, pinSelf, start, stop, stopAll, waitForOutput, type Child } from './processes.js';
import { formatStartups, formatTable, formatTargets, targets, type CaseId, type CaseRow, type StartupResult } from './report.js';
import { MEDIUM_DESIGN, writeMediumDesign } from './generate-design.js';

/**
 * `npm run bench`: Portico's proxy and mock against a direct call, a bare http-proxy and nginx, in one run,
 * with the same load for every case. See bench/README.md for the cases and the fairness notes.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = join(ROOT, 'bench');
const FIXTURES = join(BENCH, 'fixtures');
const BIN = join(ROOT, 'bin', 'portico.js');
const PRISM = join(ROOT, 'node_modules', '.bin', 'prism');
const PRISM_REFERENCE_RPS = 830;
// `portico consumers add` requires 16+ characters (so not the shorter `bench-key-123`).
const API_KEY = 'bench-key-1234567890';

const settings: LoadSettings = {
  seconds: positive('BENCH_SECONDS', 8),
  warmupSeconds: positive('BENCH_WARMUP', 2, true),
  connections: positive('BENCH_CONNECTIONS', 50),
  pipelining: 1,
};
// Logging on / off and Portico / bare http-proxy, side by side (side-by-side.ts): this many rounds of BENCH_ROUND_SECONDS each.
const ROUNDS = Math.round(positive('BENCH_ROUNDS', 16, true));
const roundSettings: LoadSettings = { ...settings, seconds: positive('BENCH_ROUND_SECONDS', 3) };
let sideBySideLogging: SideBySideResult | undefined;
let sideBySideProxy: SideBySideResult | undefined;
// Logging on / off, each alone on the system-under-test CPU (alternated.ts): this many pairs of fresh processes.
const PAIRS = Math.round(positive('BENCH_PAIRS', 20, true));
const pairSettings: LoadSettings = { ...settings, seconds: positive('BENCH_PAIR_SECONDS', 5) };
let alternatedLogging: AlternatedResult | undefined;
const AA = process.env.BENCH_AA === '1';
// Read before pinning this process, which narrows what availableParallelism() reports.
const CPUS = availableParallelism();
// Pinning (Linux, ≥ 2 CPUs): the system under test alone on the last CPU; load generator and upstream on the others.
const pin = process.env.BENCH_PIN !== '0' && canPin();
const SUT_CPU = pin ? String(CPUS - 1) : undefined;
const LOAD_CPUS = pin ? (CPUS === 2 ? '0' : `0-${CPUS - 2}`) : undefined;
// BENCH_ONLY=direct,bare,startup: a subset of the cases (ids as in report.ts), for investigating one figure.
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const wanted = (id: string) => !ONLY || ONLY.has(id);
// Children inherit this process's affinity once it is pinned: unpinned children must ask for all CPUs.
const ALL_CPUS = pin ? `0-${CPUS - 1}` : undefined;
const on = (cpus: string | undefined) => (cpus === undefined ? {} : { cpus });

function positive(name: string, fallback: number, zeroOk = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk)) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

/** `npm run build` when dist/ is missing or older than any built gateway source. */
function ensureBuild(): string {
  const built = join(ROOT, 'dist', 'gateway', 'cli.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'test-support' ? max : Math.max(max, newest(path));
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? Math.max(max, statSync(path).mtimeMs) : max;
    }, 0);
  if (builtAt > newest(join(ROOT, 'gateway'))) return 'dist/ is up to date';
  process.stdout.write('Building dist/ (npm run build)...\n');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status === 0) return 'built dist/';
  const output = `${build.stdout}${build.stderr}`.trim().split('\n');
  process.stdout.write(`npm run build failed (exit ${build.status}); tsc still emits, benching what dist/ holds:\n  ${output.slice(0, 10).join('\n  ')}\n`);
  return `build failed: ${output.slice(0, 3).join(' | ')}`;
}

interface Running {
  child: Child;
  url: string;
}

async function startNode(name: string, script: string, args: string[], pattern: RegExp, env?: NodeJS.ProcessEnv): Promise<Running> {
  const child = start(name, process.execPath, [script, ...args], { cwd: ROOT, ...(env && { env }), ...on(SUT_CPU) });
  try {
    const { match } = await waitForOutput(child, pattern);
    return { child, url: match[1]! };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

const LISTENING = /Portico gateway listening on (http:\/\/\S+)/;
/** BENCH_PROFILE=<dir>: every Portico process writes a CPU profile there when it stops (`node --cpu-prof`). */
const PROFILE_DIR = process.env.BENCH_PROFILE;
const portico = (name: string, args: string[], env?: NodeJS.ProcessEnv) =>
  PROFILE_DIR
    ? startNode(name, '--cpu-prof', [`--cpu-prof-dir=${PROFILE_DIR}`, BIN, 'serve', ...args], LISTENING, env)
    : startNode(name, BIN, ['serve', ...args], LISTENING, env);

interface CaseDef {
  id: CaseId;
  name: string;
  path: string;
  headers?: Record<string, string>;
  skip?: string;
  start(): Promise<Running>;
  /** A note taken as soon as the load ends, while the case's process still runs (e.g. how far the log's drain lags). */
  atLoadEnd?(): string | undefined;
  /** A note after the run, once the case's process has stopped (e.g. did the traffic log fill?). */
  after?(): string | undefined;
}

async function runCase(def: CaseDef): Promise<CaseRow> {
  const base = { id: def.id, name: def.name };
  if (def.skip) return { ...base, state: 'skipped', note: def.skip };
  process.stdout.write(`- ${def.name}: `);
  let running: Running | undefined;
  try {
    running = await def.start();
    const url = running.url + def.path;
    const first = await probe(url, def.headers);
    await warmUp(url, settings, def.headers);
    const before = sampleCpu(childGroups());
    const sutBefore = sampleProcessCpu(running.child.proc.pid);
    const load = await measure(url, settings, def.headers);
    const sutAfter = sampleProcessCpu(running.child.proc.pid);
    const after = sampleCpu(childGroups());
    const sutCpu = perRequest(sutBefore, sutAfter, load.total);
    const atLoadEnd = def.atLoadEnd?.();
    const cpu = { othersCpus: foreignCpus(before, after), utilization: cpuUtilization(before, after), stolenCpus: stolenCpus(before, after), topOthers: topOthers(before, after) };
    const notes = [first.status >= 300 ? `probe answered ${first.status}, not 2xx` : '', first.warning ? `mock warning: ${first.warning}` : ''];
    if (running.child.exitedYet) notes.push(`exited during the run: ${describeOutput(running.child)}`);
    if (atLoadEnd) notes.push(atLoadEnd);
    await stop(running.child);
    notes.push(def.after?.() ?? '');
    const cost = sutCpu ? `, ${sutCpu.mainUs.toFixed(1)} / ${sutCpu.processUs.toFixed(1)} µs CPU per request (event loop / process)` : '';
    process.stdout.write(`${Math.round(load.requestsPerSec)} req/s${cost}\n`);
    return { ...base, state: 'measured', load, probe: first, cpu, ...(sutCpu && { sutCpu }), ...(notes.some(Boolean) && { note: notes.filter(Boolean).join('; ') }) };
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, ' ');
    process.stdout.write(`failed: ${message}\n`);
    return { ...base, state: 'failed', note: message };
  } finally {
    if (running) await stop(running.child);
  }
}

/** Not pinned: start-up is a user-facing wait on a multi-core machine, and V8 compiles and collects on other threads. */
async function startupTimes(name: string, spec: string, operations: number, dataDir: string, runs = 5): Promise<StartupResult> {
  const result: StartupResult = { name, spec: relative(ROOT, spec), operations, runsMs: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const child = start(`start-up ${name}`, process.execPath, [BIN, 'serve', spec, '--port', '0', '--mock', '--no-log', '--data', dataDir], { cwd: ROOT, ...on(ALL_CPUS) });
      try {
        const { at } = await waitForOutput(child, LISTENING);
        result.runsMs.push(at - child.spawnedAt);
      } finally {
        await stop(child);
      }
    }
    const sorted = [...result.runsMs].sort((a, b) => a - b);
    result.medianMs = sorted[Math.floor(sorted.length / 2)];
  } catch (error) {
    result.error = (error as Error).message.replace(/\s+/g, ' ');
  }
  return result;
}

async function main(): Promise<void> {
  installCleanup();
  const started = Date.now();
  const build = ensureBuild();
  if (!existsSync(MEDIUM_DESIGN)) writeMediumDesign();
  if (LOAD_CPUS) pinSelf(LOAD_CPUS);
  const tmp = mkdtempSync(join(tmpdir(), 'portico-bench-'));
  // Also on Ctrl-C, which exits without running the finally below.
  process.once('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const nginxBinary = findNginx();
  const prism = existsSync(PRISM);
  process.stdout.write(
    `Portico bench: ${settings.seconds} s per case after ${settings.warmupSeconds} s warm-up, ${settings.connections} connections, pipelining ${settings.pipelining}; ` +
      `${CPUS} CPUs, ${pin ? `system under test on CPU ${SUT_CPU}, load generator and upstream on CPU ${LOAD_CPUS}` : 'no CPU pinning'}\n`,
  );

  const rows: CaseRow[] = [];
  let startups: StartupResult[] = [];
  try {
    const upstream = start('upstream', process.execPath, [join(BENCH, 'upstream.mjs')], on(LOAD_CPUS));
    const upstreamUrl = (await waitForOutput(upstream, /listening on (http:\/\/\S+)/)).match[1]!;
    const upstreamPort = new URL(upstreamUrl).port;
    const dataDir = (name: string) => join(tmp, name);
    /** The drain runs at the lowest priority: how many exchanges reached the database while the load ran. */
    const drainLag = (name: string) => () => {
      const db = join(dataDir(name), 'traffic.db');
      if (!existsSync(db)) return 'no traffic.db at load end';
      const reader = new Database(db, { readonly: true });
      try {
        const rows = reader.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;
        const spool = `${db}.spool`;
        const spooled = existsSync(spool) ? readdirSync(spool).reduce((sum, name) => sum + statSync(join(spool, name)).size, 0) : 0;
        return `at load end ${rows} rows in the database, spool ${Math.round(spooled / 1024)} KB`;
      } finally {
        reader.close();
      }
    };
    const logSize = (name: string) => () => {
      const db = join(dataDir(name), 'traffic.db');
      return existsSync(db) ? `traffic.db ${Math.round((statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0)) / 1024)} KB` : 'no traffic.db written';
    };

    const added = spawnSync(process.execPath, [BIN, 'consumers', 'add', 'bench', '--key', API_KEY, '--data', dataDir('policies')], { cwd: ROOT, encoding: 'utf8' });
    const consumerError = added.status === 0 ? undefined : `consumers add failed (exit ${added.status}): ${(added.stderr || added.stdout).trim().replace(/\s+/g, ' ')}`;

    const chain = await fullChainDesign(tmp);
    const cases: CaseDef[] = [
      { id: 'direct', name: 'direct', path: '/items', start: () => startNode('direct upstream', join(BENCH, 'upstream.mjs'), [], /listening on (http:\/\/\S+)/) },
      { id: 'bare', name: 'http-proxy bare', path: '/items', start: () => startNode('bare http-proxy', join(BENCH, 'bare-proxy.mjs'), [upstreamUrl], /listening on (http:\/\/\S+)/) },
      // The maintained fork the issue names as an alternative: the same script on http-proxy-3.
      { id: 'bare3', name: 'http-proxy-3 bare', path: '/items', start: () => startNode('bare http-proxy-3', join(BENCH, 'bare-proxy.mjs'), [upstreamUrl, '0', 'http-proxy-3'], /listening on (http:\/\/\S+)/) },
      {
        id: 'nginx',
        name: 'nginx reverse proxy',
        path: '/items',
        ...(!nginxBinary && { skip: 'nginx not found on PATH or in /usr/sbin (Debian package: nginx)' }),
        start: () => startNginx(nginxBinary!, dataDir('nginx'), Number(upstreamPort), SUT_CPU),
      },
      { id: 'portico-off', name: 'portico proxy, no policies, logging off', path: '/items', start: () => portico('portico', [join(FIXTURES, 'proxy.yaml'), '--port', '0', '--upstream', upstreamUrl, '--no-log', '--data', dataDir('off')]) },
      { id: 'portico-log', name: 'portico proxy, logging on', path: '/items', start: () => portico('portico', [join(FIXTURES, 'proxy.yaml'), '--port', '0', '--upstream', upstreamUrl, '--data', dataDir('logging')]), atLoadEnd: drainLag('logging'), after: logSize('logging') },
      {
        id: 'portico-log-own-core',
        name: "portico proxy, logging on, log writer on the load's CPU",
        path: '/items',
        // The writer thread on another core than the event loop, as on any machine with more than one: the load
        // generator's core, so logging competes with the load rather than getting a core of its own.
        ...(LOAD_CPUS === undefined && { skip: 'needs CPU pinning (Linux, 2+ CPUs)' }),
        start: () =>
          portico('portico', [join(FIXTURES, 'proxy.yaml'), '--port', '0', '--upstream', upstreamUrl, '--data', dataDir('logging-own-core')], {
            ...process.env,
            PORTICO_LOG_CPUS: LOAD_CPUS ?? '',
          }),
        atLoadEnd: drainLag('logging-own-core'),
        after: logSize('logging-own-core'),
      },
      {
        id: 'portico-policies',
        name: 'portico proxy, api-key + rate-limit + logging',
        path: '/items',
        headers: { 'x-api-key': API_KEY },
        ...(consumerError && { skip: consumerError }),
        start: () => portico('portico', [join(FIXTURES, 'policies.yaml'), '--port', '0', '--data', dataDir('policies')], { ...process.env, BENCH_UPSTREAM: upstreamUrl }),
        after: logSize('policies'),
      },
      {
        id: 'portico-chain',
        name: 'portico proxy, full chain: jwt + rate-limit + validate-request + cache miss + headers + logging',
        path: '/items',
        headers: { authorization: `Bearer ${chain.token}` },
        start: () => portico('portico', [chain.design, '--port', '0', '--data', dataDir('chain')], { ...process.env, BENCH_UPSTREAM: upstreamUrl }),
        after: logSize('chain'),
      },
      { id: 'portico-mock', name: 'portico mock', path: '/products', start: () => portico('portico', [join(FIXTURES, 'catalog.yaml'), '--port', '0', '--mock', '--no-log', '--data', dataDir('mock')]) },
      {
        id: 'portico-mock-dynamic',
        name: 'portico mock, Prefer: dynamic=true',
        path: '/products',
        headers: { prefer: 'dynamic=true' },
        start: () => portico('portico', [join(FIXTURES, 'catalog.yaml'), '--port', '0', '--mock', '--no-log', '--data', dataDir('mock')]),
      },
    ];
    if (prism) {
      cases.push({
        id: 'prism',
        name: 'prism mock',
        path: '/products',
        start: async () => {
          const child = start('prism', PRISM, ['mock', '-h', '127.0.0.1', '-p', '0', join(FIXTURES, 'catalog.yaml')], { cwd: ROOT, ...on(SUT_CPU) });
          return { child, url: (await waitForOutput(child, /listening on (http:\/\/\S+)/i, 30_000)).match[1]! };
        },
      });
    }
    for (const def of cases.filter((c) => wanted(c.id))) rows.push(await runCase(def));
    const foreignCpu = () => {
      const before = sampleCpu(childGroups());
      return () => {
        const after = sampleCpu(childGroups());
        const foreign = foreignCpus(before, after);
        return foreign === undefined ? undefined : foreign + (stolenCpus(before, after) ?? 0);
      };
    };
    /** Two servers started afresh (every ROUNDS_PER_START rounds), warmed up, then measured side by side. */
    const runSideBySide = async (title: string, startBoth: (n: number) => Promise<[Contender & { child: Child }, Contender & { child: Child }]>) => {
      process.stdout.write(`- ${title}, side by side on one CPU, ${settings.connections / 2} connections each: ${ROUNDS} rounds of ${roundSettings.seconds} s, fresh processes every ${ROUNDS_PER_START} rounds\n`);
      let starts = 0;
      const startContenders = async () => {
        const [base, candidate] = await startBoth(++starts);
        for (const c of [base, candidate]) await warmUp(c.url, settings);
        return { base, candidate, stop: () => Promise.all([stop(base.child), stop(candidate.child)]).then(() => undefined) };
      };
      try {
        return await sideBySide(startContenders, ROUNDS, roundSettings, foreignCpu, (line) => process.stdout.write(line));
      } catch (error) {
        process.stdout.write(`  failed: ${(error as Error).message}\n`);
        return undefined;
      }
    };
    const contender = (label: string, g: Running) => ({ label, url: `${g.url}/items`, pid: g.child.proc.pid, child: g.child });
    const proxyArgs = (name: string, log: boolean) => [join(FIXTURES, 'proxy.yaml'), '--port', '0', '--upstream', upstreamUrl, ...(log ? [] : ['--no-log']), '--data', dataDir(name)];
    if (wanted('bare') && wanted('portico-off') && ROUNDS > 0) {
      sideBySideProxy = await runSideBySide('bare http-proxy and portico (no policies, logging off)', async (n) => [
        contender('bare', await startNode('bare http-proxy', join(BENCH, 'bare-proxy.mjs'), [upstreamUrl], /listening on (http:\/\/\S+)/)),
        contender('portico', await portico('portico, logging off', proxyArgs(`side-by-side-proxy-${n}`, false))),
      ]);
    }
    if (wanted('portico-off') && wanted('portico-log') && ROUNDS > 0) {
      // Each start gets empty data folders: a fresh logging gateway, like the first. BENCH_AA=1: an A/A control, the
      // base logging too, which measures the instrument's own noise and bias (the figure should read 1.00).
      sideBySideLogging = await runSideBySide(AA ? 'A/A CONTROL: logging on and on' : 'logging off and on', async (n) => [
        contender(AA ? 'on (A/A)' : 'off', await portico(AA ? 'portico, logging on (A/A)' : 'portico, logging off', proxyArgs(`side-by-side-off-${n}`, AA))),
        contender('on', await portico('portico, logging on', proxyArgs(`side-by-side-on-${n}`, true))),
      ]);
    }
    if (wanted('portico-off') && wanted('portico-log') && PAIRS > 0) {
      // Each run a fresh gateway on an empty data folder, killed once measured: what its log's close would drain is
      // not this figure's business. BENCH_AA=1: both sides log (the A/A control).
      const side = (label: string, log: boolean) => ({
        label,
        async start(run: number) {
          const g = await portico(`portico, ${label}`, proxyArgs(`alternated-${label}-${run}`, log));
          return { url: `${g.url}/items`, pid: g.child.proc.pid, stop: () => kill(g.child) };
        },
      });
      process.stdout.write(
        `- ${AA ? 'A/A CONTROL: logging on and on' : 'logging off and on'}, each alone on CPU ${SUT_CPU ?? '(unpinned)'}: ${PAIRS} pairs of fresh processes, ` +
          `${pairSettings.warmupSeconds} s warm-up + ${pairSettings.seconds} s each, ${settings.connections} connections, order alternating\n`,
      );
      try {
        alternatedLogging = await alternated(side(AA ? 'on-A' : 'off', AA), side(AA ? 'on-B' : 'on', true), PAIRS, pairSettings, foreignCpu, (line) => process.stdout.write(line));
      } catch (error) {
        process.stdout.write(`  failed: ${(error as Error).message}\n`);
      }
    }
    if (!prism && wanted('prism')) rows.push({ id: 'prism', name: 'prism mock (reference)', state: 'reference', referenceRps: PRISM_REFERENCE_RPS, note: `not installed: ~${PRISM_REFERENCE_RPS} req/s measured earlier on this machine, not in this run` });
    await stop(upstream);

    if (wanted('startup')) {
      process.stdout.write('- start-up...\n');
      startups = [
        await startupTimes('medium spec', join(FIXTURES, 'catalog.yaml'), 9, dataDir('startup')),
        await startupTimes('medium design', MEDIUM_DESIGN, 100, dataDir('startup')),
      ];
    }
  } finally {
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }

  const checks = targets(rows, startups, { logging: sideBySideLogging, loggingAlone: alternatedLogging, proxy: sideBySideProxy, aa: AA });
  process.stdout.write(`\n${formatTable(rows, pin)}\n\n${formatStartups(startups)}\n\n${formatTargets(checks)}\n`);
  for (const row of rows.filter((r) => r.state === 'failed')) process.stdout.write(`\n${row.name} failed:\n  ${row.note}\n`);

  const results = join(BENCH, 'results');
  mkdirSync(results, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: { count: CPUS, model: cpus()[0]?.model },
    pinning: pin ? { systemUnderTest: SUT_CPU, loadAndUpstream: LOAD_CPUS } : false,
    settings,
    build,
    nginx: nginxBinary ?? null,
    prism: prism ? PRISM : { reference: PRISM_REFERENCE_RPS },
    cases: rows,
    loggingSideBySide: sideBySideLogging ?? null,
    loggingAlternated: alternatedLogging ?? null,
    proxySideBySide: sideBySideProxy ?? null,
    startup: startups,
    targets: checks,
    wallSeconds: (Date.now() - started) / 1000,
  };
  writeFileSync(join(results, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`\nWrote ${relative(ROOT, join(results, 'latest.json'))} (${report.wallSeconds.toFixed(0)} s)\n`);
}

/** The full-chain design in `dir`, beside a public key made for this run, and a token signed with its private key. */
async function fullChainDesign(dir: string): Promise<{ design: string; token: string }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const folder = join(dir, 'chain-design');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'jwt.pem'), await exportSPKI(publicKey));
  const design = join(folder, 'full-chain.yaml');
  writeFileSync(design, readFileSync(join(FIXTURES, 'full-chain.yaml')));
  const token = await new SignJWT({ sub: 'bench', iss: 'https://idp.bench', aud: 'bench' }).setProtectedHeader({ alg: 'RS256' }).setIssuedAt().setExpirationTime('2h').sign(privateKey);
  return { design, token };
}

main().catch(async (error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  await stopAll();
  process.exitCode = 1;
});
