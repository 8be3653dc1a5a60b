import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createConnection, createServer, type AddressInfo } from 'node:net';

/**
 * Child processes for the bench: spawned in their own process group (so that nginx's worker or anything a
 * child forks dies with it), output captured, optionally pinned to a CPU, and all killed at the end,
 * even when the bench fails or is interrupted.
 */

export interface Child {
  name: string;
  proc: ChildProcess;
  /** Milliseconds (performance.now()) just before spawn(). */
  spawnedAt: number;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitedYet: boolean;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** CPU list for `taskset -c` (ignored when taskset is unavailable). */
  cpus?: string;
}

const CAPTURE_LIMIT = 64 * 1024;
const children = new Set<Child>();

let tasksetChecked: boolean | undefined;
export function canPin(): boolean {
  if (tasksetChecked === undefined) {
    tasksetChecked = process.platform === 'linux' && availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  }
  return tasksetChecked;
}

/** Pins this process (the load generator) to `cpus`. */
export function pinSelf(cpus: string): boolean {
  return canPin() && spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)]).status === 0;
}

export function start(name: string, command: string, args: readonly string[], options: StartOptions = {}): Child {
  const pinned = options.cpus !== undefined && canPin();
  const [file, argv] = pinned ? ['taskset', ['-c', options.cpus!, command, ...args]] : [command, [...args]];
  let out = '';
  let err = '';
  const spawnedAt = performance.now();
  const proc = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    if (out.length < CAPTURE_LIMIT) out += chunk;
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (err.length < CAPTURE_LIMIT) err += chunk;
  });
  const child: Child = {
    name,
    proc,
    spawnedAt,
    stdout: () => out,
    stderr: () => err,
    exitedYet: false,
    exited: new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        child.exitedYet = true;
        children.delete(child);
        resolve({ code, signal });
      };
      proc.once('exit', done);
      proc.once('error', (error) => {
        err += `spawn ${file}: ${error.message}\n`;
        done(null, null);
      });
    }),
  };
  children.add(child);
  return child;
}

/**
 * Resolves with the first match of `pattern` in the child's stdout (and the time it was seen);
 * rejects with the child's stderr when it exits first or the timeout passes.
 */
export function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 15_000): Promise<{ match: RegExpMatchArray; at: number }> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = child.stdout().match(pattern);
      if (!match) return false;
      cleanup();
      resolve({ match, at: performance.now() });
      return true;
    };
    const onData = () => void check();
    const onExit = () =>
      setImmediate(() => {
        if (check()) return;
        cleanup();
        reject(new Error(`${child.name} exited before listening (code ${child.proc.exitCode ?? child.proc.signalCode}): ${describeOutput(child)}`));
      });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.name} did not print ${pattern} within ${timeoutMs} ms: ${describeOutput(child)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.proc.stdout!.off('data', onData);
      child.proc.off('exit', onExit);
    };
    child.proc.stdout!.on('data', onData);
    child.proc.once('exit', onExit);
    if (!check() && child.exitedYet) onExit();
  });
}

/** Polls until something accepts TCP connections on host:port. */
export async function waitForPort(child: Child, port: number, timeoutMs = 10_000, host = '127.0.0.1'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitedYet) throw new Error(`${child.name} exited before listening: ${describeOutput(child)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host, timeout: 500 });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (performance.now() > deadline) throw new Error(`${child.name} not listening on ${host}:${port} after ${timeoutMs} ms: ${describeOutput(child)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function describeOutput(child: Child): string {
  const text = (child.stderr().trim() || child.stdout().trim() || '(no output)').replace(/\s+/g, ' ');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/** A port that was free a moment ago (for servers that cannot listen on port 0 and report it, like nginx). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  if (child.exitedYet || child.proc.pid === undefined) return;
  try {
    process.kill(-child.proc.pid, signal);
  } catch {
    try {
      child.proc.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to the child's group, SIGKILL after `graceMs`. */
export async function stop(child: Child, graceMs = 3_000): Promise<void> {
  if (child.exitedYet) return;
  signalGroup(child, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([child.exited, timer])) === 'timeout') {
    signalGroup(child, 'SIGKILL');
    await child.exited;
  }
}

/** SIGKILL to the child's group, resolved once it has exited: for servers whose shutdown work (a log's drain) is not measured. */
export async function kill(child: Child): Promise<void> {
  if (child.exitedYet) return;
  signalGroup(child, 'SIGKILL');
  await child.exited;
}

/** Process groups of the children still running (each child leads its own). */
export function childGroups(): Set<number> {
  return new Set([...children].map((child) => child.proc.pid).filter((pid): pid is number => pid !== undefined));
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
}

/** Kills whatever is left when the bench exits, however it exits. */
export function installCleanup(): void {
  process.once('exit', () => {
    for (const child of children) signalGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the bench's child processes...\n`);
      stopAll().finally(() => process.exit(130));
    });
  }
}
