import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CSP, hardenContents, hardenSession, isAllowedRequest, openExternalSafely, windowOptions, type ExternalLinks } from './window.js';

/** Records what was asked and opened. */
function fakeLinks(answer: boolean) {
  const asked: string[] = [];
  const opened: string[] = [];
  const links: ExternalLinks = {
    confirm: async (url) => (asked.push(url), answer),
    openExternal: async (url) => void opened.push(url),
  };
  return { links, asked, opened };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('window options follow the security checklist', () => {
  const { webPreferences: prefs } = windowOptions('/app/dist/electron/preload.cjs');
  assert.equal(prefs?.contextIsolation, true);
  assert.equal(prefs?.sandbox, true);
  assert.equal(prefs?.nodeIntegration, false);
  assert.equal(prefs?.nodeIntegrationInWorker, false);
  assert.equal(prefs?.nodeIntegrationInSubFrames, false);
  assert.equal(prefs?.webSecurity, true);
  assert.equal(prefs?.allowRunningInsecureContent, false);
  assert.equal(prefs?.webviewTag, false);
  assert.equal(prefs?.experimentalFeatures, false);
  assert.equal(prefs?.preload, '/app/dist/electron/preload.cjs');
});

test('CSP: nothing remote, no inline or eval script, default none', () => {
  const directives = new Map(CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.deepEqual(directives.get('base-uri'), ["'none'"]);
  for (const [name, values] of directives) {
    for (const value of values) {
      const allowed = ["'self'", "'none'", 'data:', 'http://127.0.0.1:*'].includes(value) || (name === 'style-src' && value === "'unsafe-inline'");
      assert.ok(allowed, `${name} ${value}`);
    }
  }
  assert.doesNotMatch(CSP, /https?:\/\/(?!127\.0\.0\.1)|\*\s|'unsafe-eval'|blob:|wss?:/);
  // A directive without a script-src falls back to default-src, which is 'none'.
  assert.ok(!/script-src[^;]*'unsafe-inline'/.test(CSP));
});

test('navigation is denied; an https target is only offered to the browser, after asking', async () => {
  const handlers = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, handler: never) => (handlers.set(name, handler), contents),
    setWindowOpenHandler: (handler: never) => void (openHandler = handler),
  };
  const { links, asked, opened } = fakeLinks(false);
  hardenContents(contents as never, links);

  for (const url of ['https://example.com/', 'http://127.0.0.1:4010/', 'file:///etc/passwd', 'portico://app/index.html']) {
    let prevented = false;
    handlers.get('will-navigate')!({ preventDefault: () => (prevented = true) }, url);
    assert.ok(prevented, url);
  }
  for (const name of ['will-redirect', 'will-attach-webview']) {
    let prevented = false;
    handlers.get(name)!({ preventDefault: () => (prevented = true) }, 'https://example.com/');
    assert.ok(prevented, name);
  }
  for (const url of ['https://example.com/docs', 'javascript:alert(1)', 'file:///etc/passwd', 'portico://app/x']) {
    assert.deepEqual(openHandler!({ url }), { action: 'deny' }, url);
  }
  await settle();
  assert.deepEqual(asked, ['https://example.com/', 'https://example.com/docs']);
  assert.deepEqual(opened, [], 'the user said no');
});

test('openExternal: https only, and only after the user agreed', async () => {
  const yes = fakeLinks(true);
  assert.equal(await openExternalSafely('https://example.com/a?b=c', yes.links), true);
  assert.deepEqual(yes.opened, ['https://example.com/a?b=c']);
  for (const url of ['http://example.com/', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'not a url', 'ms-settings:']) {
    assert.equal(await openExternalSafely(url, yes.links), false, url);
  }
  assert.deepEqual(yes.asked, ['https://example.com/a?b=c'], 'nothing else was even offered');
  const no = fakeLinks(false);
  assert.equal(await openExternalSafely('https://example.com/', no.links), false);
  assert.deepEqual(no.opened, []);
});

test('session: every permission request and check is denied; CSP replaces any served policy; remote requests cancelled', () => {
  let request: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  let check: ((...args: unknown[]) => boolean) | undefined;
  let device: ((...args: unknown[]) => boolean) | undefined;
  let headers: ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
  let before: ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
  hardenSession({
    setPermissionRequestHandler: (h: never) => void (request = h),
    setPermissionCheckHandler: (h: never) => void (check = h),
    setDevicePermissionHandler: (h: never) => void (device = h),
    webRequest: { onHeadersReceived: (h: never) => void (headers = h), onBeforeRequest: (h: never) => void (before = h) },
  } as never);

  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
    let granted: boolean | undefined;
    request!({}, permission, (g) => (granted = g));
    assert.equal(granted, false, permission);
    assert.equal(check!({}, permission, 'portico://app'), false, permission);
  }
  assert.equal(device!({}), false);

  let out: Record<string, string[]> = {};
  headers!({ responseHeaders: { 'content-security-policy': ["script-src *"], 'Content-Type': ['text/html'] } }, (r) => (out = r.responseHeaders));
  assert.deepEqual(out, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] });

  const cancelled = (url: string) => {
    let cancel: boolean | undefined;
    before!({ url }, (r) => (cancel = r.cancel));
    return cancel;
  };
  assert.equal(cancelled('portico://app/index.html'), false);
  assert.equal(cancelled('http://127.0.0.1:4010/pets'), false);
  assert.equal(cancelled('data:image/png;base64,AA=='), false);
  for (const url of ['https://cdn.example.com/monaco.js', 'http://localhost.evil.example/', 'http://10.0.0.1/', 'file:///etc/passwd', 'portico://other/x', 'ws://127.0.0.1.example.com/']) {
    assert.equal(cancelled(url), true, url);
  }
});

test('allowed requests: the loopback gateway, not look-alikes', () => {
  assert.equal(isAllowedRequest('http://127.0.0.1:1/'), true);
  assert.equal(isAllowedRequest('http://127.0.0.1.nip.example/'), false);
  assert.equal(isAllowedRequest('https://127.0.0.1/'), false);
  assert.equal(isAllowedRequest('http://user@example.com/'), false);
});
