// The application menu as data: File (Open Folder…, Open Recent, Quit), Edit, View, Help. Actions come from main.
import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';

export interface MenuActions {
  openFolder(): void;
  openRecent(folder: string): void;
  clearRecent(): void;
  showDataFolder(): void;
  about(): void;
}

export function menuTemplate(options: { recent: string[]; isMac: boolean; devTools: boolean }, actions: MenuActions): MenuItemConstructorOptions[] {
  const { recent, isMac, devTools } = options;
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No recent workspaces', enabled: false }]
      : [
          ...recent.map((folder): MenuItemConstructorOptions => ({ label: `${basename(folder)} — ${folder}`, click: () => actions.openRecent(folder) })),
          { type: 'separator' },
          { label: 'Clear Recent', click: () => actions.clearRecent() },
        ];
  return [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
        { label: 'Open Recent', submenu: recentItems },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(devTools ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [
        { label: 'Show Data Folder', click: () => actions.showDataFolder() },
        ...(isMac ? [] : [{ label: 'About Portico', click: () => actions.about() }]),
      ],
    },
  ];
}
