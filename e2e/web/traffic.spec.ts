// The traffic inspector in browser mode, end to end against the real `portico ui`: requests sent to the gateway appear
// live; filter by status and by text; a detail; replay; compare two; export HAR (checked against the HAR 1.2 schema by
// an independent validator) and import it again; jump to the operation in the design. No request leaves 127.0.0.1.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { Ajv as AjvInstance, Options as AjvOptions } from 'ajv';
import { test, expect } from './support/fixtures.ts';
import { shot } from './support/editor.ts';
import { startPorticoUi } from './support/portico-ui.ts';

const require = createRequire(import.meta.url);

/** HAR 1.2 as published in the `har-schema` package, checked by ajv (draft-06 meta-schema, date-time format). */
function harValidator() {
  const Ajv = require('ajv').default as new (options: AjvOptions) => AjvInstance;
  const addFormats = require('ajv-formats').default as (ajv: AjvInstance) => void;
  const schemas = require('har-schema') as Record<string, object>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  addFormats(ajv);
  for (const schema of Object.values(schemas)) ajv.addSchema(schema);
  const validate = ajv.getSchema('har.json#')!;
  return (har: unknown) => (validate(har) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

const rows = (page: Page) => page.getByTestId('exchange-row');

test('inspect live traffic: filter, detail, replay, compare, HAR out and in, open the operation', async ({ app }, testInfo) => {
  const page = app;
  await expect(page.getByTestId('gateway')).toHaveAttribute('data-state', 'running');
  const gateway = `http://${await page.getByTestId('gateway').locator('.gateway-url').textContent()}`;
  const send = (path: string, init?: RequestInit) => fetch(`${gateway}${path}`, init).then(async (r) => (await r.arrayBuffer(), r.status));

  await page.getByTestId('view-traffic').click();
  await expect(page.getByTestId('traffic-view')).toBeVisible();
  // Start from an empty log (other specs share this engine): Clear asks first.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('traffic-clear').click();
  await expect(page.getByTestId('traffic-empty')).toBeVisible();
  await expect(page.getByTestId('traffic-info')).toContainText('0 stored');

  // Live: each request shows up as it completes, newest first.
  expect(await send('/pets?limit=2', { headers: { accept: 'application/json', 'x-trace': 'first' } })).toBe(200);
  await expect(rows(page)).toHaveCount(1);
  await send('/pets/1');
  await send('/no/such/path');
  await send('/pets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Rex', species: 'dog' }) });
  await send('/inventory');
  await expect(rows(page)).toHaveCount(5);
  await expect(rows(page).first()).toContainText('/inventory');
  await expect(page.getByTestId('traffic-count')).toContainText('5');
  await shot(page, 'traffic-01-inspector');

  // Paused: arrivals are counted, not shown; resume shows them.
  await page.getByTestId('live-toggle').click();
  await send('/pets/2');
  await expect(page.getByTestId('live-toggle')).toContainText('1 new');
  await expect(rows(page)).toHaveCount(5);
  await page.getByTestId('live-toggle').click();
  await expect(rows(page)).toHaveCount(6);

  // Filter by status class (a quick control writes the query text) and by free text.
  await page.getByTestId('quick-status').selectOption('4xx');
  await expect(page.getByTestId('traffic-filter')).toHaveValue('status:4xx');
  await expect(rows(page).first()).toBeVisible();
  for (const status of await page.getByTestId('status-cell').allTextContents()) expect(status).toMatch(/^4\d\d$/);
  const filter = page.getByTestId('traffic-filter');
  await filter.fill('"no/such"');
  await expect
    .poll(async () => {
      await filter.press('Enter');
      await page.waitForTimeout(300);
      return page.getByTestId('status-cell').allTextContents();
    })
    .toEqual(['404']);
  await filter.fill('nosuchkey:1');
  await filter.press('Enter');
  await expect(page.getByTestId('filter-error')).toBeVisible();
  await filter.fill('');
  await filter.press('Enter');
  await expect(rows(page)).toHaveCount(6);

  // Detail: headers, the JSON body, timing.
  await rows(page).filter({ hasText: '/pets?limit=2' }).click();
  await expect(page.getByTestId('exchange-detail')).toBeVisible();
  await expect(page.getByTestId('timing')).toBeVisible();
  await page.getByTestId('detail-tab-request').click();
  await expect(page.getByTestId('request-headers')).toContainText('x-trace');
  await page.getByTestId('detail-tab-response').click();
  await expect(page.getByTestId('response-body')).toHaveAttribute('data-kind', 'json');
  await expect(page.getByTestId('response-code')).toBeVisible();
  await shot(page, 'traffic-02-detail');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByTestId('detail-tab-overview').click();
  await expect(page.getByTestId('timing')).toBeVisible();
  await shot(page, 'traffic-02a-overview-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('detail-tab-response').click();

  // A request the design's security refused: the policy and its reason.
  await rows(page).filter({ hasText: 'POST' }).first().click();
  await page.getByTestId('detail-tab-overview').click();
  await expect(page.getByTestId('policy-callout')).toBeVisible();
  await shot(page, 'traffic-02b-rejected');
  // "filter" beside a value narrows the list to it, through the query text.
  await page.getByTestId('filter-by-mode').click();
  await expect(page.getByTestId('traffic-filter')).toHaveValue('mode:rejected');
  await expect(rows(page)).toHaveCount(1);
  await page.getByTestId('traffic-filter').fill('');
  await page.getByTestId('traffic-filter').press('Enter');
  await expect(rows(page)).toHaveCount(6);
  await rows(page).filter({ hasText: '/pets?limit=2' }).click();

  // Replay as logged: the answer is shown and the replay is logged as a new exchange.
  await page.getByTestId('action-replay').click();
  await expect(page.getByTestId('replay-status')).toHaveText('200');
  await expect(rows(page)).toHaveCount(7);
  // Edited: another path.
  await page.getByTestId('replay-url').fill('/pets/3');
  await page.getByTestId('replay-send').click();
  await expect(page.getByTestId('replay-result')).toContainText('edited');
  await expect(rows(page)).toHaveCount(8);
  await expect(rows(page).first()).toContainText('/pets/3');
  await shot(page, 'traffic-02c-replay');

  // Compare two: side by side in a diff editor.
  await rows(page).filter({ hasText: '/pets/1' }).first().click();
  await rows(page).filter({ hasText: '/pets/2' }).first().click({ modifiers: ['Control'] });
  await page.getByTestId('action-compare').click();
  await expect(page.getByTestId('diff-view')).toBeVisible();
  await expect(page.getByTestId('diff-view').locator('.editor.original')).toContainText('/pets/1');
  await expect(page.getByTestId('diff-view').locator('.editor.modified')).toContainText('/pets/2');
  await shot(page, 'traffic-03-compare');
  await page.getByTestId('compare-close').click();

  // Export the whole log as HAR; an independent validator checks it against the HAR 1.2 schema.
  await rows(page).first().click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-har').click()]);
  expect(download.suggestedFilename()).toMatch(/\.har$/);
  const file = testInfo.outputPath('export.har');
  await download.saveAs(file);
  const har = JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: Array<{ request: { url: string } }> } };
  expect(harValidator()(har)).toEqual([]);
  expect(har.log.entries).toHaveLength(8);
  expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toContain('/no/such/path');

  // Import it again: the log doubles.
  await page.getByTestId('import-har-input').setInputFiles(file);
  await expect(page.getByTestId('traffic-toast')).toContainText('Imported 8');
  await expect(rows(page)).toHaveCount(16);
  await expect(page.getByTestId('traffic-count')).toContainText('16');

  // From an exchange to its operation in the design.
  await rows(page).filter({ hasText: '/pets/1' }).first().click();
  await page.getByTestId('action-open-operation').click();
  await expect(page.getByTestId('traffic-view')).toBeHidden();
  await expect(page.locator('.tab.active')).toHaveAttribute('data-path', 'paths/pets.yaml');
  await expect(page.locator('.status-bar')).toContainText(/Ln 7\d/);

  // Back in Traffic, the list is as it was (the view stayed mounted).
  await page.getByTestId('view-traffic').click();
  await expect(rows(page)).toHaveCount(16);

  // Retention: keep the newest 10; the list reloads with what is left; then no cap again.
  await page.getByTestId('traffic-info').click();
  await page.getByTestId('retention-count').fill('10');
  await page.getByTestId('retention-apply').click();
  await expect(rows(page)).toHaveCount(10);
  await expect(page.getByTestId('traffic-info')).toContainText('keeps ≤ 10');
  await page.getByTestId('traffic-info').click();
  await page.getByTestId('retention-count').fill('');
  await page.getByTestId('retention-apply').click();
  await expect(page.getByTestId('traffic-info')).not.toContainText('keeps');
});

test('virtualised list pages through the log as it scrolls', async ({ app }) => {
  const page = app;
  await expect(page.getByTestId('gateway')).toHaveAttribute('data-state', 'running');
  const gateway = `http://${await page.getByTestId('gateway').locator('.gateway-url').textContent()}`;
  await page.getByTestId('view-traffic').click();
  // More than one page (300 rows), sent in parallel batches.
  for (let batch = 0; batch < 7; batch++) await Promise.all(Array.from({ length: 60 }, (_, i) => fetch(`${gateway}/pets/${batch * 60 + i}`).then((r) => r.arrayBuffer())));
  // Other tests in this file left some exchanges too: wait until the count settles, then page down to the oldest.
  await expect(page.getByTestId('traffic-count')).toContainText(/4\d\d/);
  const countNow = async () => Number((await page.getByTestId('traffic-count').textContent())!.replace(/[^\d].*$/s, '').trim());
  // The log's worker drains at low priority: settled means the same count twice, 500 ms apart.
  let previous = -1;
  await expect
    .poll(async () => {
      const now = await countNow();
      const settled = now >= 420 && now === previous;
      previous = now;
      return settled;
    }, { intervals: [500] })
    .toBe(true);
  const total = await countNow();
  // Only the rows in view are in the DOM.
  expect(await page.getByTestId('exchange-row').count()).toBeLessThan(80);
  // Scroll to the end: the next keyset pages load until every exchange is in the list.
  const list = page.locator('.xlist-scroll');
  await expect
    .poll(async () => {
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      return page.getByTestId('exchange-list').getAttribute('aria-rowcount');
    })
    .toBe(String(total));
  await expect(page.locator('.xmore')).toHaveCount(0);
  // Scrolled down, new arrivals do not move the rows in view.
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  // The virtualiser renders the rows of the new position on its next frame.
  const row = page.getByTestId('exchange-row').nth(5);
  await expect(row).toBeVisible();
  await page.waitForTimeout(200);
  const id = await row.getAttribute('data-id');
  const before = await page.locator(`[data-testid=exchange-row][data-id="${id}"]`).boundingBox();
  expect(before).not.toBeNull();
  await fetch(`${gateway}/pets/999`).then((r) => r.arrayBuffer());
  await page.waitForTimeout(800);
  const same = page.locator(`[data-testid=exchange-row][data-id="${id}"]`);
  await expect(same).toBeVisible();
  expect(Math.abs((await same.boundingBox())!.y - before!.y)).toBeLessThan(2);
});

// Opt-in: the list over a big log (`PORTICO_TRAFFIC_DATA=DIR` holding a traffic.db, e.g. from
// `node --import tsx scripts/generate-traffic.ts --count 1000000 --db DIR/traffic.db`). Scrolls with the wheel through
// thousands of rows (keyset pages load on the way) and measures frame times in the page.
test('a log of 1,000,000 exchanges scrolls with frames under 50 ms (p95)', async ({ page }, testInfo) => {
  const data = process.env.PORTICO_TRAFFIC_DATA;
  test.skip(!data, 'set PORTICO_TRAFFIC_DATA to a folder with a big traffic.db');
  test.setTimeout(300_000);
  const portico = await startPorticoUi({ data: data! });
  try {
    await page.goto(portico.url);
    await page.getByTestId('view-traffic').click();
    await expect(page.getByTestId('exchange-row').first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('traffic-count')).toContainText(/\d/);
    const list = page.locator('.xlist-scroll');
    await list.hover();
    await page.evaluate(() => {
      const w = window as unknown as { frames_: number[]; longTasks: number[] };
      w.frames_ = [];
      w.longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
      let last = performance.now();
      const tick = (now: number) => {
        w.frames_.push(now - last);
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const started = Date.now();
    for (let i = 0; i < 400; i++) {
      await page.mouse.wheel(0, 1200);
      await page.waitForTimeout(16);
    }
    const elapsed = Date.now() - started;
    const { frames, longTasks, scrolled, loaded } = await page.evaluate(() => {
      const w = window as unknown as { frames_: number[]; longTasks: number[] };
      const el = document.querySelector('.xlist-scroll')!;
      return { frames: w.frames_.slice(1), longTasks: w.longTasks, scrolled: el.scrollTop, loaded: Number(document.querySelector('[data-testid=exchange-list]')!.getAttribute('aria-rowcount')) };
    });
    const sorted = [...frames].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const report = { rowsLoaded: loaded, scrolledPx: Math.round(scrolled), seconds: elapsed / 1000, frames: frames.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1), over50: frames.filter((f) => f > 50).length, longTasks: longTasks.length };
    await testInfo.attach('scroll.json', { body: JSON.stringify(report, null, 2), contentType: 'application/json' });
    console.log(`1M scroll: ${JSON.stringify(report)}`);
    await shot(page, 'traffic-04-million');
    expect(loaded).toBeGreaterThan(5000);
    // p95 of wall-clock frames: on a shared machine the scheduler alone makes the odd long frame (p99 and max are in
    // scroll.json). Measured with load average ~10 on 2 cores: p50 17 ms, p95 50 ms, p99 83 ms, max 250 ms.
    expect(report.p95).toBeLessThanOrEqual(50);
  } finally {
    await portico.stop();
  }
});
