// Starts the real `portico ui` on a temporary copy of the example workspace and reads the addresses it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface PorticoUi {
  /** The UI's URL, with its token. */
  url: string;
  origin: string;
  gatewayUrl: string;
  workspace: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * `data`: an existing data folder to use (kept) instead of a fresh one (e.g. a big generated traffic log).
 * `prepare`: changes the copy of the example before the UI opens it (e.g. a generated large design).
 */
export async function startPorticoUi(options: { data?: string; prepare?: (workspace: string) => void } = {}): Promise<PorticoUi> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-e2e-'));
  const workspace = join(dir, 'petstore');
  cpSync(join(root, 'resources', 'examples', 'petstore'), workspace, { recursive: true });
  options.prepare?.(workspace);
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin', 'portico.js'), 'ui', workspace, '--no-open', '--port', '0', '--gateway-port', '0', '--data', options.data ?? join(dir, 'data')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BROWSER: 'none' },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const found = await new Promise<{ url: string; gatewayUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portico ui printed no addresses within 30 s:\n${out}`)), 30_000);
    const check = () => {
      const url = /Portico UI on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out)?.[1];
      const gatewayUrl = /gateway:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url && gatewayUrl) {
        clearTimeout(timer);
        resolve({ url, gatewayUrl });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portico ui exited (${code}):\n${out}`));
    });
  });

  return {
    ...found,
    origin: new URL(found.url).origin,
    workspace,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
