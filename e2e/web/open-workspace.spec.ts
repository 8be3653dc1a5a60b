// Opening another folder and creating one from a template, in browser mode: the whole UI follows the engine to the
// new workspace (tree, tabs, lint, docs, gateway), recent folders are offered, and bad targets are refused.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { shot } from './support/editor.ts';

const gatewayUrl = async (page: Page) => `http://${await page.getByTestId('gateway').locator('.gateway-url').textContent()}`;

test('create a workspace from a template, open folders by path and from the recent list', async ({ app: page, portico }) => {
  const created = join(dirname(portico.workspace), 'created-api');
  const dialog = page.getByTestId('workspace-dialog');
  await expect(page.getByTestId('workspace-name')).toHaveText('petstore');
  await expect(page.getByTestId('gateway')).toHaveAttribute('data-state', 'running');

  // New from template: Blank, into a new folder.
  await page.getByTestId('workspace-switch').click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('tab', { name: 'New from template' }).click();
  await expect(dialog.locator('.template-card')).toHaveCount(2);
  await expect(dialog.locator('.template-card[data-template="blank"]')).toHaveAttribute('aria-checked', 'true');
  await dialog.getByTestId('create-folder-path').fill(created);
  await shot(page, '08-new-from-template');

  // Into a folder that is not empty: refused, said in the dialog, nothing changes.
  await dialog.getByTestId('create-folder-path').fill(portico.workspace);
  await dialog.getByTestId('workspace-dialog-submit').click();
  await expect(dialog.getByTestId('workspace-dialog-error')).toContainText('not empty');
  await expect(page.getByTestId('workspace-name')).toHaveText('petstore');

  await dialog.getByTestId('create-folder-path').fill(created);
  await dialog.getByTestId('workspace-dialog-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('workspace-name')).toHaveText('created-api');
  expect(readFileSync(join(created, 'openapi.yaml'), 'utf8')).toContain('x-portico:');
  // The whole UI switched: tree, one tab on the new design, its lint, its docs, its gateway.
  await expect(page.locator('.tree-row[data-path]')).toHaveCount(1);
  await expect(page.locator('.tab')).toHaveCount(1);
  await expect(page.locator('.tab.active')).toHaveAttribute('data-path', 'openapi.yaml');
  await expect(page.locator('.monaco-editor .view-line', { hasText: 'title: My API' })).toBeVisible();
  await expect(page.locator('[data-testid=problems] .problems-list')).toContainText('No problems in the design.');
  await expect(page.locator('.outline-label', { hasText: 'getStatus' })).toBeVisible();
  await expect(page.frameLocator('[data-testid=preview-frame]').getByText('My API').first()).toBeVisible();
  await expect(page.getByTestId('gateway')).toHaveAttribute('data-state', 'running');
  await expect.poll(async () => (await fetch(`${await gatewayUrl(page)}/status`).then((r) => r.json(), () => null)) as unknown).toEqual({ status: 'ok', version: '0.1.0' });
  expect((await fetch(`${await gatewayUrl(page)}/pets`)).status).toBe(404);
  await shot(page, '09-created-workspace');

  // Open by path: a missing folder is refused; the example folder opens.
  await page.getByTestId('workspace-switch').click();
  await expect(dialog.getByTestId('recent-workspaces')).toContainText(portico.workspace);
  await shot(page, '10-open-folder');
  await dialog.getByTestId('open-folder-path').fill(join(created, 'absent'));
  await dialog.getByTestId('workspace-dialog-submit').click();
  await expect(dialog.getByTestId('workspace-dialog-error')).toContainText('no such folder');
  await dialog.getByTestId('open-folder-path').fill(portico.workspace);
  await dialog.getByTestId('workspace-dialog-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('workspace-name')).toHaveText('petstore');
  await expect(page.locator('.tree-row[data-path="paths/pets.yaml"]')).toBeVisible();
  await expect(page.locator('.tab')).toHaveCount(1);
  await expect.poll(async () => (await fetch(`${await gatewayUrl(page)}/pets`).catch(() => null))?.status).toBe(200);

  // The recent list (kept in the browser): back to the created folder with one click, then home again.
  await page.getByTestId('workspace-switch').click();
  await dialog.getByTestId('recent-workspaces').locator('.recent-open', { hasText: 'created-api' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText('created-api');
  await page.getByTestId('workspace-switch').click();
  await dialog.getByTestId('recent-workspaces').locator('.recent-open', { hasText: 'petstore' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText('petstore');
  await expect(page.getByTestId('gateway')).toHaveAttribute('data-state', 'running');
  expect(existsSync(join(created, '.portico'))).toBe(true);
});
