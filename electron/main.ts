// The desktop shell's entry (dist/electron/main.js): lifecycle, the one window, the engine's process, menus.
// Everything here is wiring; the parts live in their own modules and the engine runs in its own process.
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, protocol, session, shell, utilityProcess } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_SCHEME, appProtocolHandler, schemePrivileges } from './app-protocol.js';
import { registerBridge } from './bridge.js';
import { GatewayProcess } from './gateway-process.js';
import { menuTemplate } from './menu.js';
import { chooseFolder, chooseSavePath, RecentWorkspaces, revealInFolder } from './native.js';
import { createMainWindow, CSP, hardenContents, hardenSession, type ExternalLinks } from './window.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/electron
const dist = resolve(here, '..');
const examples = app.isPackaged ? join(process.resourcesPath, 'examples') : resolve(dist, '..', 'resources', 'examples');

app.setName('Portico');
if (process.env.PORTICO_USER_DATA_DIR) app.setPath('userData', resolve(process.env.PORTICO_USER_DATA_DIR));
protocol.registerSchemesAsPrivileged([schemePrivileges]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start, (error: unknown) => fail(error));
}

function fail(error: unknown): void {
  dialog.showErrorBox('Portico could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
}

async function start(): Promise<void> {
  const recent = new RecentWorkspaces(app.getPath('userData'));

  const links: ExternalLinks = {
    confirm: async (url) =>
      (await dialog.showMessageBox({ type: 'question', buttons: ['Open in Browser', 'Cancel'], defaultId: 1, cancelId: 1, message: 'Open this link in your browser?', detail: url })).response === 0,
    openExternal: (url) => shell.openExternal(url),
  };
  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, links));
  protocol.handle(APP_SCHEME, appProtocolHandler(join(dist, 'renderer'), CSP));

  const folder = await firstWorkspace(recent);
  const gateway = new GatewayProcess(
    {
      modulePath: join(dist, 'gateway', 'host', 'main.js'),
      // The bundled examples may sit in a read-only place (AppImage, Program Files): their data goes to userData.
      init: { folder, ...(folder.startsWith(examples + sep) && { dataDir: join(app.getPath('userData'), 'example-data') }) },
    },
    {
      fork: (modulePath, args) => utilityProcess.fork(modulePath, args, { serviceName: 'Portico engine', stdio: 'inherit' }),
      channel: () => new MessageChannelMain(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
      now: Date.now,
      log: (message) => console.error(`[portico] ${message}`),
    },
  );
  gateway.start();

  const win = createMainWindow({ BrowserWindow, preload: join(here, 'preload.cjs') });
  const unwire = registerBridge(ipcMain, win.webContents, gateway, {
    openFolder: async () => {
      const chosen = await chooseFolder(dialog);
      if (chosen) await recent.add(chosen).then(refreshMenu);
      return chosen;
    },
    chooseSavePath: (options) => chooseSavePath(dialog, options),
    reveal: (path) => revealInFolder(shell, path),
    recentWorkspaces: () => recent.list(),
  });

  async function openWorkspace(next: string): Promise<void> {
    const result = await gateway.call('workspace.open', { folder: next });
    if (!result.ok) {
      dialog.showErrorBox('Could not open the folder', `${next}\n\n${result.error.message}`);
      return;
    }
    gateway.setWorkspace(next);
    await recent.add(next);
    await refreshMenu();
    win.webContents.reload(); // the page asks `workspace.get` on load
  }

  async function refreshMenu(): Promise<void> {
    const template = menuTemplate(
      { recent: await recent.list(), isMac: process.platform === 'darwin', devTools: !app.isPackaged },
      {
        openFolder: () => void chooseFolder(dialog).then((chosen) => (chosen ? openWorkspace(chosen) : undefined)),
        openRecent: (path) => void openWorkspace(path),
        clearRecent: () => void recent.clear().then(refreshMenu),
        showDataFolder: () => void shell.openPath(app.getPath('userData')),
        about: () =>
          void dialog.showMessageBox({
            title: 'About Portico',
            message: `Portico ${app.getVersion()}`,
            detail: `Electron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
          }),
      },
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }
  await refreshMenu();

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());

  // Quit only after the engine has closed its servers and flushed the traffic log (or was killed after a timeout).
  let stopping = false;
  app.on('before-quit', (event) => {
    if (gateway.status === 'stopped' || gateway.status === 'idle') return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    unwire();
    void gateway.stop().finally(() => app.quit());
  });
}

/** The folder named on the command line, else the most recent one that still exists, else the bundled example. */
async function firstWorkspace(recent: RecentWorkspaces): Promise<string> {
  const arg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-'));
  if (arg && existsSync(arg)) return resolve(arg);
  const last = (await recent.list()).find((p) => existsSync(p));
  return last ?? join(examples, 'petstore');
}
