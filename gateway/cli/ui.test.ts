import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyExample } from '../services/test-support/example.js';

/** The built bin, as users run it (`npm test` builds first). */
const bin = fileURLToPath(new URL('../../bin/portico.js', import.meta.url));

test('portico ui --no-open --port 0 --gateway-port 0 prints a URL whose token works, and the gateway address', { timeout: 60_000 }, async () => {
  const example = copyExample();
  const child = spawn(process.execPath, [bin, 'ui', example.dir, '--no-open', '--port', '0', '--gateway-port', '0']);
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const [, url, gateway] = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ui did not start:\n${output}`)), 30_000);
      child.stdout.on('data', () => {
        const match = /Portico UI on (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n[\s\S]*gateway:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      });
      child.once('exit', (code) => reject(new Error(`ui exited with ${code}:\n${output}`)));
    });
    const origin = new URL(url!).origin;

    assert.equal((await fetch(`${origin}/api/call/workspace.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 403);
    const login = await fetch(url!, { redirect: 'manual' });
    assert.equal(login.status, 303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const page = await fetch(`${origin}/`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.ok(page.headers.get('content-security-policy'));
    const info = await fetch(`${origin}/api/call/workspace.get`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
    assert.equal(info.status, 200);
    const body = (await info.json()) as { ok: boolean; value: { spec: string } };
    assert.equal(body.value.spec, 'openapi.yaml');

    assert.equal((await fetch(`${gateway}/pets`)).status, 200);

    child.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    await assert.rejects(fetch(`${gateway}/pets`));
  } finally {
    child.kill('SIGKILL');
    example.cleanup();
  }
});

test('portico ui --help and bad ports', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, [bin, ...args]);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.stderr.on('data', (d) => (out += d));
      c.on('exit', (code) => resolve({ code, out }));
    });
  const help = await run(['ui', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /--gateway-port N/);
  assert.match((await run(['--help'])).out, /ui \[folder\]/);
  assert.equal((await run(['ui', '--port', 'x'])).code, 2);
  assert.equal((await run(['ui', '--bogus'])).code, 2);
});
