// The Export dialog against the real `portico ui`: targets, the generated files in a read-only editor, the report,
// a live preview of unsaved edits, and "Save to folder" writing the files into the workspace.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';
import { paste, shot } from './support/editor.ts';

test('export: choose a target, preview its files and report, follow an unsaved edit, save to a folder', async ({ app, portico }) => {
  const page = app;
  await expect(page.getByTestId('gateway')).toHaveAttribute('data-state', 'running');
  // An unsaved edit: a new (mocked) path, which the export sees and reports.
  await page.locator('.outline-label', { hasText: /^Paths$/ }).first().click();
  await page.keyboard.press('End');
  await paste(page, "\n  /toys:\n    get:\n      operationId: listToys\n      responses:\n        '200':\n          description: Toys.");
  await expect(page.locator('.tab.active')).toHaveClass(/dirty/);
  await page.getByTestId('export-open').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();

  // Kong first: the decK file, highlighted by Monaco, and the report of the mocked routes it cannot serve.
  const viewer = page.getByTestId('export-viewer');
  await expect(viewer).toHaveAttribute('data-path', 'kong.yaml');
  await expect(viewer.locator('.view-lines')).toContainText('_format_version');
  await expect(viewer.locator('.view-lines .mtk1, .view-lines [class^=mtk]').first()).toBeVisible();
  const report = page.getByTestId('export-report');
  await expect(report.locator('.export-entry[data-route="GET /pets"][data-policy="route"]')).toBeVisible();
  await expect(report.locator('.export-entry[data-route="GET /toys"]')).toBeVisible();
  await expect(dialog.locator('.export-file-tab[data-path="kong-openapi.yaml"]')).toBeVisible();
  await shot(page, 'export-kong');

  // nginx: the conf file, and the rate limit reported as approximated.
  await dialog.locator('button[data-target=nginx]').click();
  await expect(viewer).toHaveAttribute('data-path', 'portico.conf');
  await expect(viewer.locator('.view-lines')).toContainText('# nginx configuration for "Petstore"');
  await expect(report.locator('.export-entry[data-kind=approximate][data-policy=rate-limit]').first()).toBeVisible();

  // Save: the files land in the folder, relative to the workspace.
  await expect(page.getByTestId('export-folder')).toHaveValue('export/nginx');
  await page.getByTestId('export-save').click();
  await expect(page.getByTestId('export-saved')).toContainText('Wrote 1 file');
  const conf = join(portico.workspace, 'export', 'nginx', 'portico.conf');
  expect(existsSync(conf)).toBe(true);
  expect(readFileSync(conf, 'utf8')).toContain('upstream portico_up_inventory');
  // The workspace is shared with the other spec files of this worker: leave it as it was.
  rmSync(join(portico.workspace, 'export'), { recursive: true, force: true });

  // KrakenD and Zuplo: their files are offered too.
  await dialog.locator('button[data-target=krakend]').click();
  await expect(viewer).toHaveAttribute('data-path', 'krakend.json');
  await dialog.locator('button[data-target=zuplo]').click();
  await expect(dialog.locator('.export-file-tab[data-path="config/policies.json"]')).toBeVisible();
  await dialog.locator('.export-file-tab[data-path="config/policies.json"]').click();
  await expect(viewer.locator('.view-lines')).toContainText('rate-limit-inbound');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('export: the preview follows a design file changed on disk while it is open', async ({ app, portico }) => {
  const page = app;
  await page.getByTestId('export-open').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.locator('button[data-target=krakend]').click();
  const viewer = page.getByTestId('export-viewer');
  await expect(viewer).toHaveAttribute('data-path', 'krakend.json');
  await expect(viewer.locator('.view-lines')).toContainText('"timeout": "5s"');
  const spec = join(portico.workspace, 'openapi.yaml');
  const original = readFileSync(spec, 'utf8');
  try {
    writeFileSync(spec, original.replace('timeout: 5s', 'timeout: 7s'));
    await expect(viewer.locator('.view-lines')).toContainText('"timeout": "7s"');
  } finally {
    writeFileSync(spec, original);
  }
});
