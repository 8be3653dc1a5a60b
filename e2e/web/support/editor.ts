import type { Page } from '@playwright/test';

/** A screenshot of the whole page into test-results/screens/, for people to look at. */
export const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screens/${name}.png` });

/** Pastes `text` at the cursor of the focused Monaco editor (a real paste event: no auto-indent of typed newlines). */
export async function paste(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor textarea').evaluate((area, value) => {
    const data = new DataTransfer();
    data.setData('text/plain', value);
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}
