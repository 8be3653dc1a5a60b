import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appProtocolHandler, isAppUrl, resolveAppFile } from './app-protocol.js';

test('our pages: portico://app only', () => {
  assert.equal(isAppUrl('portico://app/index.html'), true);
  assert.equal(isAppUrl('portico://app/'), true);
  for (const url of ['portico://evil/index.html', 'portico://user@app/', 'https://app/', 'file:///app/index.html', 'about:blank', '', 'not a url']) {
    assert.equal(isAppUrl(url), false, url);
  }
});

test('files resolve inside the renderer folder only', () => {
  const root = '/opt/portico/dist/renderer';
  assert.equal(resolveAppFile(root, 'portico://app/'), join(root, 'index.html'));
  assert.equal(resolveAppFile(root, 'portico://app/assets/main.js?x=1#y'), join(root, 'assets/main.js'));
  for (const url of [
    'portico://app/../../etc/passwd',
    'portico://app/%2e%2e/%2e%2e/etc/passwd',
    'portico://app/assets/%2e%2e%2f%2e%2e%2f..%2fetc/passwd',
    'portico://app/..%5c..%5cwindows',
    'portico://app/%00',
    'portico://app/%E0%A4%A',
    'portico://other/index.html',
  ]) {
    const file = resolveAppFile(root, url);
    assert.ok(file === null || file.startsWith(root + '/'), `${url} → ${file}`);
  }
  // The URL parser removes dot segments first, so an encoded climb lands inside the folder, not above it.
  assert.equal(resolveAppFile(root, 'portico://app/%2e%2e/%2e%2e/etc/passwd'), join(root, 'etc/passwd'));
});

test('the handler serves files with their type and the CSP, and 404s the rest', async () => {
  const root = await mkdtemp(join(tmpdir(), 'portico-renderer-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Portico</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'export {}');
  const handle = appProtocolHandler(root, "default-src 'none'");

  const page = await handle(new Request('portico://app/'));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('content-security-policy'), "default-src 'none'");
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.match(await page.text(), /<title>Portico<\/title>/);
  assert.equal((await handle(new Request('portico://app/assets/app.js'))).headers.get('content-type'), 'text/javascript; charset=utf-8');

  assert.equal((await handle(new Request('portico://app/missing.js'))).status, 404);
  assert.equal((await handle(new Request('portico://app/%2e%2e/%2e%2e/etc/passwd'))).status, 404);
  assert.equal((await handle(new Request('portico://app/index.html', { method: 'POST', body: 'x' }))).status, 404);
});
