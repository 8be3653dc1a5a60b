import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';
export const hasNginx = existsSync(NGINX);

/** A port that was free a moment ago: nginx cannot listen on port 0, so bind 0 first, note the port and let it go. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Debian's nginx in the foreground on 127.0.0.1 with a generated nginx.conf around an exported http-context file,
 * everything (pid, temp files, logs) in its own temp folder. `files` are written beside it first (the operator's key files).
 */
export async function startNginx(render: (dir: string) => { conf: string; files?: Record<string, string> }, port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'portico-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, 'tmp', sub), { recursive: true });
  const { conf, files = {} } = render(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'portico.conf'), conf);
  const root = process.getuid?.() === 0;
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      ...(root ? ['user root;'] : []),
      'worker_processes 1;',
      'daemon off;',
      'master_process on;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 512; }',
      'http {',
      '    access_log off;',
      `    client_body_temp_path ${dir}/tmp/body;`,
      `    proxy_temp_path ${dir}/tmp/proxy;`,
      `    fastcgi_temp_path ${dir}/tmp/fastcgi;`,
      `    uwsgi_temp_path ${dir}/tmp/uwsgi;`,
      `    scgi_temp_path ${dir}/tmp/scgi;`,
      `    include ${dir}/portico.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const test = spawn(NGINX, ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const checked = await collect(test);
  if (checked.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t refused the exported configuration:\n${checked.output}\n--- portico.conf ---\n${conf}`);
  }
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  await waitForPort(port, child, () => output);
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function collect(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}: ${output()}`);
}

/** `nginx -t` on an exported http-context file (with the operator's files beside it): the syntax and every directive checked. */
export async function checkNginxConfig(conf: string, files: Record<string, string> = {}): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-nginx-t-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'portico.conf'), conf);
    writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n    include ${dir}/portico.conf;\n}\n`);
    const child = spawn(NGINX, ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const { code, output } = await collect(child);
    return { ok: code === 0, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
