// electron-builder.yml, checked offline with electron-builder's own loader and schema validation
// (app-builder-lib's getConfig + validateConfiguration: the same two calls `electron-builder` makes before packaging).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger, log } from 'builder-util';
import type { Configuration } from 'app-builder-lib';

// electron-builder logs ("• loaded configuration") to stdout, which Node's test runner uses to talk to this
// test process: send them to stderr instead.
(log as unknown as { stream: NodeJS.WritableStream }).stream = process.stderr;

const root = fileURLToPath(new URL('..', import.meta.url));
const load = (): Promise<Configuration> => getConfig(root, 'electron-builder.yml', null);

test('electron-builder.yml passes electron-builder schema validation', async () => {
  const config = await load();
  await validateConfiguration(config, new DebugLogger(false));
});

test('validation is real: an unknown option is rejected', async () => {
  const config = { ...(await load()), notAnOption: true } as Configuration;
  await assert.rejects(validateConfiguration(config, new DebugLogger(false)), /notAnOption|unknown property|additional/i);
});

test('targets: AppImage + deb, dmg, nsis', async () => {
  const config = await load();
  assert.equal(config.appId, 'dev.portico.app');
  assert.equal(config.productName, 'Portico');
  assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac?.target, ['dmg']);
  assert.deepEqual(config.win?.target, ['nsis']);
});

test('fuses disable RunAsNode, NODE_OPTIONS and inspector flags; only the integrity-checked asar loads', async () => {
  const fuses = (await load()).electronFuses;
  assert.equal(fuses?.runAsNode, false);
  assert.equal(fuses?.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(fuses?.enableNodeCliInspectArguments, false);
  assert.equal(fuses?.onlyLoadAppFromAsar, true);
  assert.equal(fuses?.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(fuses?.grantFileProtocolExtraPrivileges, false);
});

test('better-sqlite3 is rebuilt for Electron and unpacked; examples and templates ship as extra resources; main is the built shell', async () => {
  const config = await load();
  assert.equal(config.npmRebuild, true);
  assert.equal(config.buildDependenciesFromSource, true);
  assert.deepEqual(config.asarUnpack, ['**/node_modules/better-sqlite3/**']);
  assert.deepEqual((config.extraResources as Array<{ from: string; to: string }>).map(({ from, to }) => ({ from, to })), [
    { from: 'resources/examples', to: 'examples' },
    { from: 'resources/templates', to: 'templates' },
  ]);
  assert.equal((config.extraMetadata as { main?: string }).main, 'dist/electron/main.js');
  // getConfig normalises `files` to [{ filter: [...] }].
  const patterns = (config.files as Array<{ filter: string[] }>).flatMap((set) => set.filter);
  for (const pattern of ['package.json', 'dist/**', 'resources/**']) assert.ok(patterns.includes(pattern), pattern);
});
