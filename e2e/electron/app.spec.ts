// The desktop app, launched for real with Playwright's Electron driver. Runs only where an Electron binary exists
// (the `electron` package installs its types everywhere but downloads its binary only where it can); elsewhere the
// whole file is skipped with the path that was checked. Project config: { name: 'electron', testDir: 'e2e/electron' }.
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('../..', import.meta.url));
const main = join(root, 'dist', 'electron', 'main.js');
const workspace = join(root, 'resources', 'examples', 'petstore');

/** The binary `require('electron')` would name, and whether it is there; never a stand-in. */
function findElectron(): { path: string; present: boolean } {
  const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron');
    return { path, present: existsSync(path) };
  }
  if (!existsSync(pathFile)) return { path: `${pathFile} (missing: the binary was never downloaded)`, present: false };
  const path = join(packageDir, 'dist', readFileSync(pathFile, 'utf8'));
  return { path, present: existsSync(path) };
}

const binary = findElectron();
test.skip(!binary.present, `Electron binary not present: ${binary.path}`);

test('the desktop app opens the example workspace in a hardened window', async () => {
  expect(existsSync(main), `${main} is built by npm run build`).toBe(true);
  const app = await electron.launch({
    executablePath: binary.path,
    args: [main, workspace],
    env: { ...process.env, PORTICO_USER_DATA_DIR: mkdtempSync(join(tmpdir(), 'portico-e2e-')) } as Record<string, string>,
  });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());
    expect(title).toContain('Portico');
    expect(page.url()).toMatch(/^portico:\/\/app\//);

    // The renderer reached the engine through the bridge and shows the workspace's design.
    await expect(page.getByText('openapi.yaml').first()).toBeVisible({ timeout: 30_000 });

    // The page sees named calls only: no Node, no raw IPC.
    const surface = await page.evaluate(() => {
      const w = globalThis as unknown as { portico?: Record<string, unknown>; require?: unknown; process?: unknown };
      return { keys: Object.keys(w.portico ?? {}).sort(), require: typeof w.require, process: typeof w.process };
    });
    expect(surface).toEqual({ keys: ['call', 'native', 'subscribe'], require: 'undefined', process: 'undefined' });
    const answer = await page.evaluate(() => (globalThis as unknown as { portico: { call(m: string, p: unknown): Promise<unknown> } }).portico.call('shell.exec', {}));
    expect(answer).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  } finally {
    await app.close();
  }
});
