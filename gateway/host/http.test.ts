import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../test-support/workspace.js';
import { CONTENT_SECURITY_POLICY, startHttpHost, type HttpHost } from './http.js';
import { createDispatcher, type Dispatcher } from './rpc.js';
import { fakeHandlers } from './test-support/handlers.js';
import { openEvents, request } from './test-support/http-client.js';

async function withHost(options: { rendererDir?: string; heartbeatMs?: number }, run: (host: HttpHost, dispatcher: Dispatcher) => Promise<void>) {
  const dispatcher = createDispatcher(fakeHandlers(), { logError: () => undefined });
  const host = await startHttpHost({ dispatcher, ...options });
  try {
    await run(host, dispatcher);
  } finally {
    await host.close();
  }
}

const json = { 'content-type': 'application/json' };

test('the API needs the token: as a cookie from /?token=..., or as a Bearer token', async () => {
  await withHost({}, async (host) => {
    assert.match(host.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(host.url, `http://127.0.0.1:${host.port}/?token=${host.token}`);
    const body = JSON.stringify({ path: 'a.yaml' });

    const anonymous = await request(host.port, { method: 'POST', path: '/api/call/files.read', headers: json, body });
    assert.equal(anonymous.status, 403);
    assert.equal(anonymous.headers['content-type'], 'application/problem+json');
    const wrongCookie = await request(host.port, { method: 'POST', path: '/api/call/files.read', headers: { ...json, cookie: `${host.cookieName}=${'x'.repeat(43)}` }, body });
    assert.equal(wrongCookie.status, 403);
    assert.equal((await request(host.port, { path: '/api/events' })).status, 403);
    assert.equal((await request(host.port, { path: '/?token=wrong' })).status, 403);

    // The login: cookie set, token out of the address bar.
    const login = await request(host.port, { path: `/?token=${host.token}` });
    assert.equal(login.status, 303);
    assert.equal(login.headers.location, '/');
    const cookie = login.headers['set-cookie']?.[0] ?? '';
    assert.match(cookie, new RegExp(`^${host.cookieName}=${host.token}; `));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);

    const withCookie = await request(host.port, { method: 'POST', path: '/api/call/files.read', headers: { ...json, cookie: `other=1; ${cookie.split(';')[0]}` }, body });
    assert.equal(withCookie.status, 200);
    assert.deepEqual(withCookie.json(), { ok: true, value: { path: 'a.yaml', text: 'text of a.yaml', version: 'v1' } });
    assert.equal(withCookie.headers['content-security-policy'], CONTENT_SECURITY_POLICY);

    const bearer = await request(host.port, { method: 'POST', path: '/api/call/files.read', headers: { ...json, authorization: `Bearer ${host.token}` }, body });
    assert.equal(bearer.status, 200);
  });
});

test('calls: errors as CallResults with a fitting status; JSON only; bodies capped', async () => {
  const dispatcher = createDispatcher(fakeHandlers(), { logError: () => undefined });
  const host = await startHttpHost({ dispatcher, bodyLimit: 1024 });
  const auth = { ...json, authorization: `Bearer ${host.token}` };
  try {
    const bad = await request(host.port, { method: 'POST', path: '/api/call/files.read', headers: auth, body: '{"path":"/etc/passwd"}' });
    assert.equal(bad.status, 400);
    assert.equal((bad.json() as { error: { code: string } }).error.code, 'bad_request');
    const unknown = await request(host.port, { method: 'POST', path: '/api/call/shell.exec', headers: auth, body: '{}' });
    assert.equal(unknown.status, 404);
    assert.equal((unknown.json() as { error: { code: string } }).error.code, 'unknown_method');
    const internal = await request(host.port, { method: 'POST', path: '/api/call/gateway.start', headers: auth, body: '' });
    assert.equal(internal.status, 500);
    assert.doesNotMatch(internal.body, /ssh|\.ts:/);
    const notJson = await request(host.port, { method: 'POST', path: '/api/call/files.read', headers: auth, body: '{nope' });
    assert.equal(notJson.status, 400);
    const form = await request(host.port, { method: 'POST', path: '/api/call/gateway.stop', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(form.status, 415);
    const get = await request(host.port, { path: '/api/call/gateway.status', headers: { authorization: `Bearer ${host.token}` } });
    assert.equal(get.status, 405);
    const big = await request(host.port, { method: 'POST', path: '/api/call/files.write', headers: auth, body: JSON.stringify({ path: 'a', text: 'x'.repeat(2000) }) });
    assert.equal(big.status, 413);
  } finally {
    await host.close();
  }
});

test('DNS rebinding and cross-origin requests are refused', async () => {
  await withHost({}, async (host) => {
    const auth = { ...json, authorization: `Bearer ${host.token}` };
    const call = (headers: Record<string, string>) => request(host.port, { method: 'POST', path: '/api/call/gateway.status', headers: { ...auth, ...headers }, body: '{}' });
    assert.equal((await call({ host: `evil.example:${host.port}` })).status, 403);
    assert.equal((await call({ host: `127.0.0.1:${host.port + 1}` })).status, 403);
    assert.equal((await call({ host: '127.0.0.1' })).status, 403);
    assert.equal((await request(host.port, { path: `/?token=${host.token}`, headers: { host: `rebound.example:${host.port}` } })).status, 403);
    assert.equal((await call({ origin: 'http://evil.example' })).status, 403);
    assert.equal((await call({ origin: 'null' })).status, 403);
    assert.equal((await call({ origin: `http://127.0.0.1:${host.port + 1}` })).status, 403);
    assert.equal((await call({ origin: `http://localhost:${host.port}` })).status, 403, 'origin must match the Host used');
    assert.equal((await call({ origin: `http://127.0.0.1:${host.port}` })).status, 200);
    assert.equal((await call({ host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` })).status, 200);
    assert.equal((await call({})).status, 200);
  });
});

test('events arrive as Server-Sent Events, with heartbeats', async () => {
  await withHost({ heartbeatMs: 50 }, async (host, dispatcher) => {
    const refused = await request(host.port, { path: '/api/events', headers: { origin: 'http://evil.example', authorization: `Bearer ${host.token}` } });
    assert.equal(refused.status, 403);
    const stream = await openEvents(host.port, { authorization: `Bearer ${host.token}` });
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.contentType ?? '', /^text\/event-stream/);
      dispatcher.emit('files.changed', { paths: ['openapi.yaml'] });
      dispatcher.emit('gateway.changed', { state: 'running', port: 1, problems: [] });
      assert.deepEqual(await stream.next(), { event: 'files.changed', data: '{"paths":["openapi.yaml"]}' });
      const second = await stream.next();
      assert.equal(second.event, 'gateway.changed');
      assert.deepEqual(JSON.parse(second.data), { state: 'running', port: 1, problems: [] });
      await new Promise((r) => setTimeout(r, 120));
      assert.ok(stream.comments.includes('heartbeat'), stream.comments.join(','));
    } finally {
      stream.close();
    }
  });
});

test('static files: content types, index.html, security headers, no traversal', async () => {
  const ws = tempWorkspace({
    'renderer/index.html': '<!doctype html><title>Portico</title>',
    'renderer/assets/app.js': 'console.log(1)',
    'renderer/assets/app.css': 'body{}',
    'renderer/assets/font.woff2': 'x',
    'secret.txt': 'top secret',
  });
  mkdirSync(join(ws.dir, 'renderer', 'empty'));
  symlinkSync(join(ws.dir, 'secret.txt'), join(ws.dir, 'renderer', 'assets', 'link.txt'));
  try {
    await withHost({ rendererDir: ws.path('renderer') }, async (host) => {
      const index = await request(host.port);
      assert.equal(index.status, 200);
      assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(index.body, /<title>Portico/);
      assert.equal(index.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
      assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
      assert.doesNotMatch(CONTENT_SECURITY_POLICY, /script-src[^;]*unsafe/);
      assert.equal(index.headers['x-content-type-options'], 'nosniff');
      assert.equal(index.headers['referrer-policy'], 'no-referrer');
      assert.equal(index.headers['cross-origin-opener-policy'], 'same-origin');

      assert.equal((await request(host.port, { path: '/assets/app.js' })).headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal((await request(host.port, { path: '/assets/app.css' })).headers['content-type'], 'text/css; charset=utf-8');
      assert.equal((await request(host.port, { path: '/assets/font.woff2' })).headers['content-type'], 'font/woff2');
      // The sandboxed docs frame (Origin: null) may load static files, CORS-readable; never /api, not even with the token.
      const fromFrame = await request(host.port, { path: '/assets/app.js', headers: { origin: 'null' } });
      assert.equal(fromFrame.status, 200);
      assert.equal(fromFrame.headers['access-control-allow-origin'], '*');
      assert.equal(fromFrame.headers['cross-origin-resource-policy'], 'cross-origin');
      const ownPage = await request(host.port, { path: '/assets/app.js' });
      assert.equal(ownPage.headers['access-control-allow-origin'], undefined);
      assert.equal(ownPage.headers['cross-origin-resource-policy'], 'same-origin');
      assert.equal((await request(host.port, { path: '/assets/app.js', headers: { origin: 'http://evil.example' } })).status, 403);
      assert.equal((await request(host.port, { method: 'POST', path: '/api/call/gateway.status', headers: { origin: 'null', 'content-type': 'application/json', authorization: `Bearer ${host.token}` }, body: '{}' })).status, 403);
      // Client-side routes get the app; missing assets are 404.
      assert.match((await request(host.port, { path: '/workspace/files' })).body, /<title>Portico/);
      assert.equal((await request(host.port, { path: '/assets/missing.js' })).status, 404);

      for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/assets/link.txt', '/%00']) {
        const answer = await request(host.port, { path });
        assert.notEqual(answer.status, 200, path);
        assert.doesNotMatch(answer.body, /top secret/, path);
      }
      assert.equal((await request(host.port, { method: 'POST', path: '/' })).status, 405);
    });
  } finally {
    ws.cleanup();
  }
});

test('without a renderer build, / says how to build it', async () => {
  const ws = tempWorkspace({ 'empty/.keep': '' });
  try {
    for (const rendererDir of [undefined, ws.path('empty'), ws.path('absent')]) {
      await withHost(rendererDir ? { rendererDir } : {}, async (host) => {
        const page = await request(host.port);
        assert.equal(page.status, 200);
        assert.match(page.body, /npm run build/);
        assert.equal(page.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
        assert.equal((await request(host.port, { path: '/assets/app.js' })).status, 404);
      });
    }
    writeFileSync(ws.path('empty/index.html'), 'built');
    await withHost({ rendererDir: ws.path('empty') }, async (host) => assert.equal((await request(host.port)).body, 'built'));
  } finally {
    ws.cleanup();
  }
});
