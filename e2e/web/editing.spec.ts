// The editor's everyday tools, against the real `portico ui`: go to definition across files, files changed on disk
// (clean tabs reload, dirty ones ask), and the gateway's Stop/Start.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { paste, shot } from './support/editor.ts';

const activeTab = (page: Page) => page.locator('.tab.active');
const line = (page: Page, text: string) => page.locator('.monaco-editor .view-line', { hasText: text });

/** Puts the cursor inside the `$ref` value on the line under the path the outline entry jumps to. */
async function cursorInto(page: Page, outlineEntry: RegExp) {
  await page.locator('.outline-label', { hasText: outlineEntry }).first().click();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
}

test('go to definition on a $ref into another file: F12 and Ctrl+click open it at the right line', async ({ app: page }) => {
  await expect(activeTab(page)).toHaveAttribute('data-path', 'openapi.yaml');
  const pets = readFileSync(join(import.meta.dirname, '../../resources/examples/petstore/paths/pets.yaml'), 'utf8').split('\n');
  const itemLine = pets.indexOf('item:') + 1;
  const collectionLine = pets.indexOf('collection:') + 1;
  expect(itemLine).toBeGreaterThan(1);

  // F12 with the cursor on `paths/pets.yaml#/item` (the line under the path the outline jumps to).
  // (The first definition request of a fresh page may land before the editor's language services are up: retried.)
  await expect(async () => {
    await page.locator('.tab[data-path="openapi.yaml"]').click();
    await cursorInto(page, /^\/pets\/\{petId\}/);
    await page.keyboard.press('F12');
    await expect(activeTab(page)).toHaveAttribute('data-path', 'paths/pets.yaml', { timeout: 4000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.locator('.status-bar')).toContainText(`Ln ${itemLine},`);
  await expect(line(page, 'item:')).toBeVisible();

  // Back in the root document, Ctrl+click on `paths/pets.yaml#/collection`: the same tab, now at its first line.
  await page.locator('.tab[data-path="openapi.yaml"]').click();
  await expect(activeTab(page)).toHaveAttribute('data-path', 'openapi.yaml');
  await cursorInto(page, /^\/pets(?!\/)/);
  await page.keyboard.press('Home'); // away from the ref: the click itself must land on it
  await expect(page.locator('.tab.active')).toHaveAttribute('data-path', 'openapi.yaml');
  const box = (await line(page, 'paths/pets.yaml#/collection').boundingBox())!;
  const text = (await line(page, 'paths/pets.yaml#/collection').locator('span').first().boundingBox())!;
  await page.mouse.move(text.x + text.width - 20, box.y + box.height / 2);
  await page.keyboard.down('Control');
  await page.mouse.click(text.x + text.width - 20, box.y + box.height / 2);
  await page.keyboard.up('Control');
  await expect(activeTab(page)).toHaveAttribute('data-path', 'paths/pets.yaml');
  await expect(page.locator('.status-bar')).toContainText(`Ln ${collectionLine},`);
  await expect(page.locator('.tab')).toHaveCount(2);
});

test('a file changed on disk: a clean tab reloads silently; a dirty one asks, and both answers work', async ({ app: page, portico }) => {
  const file = join(portico.workspace, 'paths/inventory.yaml');
  const original = readFileSync(file, 'utf8');
  try {
    await page.locator('.tree-row[data-path="paths/inventory.yaml"]').click();
    await expect(activeTab(page)).toHaveAttribute('data-path', 'paths/inventory.yaml');

    // Clean: the new text is shown, the tab stays clean, nothing is asked.
    writeFileSync(file, `# edited elsewhere 1\n${original}`);
    await expect(line(page, '# edited elsewhere 1')).toBeVisible();
    await expect(activeTab(page)).not.toHaveClass(/dirty/);
    await expect(page.locator('.conflict-bar')).toHaveCount(0);

    // Dirty, then changed on disk: the bar. "Keep mine" keeps the edit; the next save overwrites the disk on purpose.
    await line(page, '# edited elsewhere 1').click();
    await page.keyboard.press('End');
    await paste(page, ' (mine)');
    await expect(activeTab(page)).toHaveClass(/dirty/);
    writeFileSync(file, `# edited elsewhere 2\n${original}`);
    await expect(page.locator('.conflict-bar')).toBeVisible();
    await expect(page.locator('.conflict-bar')).toContainText('paths/inventory.yaml changed on disk');
    await shot(page, '06-changed-on-disk');
    await page.getByRole('button', { name: 'Keep mine' }).click();
    await expect(page.locator('.conflict-bar')).toHaveCount(0);
    await expect(line(page, '# edited elsewhere 1 (mine)')).toBeVisible();
    await expect(activeTab(page)).toHaveClass(/dirty/);
    await page.keyboard.press('Control+s');
    await expect(activeTab(page)).not.toHaveClass(/dirty/);
    await expect.poll(() => readFileSync(file, 'utf8').split('\n')[0]).toBe('# edited elsewhere 1 (mine)');
    await expect(page.locator('.conflict-bar')).toHaveCount(0);

    // Dirty again, changed on disk again: "Reload from disk" takes the disk's text and the tab is clean.
    await line(page, '# edited elsewhere 1 (mine)').click();
    await page.keyboard.press('End');
    await paste(page, ' (again)');
    await expect(activeTab(page)).toHaveClass(/dirty/);
    writeFileSync(file, `# edited elsewhere 3\n${original}`);
    await expect(page.locator('.conflict-bar')).toBeVisible();
    await page.getByRole('button', { name: 'Reload from disk' }).click();
    await expect(page.locator('.conflict-bar')).toHaveCount(0);
    await expect(line(page, '# edited elsewhere 3')).toBeVisible();
    await expect(line(page, '(again)')).toHaveCount(0);
    await expect(activeTab(page)).not.toHaveClass(/dirty/);
  } finally {
    writeFileSync(file, original);
  }
});

test('the gateway Stop/Start button: the status follows, and the gateway stops and starts answering', async ({ app: page }) => {
  const gateway = page.getByTestId('gateway');
  await expect(gateway).toHaveAttribute('data-state', 'running');
  const url = `http://${await gateway.locator('.gateway-url').textContent()}`;
  expect((await fetch(`${url}/pets`)).status).toBe(200);

  await gateway.getByRole('button', { name: 'Stop gateway' }).click();
  await expect(gateway).toHaveAttribute('data-state', 'stopped');
  await expect(gateway.locator('.pill')).toHaveText('Gateway stopped');
  await expect(page.locator('.status-bar')).toContainText('Gateway off');
  await expect(fetch(`${url}/pets`)).rejects.toThrow();
  await shot(page, '07-gateway-stopped');

  await gateway.getByRole('button', { name: 'Start gateway' }).click();
  await expect(gateway).toHaveAttribute('data-state', 'running');
  const restarted = `http://${await gateway.locator('.gateway-url').textContent()}`;
  const again = await fetch(`${restarted}/pets`);
  expect(again.status).toBe(200);
  expect(Array.isArray(await again.json())).toBe(true);
});
