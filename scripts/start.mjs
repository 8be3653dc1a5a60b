#!/usr/bin/env node
// `npm start`: Portico on the bundled example workspace: its inventory upstream, then the gateway.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = 'resources/examples/petstore';
const children = [];
const run = (args) => {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code) => {
    for (const other of children) if (other !== child) other.kill('SIGTERM');
    process.exitCode = code ?? 0;
  });
  return child;
};

run([`${example}/upstream.mjs`, '4011']);
run(['bin/portico.js', 'serve', `${example}/openapi.yaml`, ...process.argv.slice(2)]);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => children.forEach((c) => c.kill(signal)));
