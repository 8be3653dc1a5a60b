// A file past Monaco's large-file limit (300,000 lines or 20 MB) is not tokenized, as Monaco decides for such files:
// no highlighting, and the status bar says why. Before, Monaco set up the model's tokenizer before it had decided
// (the model's constructor), and GitHub's 347k-line description was tokenized on the UI thread within seconds of
// opening.
import { expect, withJsonRoot } from './support/fixtures.ts';

const LINES = 310_000;

/** 310,000 lines and over 10 MB (the size from which JSON gets its worker-less language, `json-large`). */
function hugeDesign(): string {
  const filler = Array.from({ length: LINES }, (_, i) => `    "filler line ${String(i).padStart(6, '0')} of the large file"`);
  return `{\n  "openapi": "3.1.0",\n  "info": { "title": "Huge", "version": "1.0.0" },\n  "paths": {},\n  "x-filler": [\n${filler.join(',\n')}\n  ]\n}\n`;
}

const test = withJsonRoot(() => {
  const text = hugeDesign();
  if (text.length < 10_000_000) throw new Error(`the design is ${text.length} characters: under the json-large threshold`);
  return text;
});

test('a file of more than 300,000 lines is shown without highlighting, and the status bar says so', async ({ app: page }) => {
  await expect(page.locator('.tab.active')).toHaveAttribute('data-path', 'openapi.json');
  await expect(page.locator('.monaco-editor .view-line', { hasText: '"openapi": "3.1.0",' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('no-highlighting')).toHaveText('Large file: no highlighting');
  // Give a background tokenizer, if there were one, time to colour the lines in view.
  await page.waitForTimeout(1_000);
  const classes = await page.evaluate(() => [...new Set(Array.from(document.querySelectorAll('.monaco-editor .view-line span span'), (s) => s.className))]);
  expect(classes, 'token classes of the lines in view').toEqual(['mtk1']);
  // Editing works as before.
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.type(' ');
  await expect(page.locator('.tab.active')).toHaveClass(/dirty/);
});
