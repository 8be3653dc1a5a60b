// A large design (over the 1 MB threshold of the incremental lint): an edit is answered from what it touched, in
// seconds, and the full lint that follows in the background (`design.linted`) replaces that answer.
import { expect, withJsonRoot } from './support/fixtures.ts';
import { paste, shot } from './support/editor.ts';

/** 2,400 path items over shared schemas, pretty-printed JSON: about 1.25 MB. */
function largeDesign(): string {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 2400; i++) {
    paths[`/things${i}`] = {
      get: {
        operationId: `getThing${i}`,
        summary: `Thing ${i}`,
        description: `One thing, number ${i}.`,
        tags: ['things'],
        responses: { '200': { description: 'The thing.', content: { 'application/json': { schema: { $ref: `#/components/schemas/Thing${i % 20}` } } } } },
      },
    };
  }
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < 20; i++) schemas[`Thing${i}`] = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } };
  const design = {
    openapi: '3.1.0',
    info: { title: 'Many things', version: '1.0.0', description: 'A large design.', contact: { name: 'Portico', url: 'https://example.org' } },
    servers: [{ url: 'https://api.example.org' }],
    tags: [{ name: 'things', description: 'Things' }],
    paths,
    components: { schemas },
  };
  return JSON.stringify(design, null, 2) + '\n';
}

const test = withJsonRoot(largeDesign);

test('an edit of a large design is linted from what it touched, then in full', async ({ app: page }) => {
  test.setTimeout(300_000);
  await expect(page.locator('.tab.active')).toHaveAttribute('data-path', 'openapi.json');
  // Built in slices like any large file, but within Monaco's limits: highlighted, and no large-file hint.
  await expect(page.locator('.monaco-editor .view-line .mtk1').first()).toBeVisible();
  await expect.poll(() => page.evaluate(() => new Set(Array.from(document.querySelectorAll('.monaco-editor .view-line span span'), (s) => s.className)).size)).toBeGreaterThan(1);
  await expect(page.getByTestId('no-highlighting')).toHaveCount(0);
  const meta = page.locator('[data-testid=problems] .panel-meta');
  await expect(meta).toContainText('Spectral', { timeout: 180_000 });
  await expect(meta.locator('[data-lint]')).toHaveAttribute('data-lint', 'full');

  // Opening comes first: the engine is asked for lint and bundle, and the docs frame starts, only once the root
  // file's text has arrived (on two cores their start-up work stretched the editor's creation past 200 ms).
  const timings = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime, end: (e as PerformanceResourceTiming).responseEnd })),
  );
  const first = (part: string) => timings.find((t) => t.name.includes(part));
  const fileRead = first('/api/call/files.read');
  expect(fileRead, 'the root file was read').toBeDefined();
  for (const part of ['/api/call/design.lint', '/api/call/design.bundle', '/preview.html']) {
    expect(first(part)?.start, `${part} starts after the root file arrived`).toBeGreaterThan(fileRead!.end);
    // Once each: what changed while the window opened (its workspace info arriving) is in that first request.
    expect(timings.filter((t) => t.name.includes(part)), `${part} before any edit`).toHaveLength(1);
  }

  // Replace the description of /things1200's operation: a warning at that operation (its "get" line).
  // The outline of the large, unedited model (outlined from the text the model was made from): an entry jumps to its path.
  const entry = page.locator('.outline-label', { hasText: /^\/things10$/ }).first();
  await expect(entry).toBeVisible({ timeout: 30_000 });
  await entry.click();
  await expect(page.locator('.monaco-editor .view-line', { hasText: '"/things10": {' })).toBeVisible();

  const lines = largeDesign().split('\n');
  const line = lines.findIndex((l) => l.includes('"description": "One thing, number 1200."')) + 1;
  const operationLine = lines.findIndex((l) => l.includes('"/things1200"')) + 2;
  // Every lint answer shown from here on: its kind, and whether it lists the new finding.
  await page.evaluate((operationLine) => {
    const seen: string[] = [];
    (window as unknown as { lintStates: string[] }).lintStates = seen;
    const check = () => {
      const kind = document.querySelector('[data-testid=problems] .panel-meta [data-lint]')?.getAttribute('data-lint');
      if (!kind) return;
      const listed = Array.from(document.querySelectorAll(`[data-testid=problems] .problem[data-line="${operationLine}"]`)).some((e) => e.textContent?.includes('description'));
      const state = `${kind}${listed ? ' +finding' : ''}`;
      if (seen.at(-1) !== state) seen.push(state);
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, operationLine);
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+g'); // Monaco's "go to line"
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await paste(page, '"x-note": "no description",');
  const problem = page.locator(`[data-testid=problems] .problem[data-line="${operationLine}"]`).filter({ hasText: 'description' });
  await expect(problem).toHaveCount(1, { timeout: 60_000 });
  await shot(page, '10-large-design-lint');
  // First the partial answer with the finding, then the full lint, with the same finding.
  const states = () => page.evaluate(() => (window as unknown as { lintStates: string[] }).lintStates);
  await expect.poll(states, { timeout: 180_000 }).toEqual(expect.arrayContaining(['partial +finding']));
  await expect.poll(async () => (await states()).at(-1), { timeout: 180_000 }).toBe('full +finding');
  const all = await states();
  expect(all.indexOf('partial +finding')).toBeLessThan(all.lastIndexOf('full +finding'));
});
