#!/usr/bin/env node
// `npm start`: Portico on the bundled example workspace, with the example's small inventory upstream beside it.
// Where an Electron binary is installed, the desktop app; otherwise the same UI in the browser (`portico ui`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = 'resources/examples/petstore';
const args = process.argv.slice(2);

/** The Electron binary's path when it is really there; `require('electron')` throws or names a missing file otherwise. */
export function electronBinary(require = createRequire(import.meta.url)) {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function where() {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    return existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8')) : `${pathFile} is missing`;
  } catch {
    return 'the electron package is not installed';
  }
}

const children = [];
const run = (command, argv, env = process.env) => {
  const child = spawn(command, argv, { cwd: root, stdio: 'inherit', env });
  children.push(child);
  child.on('exit', (code) => {
    for (const other of children) if (other !== child) other.kill('SIGTERM');
    process.exitCode = code ?? 0;
  });
  return child;
};

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  run(process.execPath, [`${example}/upstream.mjs`, '4011']);
  const electron = electronBinary();
  if (electron && existsSync(join(root, 'dist/electron/main.js'))) {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE; // set by some editors' terminals; it would run main.js as plain Node
    run(electron, ['dist/electron/main.js', example, ...args], env);
  } else {
    console.log(`Electron is not installed here (${where()}); serving the same UI in your browser.`);
    run(process.execPath, ['bin/portico.js', 'ui', example, ...args]);
  }
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => children.forEach((c) => c.kill(signal)));
}
