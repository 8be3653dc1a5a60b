// The design workspace in browser mode, end to end against the real `portico ui`: edit → lint → docs → save →
// gateway hot reload → a broken save keeps the old routes serving, with the failure shown. No request leaves 127.0.0.1.
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { paste, shot } from './support/editor.ts';


/** Puts the cursor at the end of the line the outline entry jumps to, then pastes `text` there. */
async function pasteAfter(page: Page, outlineEntry: RegExp, text: string) {
  await page.locator('.outline-label', { hasText: outlineEntry }).first().click();
  await page.keyboard.press('End');
  await paste(page, text);
}

/** Records every moment the gateway failure is shown while the Problems panel neither lists `text` nor is linting. */
async function watchProblemsAgainstGateway(page: Page, text: string) {
  await page.evaluate((text) => {
    const seen: string[] = [];
    (window as unknown as { staleProblems: string[] }).staleProblems = seen;
    const check = () => {
      if (!document.querySelector('[data-testid=gateway-failure]')) return;
      const listed = Array.from(document.querySelectorAll('[data-testid=problems] .problems-list > .problem')).some((e) => e.textContent?.includes(text));
      const linting = document.querySelector('[data-testid=problems] [aria-label=Linting]') !== null;
      if (!listed && !linting) seen.push(document.querySelector('[data-testid=problems] .segmented')?.textContent ?? '?');
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, text);
}

const problemAt = (page: Page, file: string, line: number) => page.locator(`[data-testid=problems] .problem[data-file="${file}"][data-line="${line}"]`);

test('design, lint, preview, save, serve, and survive a broken save', async ({ app }) => {
  const page = app;
  // Open: the workspace, its files, the root document in a tab, a first lint and the docs.
  await expect(page.getByTestId('workspace-name')).toHaveText('petstore');
  await expect(page.locator('.tab.active')).toHaveAttribute('data-path', 'openapi.yaml');
  await expect(page.locator('.tree-row[data-path="paths/pets.yaml"]')).toBeVisible();
  await expect(page.locator('[data-testid=problems] .panel-meta')).toContainText('Spectral');
  await expect(page.getByTestId('gateway')).toHaveAttribute('data-state', 'running');
  const docs = page.frameLocator('[data-testid=preview-frame]');
  await expect(docs.getByText('Petstore').first()).toBeVisible();
  await expect(page.getByTestId('preview-status')).toHaveText('Live');
  await shot(page, '01-workspace');
  // The gateway's address as the UI shows it (with --gateway-port 0, a restart in an earlier test may pick another port).
  const gatewayUrl = `http://${await page.getByTestId('gateway').locator('.gateway-url').textContent()}`;

  // Edit: a new path whose operation lacks operationId, description and tags → problems at its line (44).
  await pasteAfter(
    page,
    /^Paths$/,
    "\n  /toys:\n    get:\n      summary: List toys\n      responses:\n        '200':\n          description: Toys.\n          content:\n            application/json:\n              example: [{ name: ball }]",
  );
  await expect(page.locator('.tab.active')).toHaveClass(/dirty/);
  await expect(problemAt(page, 'openapi.yaml', 44).first()).toBeVisible();
  await expect(problemAt(page, 'openapi.yaml', 44).filter({ hasText: 'operationId' })).toHaveCount(1);
  await expect(page.getByTestId('count-warning')).not.toHaveText('0');
  await shot(page, '02-lint-problem');

  // Click the problem: the editor jumps to it. Fix it there; the problems clear.
  await problemAt(page, 'openapi.yaml', 44).first().click();
  await expect(page.locator('.status-bar')).toContainText('Ln 44');
  await page.keyboard.press('End');
  await paste(page, '\n      operationId: listToys\n      description: Every toy in the shop.\n      tags: [pets]');
  await expect(problemAt(page, 'openapi.yaml', 44)).toHaveCount(0);

  // The docs preview follows the unsaved design.
  // (Elements' stacked layout lists operations under their tag, collapsed: open the tag.)
  await expect(docs.getByText('pets', { exact: true }).first()).toBeVisible();
  await docs.getByText('pets', { exact: true }).first().click();
  await expect(docs.getByText('/toys', { exact: true }).first()).toBeVisible();
  await shot(page, '03-preview-updated');

  // Save (Ctrl+S): clean tab; the gateway reloads and serves the new route from the design's example.
  await page.keyboard.press('Control+s');
  await expect(page.locator('.tab.active')).not.toHaveClass(/dirty/);
  await expect
    .poll(async () => {
      const r = await fetch(`${gatewayUrl}/toys`).catch(() => null);
      return r && r.status === 200 ? await r.json() : r?.status;
    }, { timeout: 20_000 })
    .toEqual([{ name: 'ball' }]);

  // Break it: an unknown policy on the new operation. Saved, the gateway keeps the old routes and says why.
  await pasteAfter(page, /^GET\s*listToys/, '\n      x-portico:\n        apply: [no-such-policy]');
  // From the moment the gateway shows the failure, the Problems panel must list it too, or be linting: never an
  // older result as if current (it used to show "All 0" beside the banner until the watcher's debounced re-lint).
  await watchProblemsAgainstGateway(page, 'no-such-policy');
  await page.keyboard.press('Control+s');
  await expect(page.locator('.tab.active')).not.toHaveClass(/dirty/);
  await expect(page.getByTestId('gateway-failure')).toBeVisible();
  await expect(page.getByTestId('gateway-failure')).toContainText('no-such-policy');
  await expect(page.getByTestId('gateway-failure').locator('.problem').first()).toHaveAttribute('data-file', 'openapi.yaml');
  await expect(page.locator('.pill')).toContainText('reload failed');
  const listed = page.locator('[data-testid=problems] .problems-list > .problem', { hasText: 'no-such-policy' });
  await expect(listed).toHaveCount(1);
  await expect(listed).toHaveAttribute('data-line', '46');
  await expect(listed.locator('.problem-code')).toHaveText('portico');
  await expect(page.getByTestId('count-error')).toHaveText('1');
  expect(await page.evaluate(() => (window as unknown as { staleProblems: string[] }).staleProblems), 'Problems panel beside the gateway failure').toEqual([]);
  // The Problems panel lints the saved design too: the same problem, from lint, at its line.
  await expect(page.locator('[data-testid=problems] .problems-list > .problem', { hasText: 'no-such-policy' })).toHaveCount(1);
  const still = await fetch(`${gatewayUrl}/toys`);
  expect(still.status).toBe(200);
  expect(await still.json()).toEqual([{ name: 'ball' }]);
  await shot(page, '04-gateway-failure');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300);
  await shot(page, '05-dark');
});
