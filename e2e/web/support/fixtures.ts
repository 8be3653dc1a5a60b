// Fixtures: a running `portico ui` per test file, and a page whose every request is recorded and checked to stay on
// 127.0.0.1 (the test fails on any request that leaves it, whatever it was for).
import { test as base, expect, type Page } from '@playwright/test';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPorticoUi, type PorticoUi } from './portico-ui.ts';

const LOCAL = new Set(['127.0.0.1']);
const isLocal = (url: string) => {
  if (/^(data|blob|about|chrome-error):/.test(url)) return true;
  try {
    return LOCAL.has(new URL(url).hostname);
  } catch {
    return false;
  }
};

export const test = base.extend<{ app: Page; requests: string[] }, { portico: PorticoUi }>({
  portico: [
    async ({}, use) => {
      // Every spec of a worker shares this engine and so the example's 300/min rate limit: the traffic specs alone can
      // spend it, and a later spec polling the gateway then gets 429s. The copy gets a budget no suite run reaches.
      const portico = await startPorticoUi({ prepare: raiseRateLimit });
      await use(portico);
      await portico.stop();
    },
    { scope: 'worker' },
  ],
  requests: async ({}, use) => {
    await use([]);
  },
  app: async ({ page, portico, requests }, use, testInfo) => {
    page.on('request', (request) => void requests.push(request.url()));
    // Workers and frames are covered by the context-level hook too.
    page.context().on('request', (request) => void requests.push(request.url()));
    await page.goto(portico.url);
    await use(page);
    const leaked = [...new Set(requests.filter((url) => !isLocal(url)))];
    await testInfo.attach('requests.txt', { body: [...new Set(requests)].join('\n'), contentType: 'text/plain' });
    expect(leaked, 'requests that left 127.0.0.1').toEqual([]);
  },
});

export { expect };

/** The same fixtures on a workspace whose root is `openapi.json` with the given text (a generated design). */
export function withJsonRoot(design: () => string) {
  return test.extend<object, { portico: PorticoUi }>({
    portico: [
      async ({}, use) => {
        const portico = await startPorticoUi({
          prepare: (workspace) => {
            rmSync(join(workspace, 'openapi.yaml'));
            writeFileSync(join(workspace, 'openapi.json'), design());
          },
        });
        await use(portico);
        await portico.stop();
      },
      { scope: 'worker' },
    ],
  });
}

function raiseRateLimit(workspace: string): void {
  const spec = join(workspace, 'openapi.yaml');
  const text = readFileSync(spec, 'utf8');
  const raised = text.replace('limit: 300, window: 1m', 'limit: 1000000, window: 1m');
  if (raised === text) throw new Error('the example no longer has its 300/min rate limit: update raiseRateLimit');
  writeFileSync(spec, raised);
}
