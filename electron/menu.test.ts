import assert from 'node:assert/strict';
import { test } from 'node:test';
import { menuTemplate, type MenuActions } from './menu.js';

const actions = (log: string[]): MenuActions => ({
  openFolder: () => log.push('open'),
  openRecent: (f) => log.push(`recent ${f}`),
  clearRecent: () => log.push('clear'),
  showDataFolder: () => log.push('data'),
  about: () => log.push('about'),
});

test('File, Edit, View, Help; File has Open Folder…, Open Recent and Quit', () => {
  const log: string[] = [];
  const menu = menuTemplate({ recent: ['/w/petstore', '/w/billing'], isMac: false, devTools: false }, actions(log));
  assert.deepEqual(menu.map((m) => m.label ?? m.role), ['File', 'editMenu', 'View', 'help']);
  const file = menu[0]!.submenu as Electron.MenuItemConstructorOptions[];
  assert.deepEqual(file.map((i) => i.label ?? i.role ?? i.type), ['Open Folder…', 'Open Recent', 'separator', 'quit']);
  assert.equal(file[0]!.accelerator, 'CmdOrCtrl+O');
  const recent = file[1]!.submenu as Electron.MenuItemConstructorOptions[];
  assert.equal(recent[0]!.label, 'petstore — /w/petstore');
  (file[0]!.click as () => void)();
  (recent[1]!.click as () => void)();
  (recent.at(-1)!.click as () => void)();
  assert.deepEqual(log, ['open', 'recent /w/billing', 'clear']);
});

test('no devtools or reload in a packaged build; the app menu on macOS', () => {
  const view = (devTools: boolean) =>
    (menuTemplate({ recent: [], isMac: false, devTools }, actions([]))[2]!.submenu as Electron.MenuItemConstructorOptions[]).map((i) => i.role);
  assert.ok(!view(false).includes('toggleDevTools') && !view(false).includes('reload'));
  assert.ok(view(true).includes('toggleDevTools'));
  assert.equal(menuTemplate({ recent: [], isMac: true, devTools: false }, actions([]))[0]!.role, 'appMenu');
});
