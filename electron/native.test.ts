import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseFolder, chooseSavePath, RECENT_LIMIT, RecentWorkspaces, revealInFolder, Secrets } from './native.js';

const userData = () => mkdtemp(join(tmpdir(), 'portico-userdata-'));

test('recent workspaces: most recent first, no duplicates, capped, stored as JSON in userData', async () => {
  const dir = await userData();
  const recent = new RecentWorkspaces(dir);
  assert.deepEqual(await recent.list(), []);
  await recent.add('/w/a');
  await recent.add('/w/b');
  await recent.add('/w/a');
  assert.deepEqual(await recent.list(), ['/w/a', '/w/b']);
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'recent-workspaces.json'), 'utf8')), { workspaces: ['/w/a', '/w/b'] });
  for (let i = 0; i < 20; i++) await recent.add(`/w/${i}`);
  const list = await recent.list();
  assert.equal(list.length, RECENT_LIMIT);
  assert.equal(list[0], '/w/19');
  await assert.rejects(recent.add('relative/path'), /absolute/);
  await recent.clear();
  assert.deepEqual(await recent.list(), []);
});

test('recent workspaces: a corrupt or hand-edited file reads as what is valid in it', async () => {
  const dir = await userData();
  const recent = new RecentWorkspaces(dir);
  await writeFile(recent.file, '{not json');
  assert.deepEqual(await recent.list(), []);
  await writeFile(recent.file, JSON.stringify({ workspaces: ['/ok', 3, 'relative', null, '/also-ok'] }));
  assert.deepEqual(await recent.list(), ['/ok', '/also-ok']);
});

test('dialogs: a chosen path, or null when cancelled; save options from the page are sanitised', async () => {
  const seen: unknown[] = [];
  const dialog = {
    showOpenDialog: async (options: unknown) => (seen.push(options), { canceled: false, filePaths: ['/home/me/api'] }),
    showSaveDialog: async (options: unknown) => (seen.push(options), { canceled: false, filePath: '/home/me/kong.yaml' }),
  } as never;
  assert.equal(await chooseFolder(dialog), '/home/me/api');
  assert.deepEqual((seen[0] as { properties: string[] }).properties, ['openDirectory', 'createDirectory']);
  assert.equal(await chooseSavePath(dialog, { defaultName: '../../etc/kong.yaml', extensions: ['yaml', 'x/../y', 3] }), '/home/me/kong.yaml');
  assert.deepEqual(seen[1], { defaultPath: '.._.._etc_kong.yaml', filters: [{ name: 'yaml', extensions: ['yaml'] }] });
  const cancelled = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }) } as never;
  assert.equal(await chooseFolder(cancelled), null);
  assert.equal(await chooseSavePath(cancelled, undefined), null);
});

test('reveal in folder: absolute paths only', () => {
  const shown: string[] = [];
  const shell = { showItemInFolder: (p: string) => void shown.push(p) };
  assert.equal(revealInFolder(shell, '/w/a/openapi.yaml'), true);
  for (const bad of ['openapi.yaml', 42, null, '/w/\0x']) assert.equal(revealInFolder(shell, bad), false);
  assert.deepEqual(shown, ['/w/a/openapi.yaml']);
});

test('secrets: sealed and opened through safeStorage; refused without a real keychain', () => {
  const fake = (available: boolean, backend = 'gnome_libsecret') => ({
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend as never,
    encryptString: (s: string) => Buffer.from(`sealed:${s}`),
    decryptString: (b: Buffer) => b.toString().replace(/^sealed:/, ''),
  });
  const secrets = new Secrets(fake(true));
  const sealed = secrets.seal('upstream-token');
  assert.equal(sealed, Buffer.from('sealed:upstream-token').toString('base64'));
  assert.equal(secrets.open(sealed), 'upstream-token');
  assert.throws(() => new Secrets(fake(false)).seal('x'), /keychain/);
  if (process.platform === 'linux') assert.throws(() => new Secrets(fake(true, 'basic_text')).seal('x'), /keychain/);
});
