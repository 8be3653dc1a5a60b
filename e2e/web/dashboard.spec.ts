// The analytics dashboard in browser mode against the real `portico ui`: traffic through the gateway shows up in the
// totals, the charts (uPlot canvases), the per-operation table and the rejected-by list. No request leaves 127.0.0.1.
import { test, expect } from './support/fixtures.ts';
import { shot } from './support/editor.ts';

test('dashboard: totals, charts and tables over a range', async ({ app }) => {
  const page = app;
  await expect(page.getByTestId('gateway')).toHaveAttribute('data-state', 'running');
  const gateway = `http://${await page.getByTestId('gateway').locator('.gateway-url').textContent()}`;
  const send = (path: string, init?: RequestInit) => fetch(`${gateway}${path}`, init).then((r) => r.arrayBuffer());
  for (let i = 0; i < 12; i++) await send(`/pets?limit=${i + 1}`);
  for (let i = 0; i < 5; i++) await send(`/pets/${i}`);
  for (let i = 0; i < 3; i++) await send('/pets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Rex","species":"dog"}' });
  await send('/inventory');

  await page.getByTestId('view-dashboard').click();
  await expect(page.getByTestId('dashboard')).toBeVisible();
  await page.getByTestId('range-15m').click();
  await expect(page.getByTestId('kpi-total')).toContainText('21');
  for (const chart of ['chart-requests', 'chart-latency', 'chart-status', 'chart-error-rate']) await expect(page.getByTestId(chart).locator('canvas')).toBeVisible();
  await expect(page.getByTestId('operations-table')).toContainText('listPets');
  await expect(page.getByTestId('stats-time')).toContainText('computed in');
  await shot(page, 'dashboard-01');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.getByTestId('chart-latency').locator('canvas')).toBeVisible();
  await shot(page, 'dashboard-02-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // A filter narrows every number down; a bad one is named.
  await page.getByTestId('dashboard-filter').fill('op:listPets');
  await page.getByTestId('dashboard-filter').press('Enter');
  await expect(page.getByTestId('kpi-total')).toContainText('12');
  await page.getByTestId('dashboard-filter').fill('status:abc');
  await page.getByTestId('dashboard-filter').press('Enter');
  await expect(page.getByTestId('dashboard-error')).toBeVisible();
});
