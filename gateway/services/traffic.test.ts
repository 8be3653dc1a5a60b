import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventMessage, RpcError } from '../contract/index.js';
import { openApp } from './app.js';
import { copyExample, until } from './test-support/example.js';

/** The inspector's methods through the engine's handlers, on the example workspace with a real gateway on 127.0.0.1. */
test('traffic.*: live events, filtered pages, detail checked against the design, replay, HAR round trip, clear', async () => {
  const example = copyExample();
  const events: EventMessage[] = [];
  const app = await openApp({ folder: example.dir, gatewayPort: 0, emit: (event, payload) => events.push({ event, payload } as EventMessage) });
  try {
    const base = app.gateway.url!;
    assert.ok(base.startsWith('http://127.0.0.1:'));
    const get = (path: string, init?: RequestInit) => fetch(base + path, init).then(async (r) => ({ status: r.status, text: await r.text() }));
    assert.equal((await get('/pets?limit=2')).status, 200);
    assert.equal((await get('/pets/1')).status, 200);
    assert.equal((await get('/pets?limit=oops')).status, 400);
    assert.equal((await get('/nowhere')).status, 404);
    assert.equal((await get('/pets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Rex"}' })).status, 401);

    // Live: the log announces what it committed.
    const appendedIds = () => events.filter((e) => e.event === 'traffic.appended').flatMap((e) => (e.payload as { ids: number[] }).ids);
    await until(() => appendedIds().length >= 5, 'five exchanges announced');
    assert.deepEqual(appendedIds(), [1, 2, 3, 4, 5]);

    const all = await app.handlers['traffic.query']({ filter: '', limit: 50 });
    assert.deepEqual(all.rows.map((r) => r.status), [401, 404, 400, 200, 200]);
    assert.equal(all.rows[0]!.mode, 'rejected');
    const rejected = await app.handlers['traffic.get']({ id: all.rows[0]!.id });
    assert.ok(rejected.policyTimings?.some((t) => t.ms >= 0 && /api-key|key/.test(`${t.id} ${t.name ?? ''}`)), JSON.stringify(rejected.policyTimings));
    const bad = await app.handlers['traffic.query']({ filter: 'status:4xx op:listPets', limit: 50 });
    assert.deepEqual(bad.rows.map((r) => [r.status, r.operationId]), [[400, 'listPets']]);
    assert.deepEqual(await app.handlers['traffic.count']({ filter: 'status:4xx' }), { count: 3, capped: false });
    await assert.rejects(app.handlers['traffic.query']({ filter: 'status:banana', limit: 5 }), (e: RpcError) => e.code === 'bad_request' && /status:banana/.test(e.message));

    // Detail, with what the exchange breaks of the design now.
    const badRequest = await app.handlers['traffic.get']({ id: bad.rows[0]!.id });
    assert.ok(badRequest.validation?.some((f) => f.in === 'request' && f.pointer.startsWith('/query/limit')), JSON.stringify(badRequest.validation));
    const ok = await app.handlers['traffic.get']({ id: all.rows.at(-1)!.id });
    assert.deepEqual(ok.validation, []);
    assert.match(Buffer.from(ok.responseBody!.base64, 'base64').toString(), /\[/);
    // Mocks answer with writeHead(status, headers): those headers are logged too.
    assert.ok(ok.responseHeaders.some(([n, v]) => n.toLowerCase() === 'content-type' && /json/.test(v)), JSON.stringify(ok.responseHeaders));
    assert.ok(badRequest.responseHeaders.some(([n, v]) => n.toLowerCase() === 'content-type' && v === 'application/problem+json'), JSON.stringify(badRequest.responseHeaders));
    await assert.rejects(app.handlers['traffic.get']({ id: 999_999 }), (e: RpcError) => e.code === 'not_found');

    // Replay as is, and edited.
    const again = await app.handlers['traffic.replay']({ id: ok.id });
    assert.equal(again.status, 200);
    const edited = await app.handlers['traffic.replay']({ id: ok.id, request: { method: 'GET', url: '/pets/42', headers: [['accept', 'application/json']] } });
    assert.equal(edited.status, 200, Buffer.from(edited.body.base64, 'base64').toString());
    assert.match(Buffer.from(edited.body.base64, 'base64').toString(), /"id"/);
    await until(async () => (await app.handlers['traffic.count']({ filter: '' })).count === 7, 'the replays in the log');
    const replayed = (await app.handlers['traffic.query']({ filter: '', limit: 1 })).rows[0]!;
    const replayedDetail = await app.handlers['traffic.get']({ id: replayed.id });
    assert.ok(replayedDetail.requestHeaders.some(([n, v]) => n === 'X-Portico-Replay-Of' && v === String(ok.id)));

    // Search, stats, HAR out and in.
    const search = await app.handlers['traffic.search']({ text: 'pets', limit: 10 });
    assert.ok(search.rows.length >= 4 && search.rows.every((r) => r.snippet.length > 0));
    const stats = await app.handlers['traffic.stats']({ filter: '' });
    assert.equal(stats.total, 7);
    assert.ok(stats.operations.some((o) => o.operation === 'listPets'));
    const { har, count } = await app.handlers['traffic.export']({ filter: 'status:2xx', limit: 100 });
    assert.equal(count, 4);
    events.length = 0;
    const imported = await app.handlers['traffic.import']({ har, name: 'mine.har' });
    assert.deepEqual(imported, { imported: 4, skipped: 0 });
    assert.ok(events.some((e) => e.event === 'traffic.reset'));
    assert.equal((await app.handlers['traffic.info']({})).count, 11);
    await assert.rejects(app.handlers['traffic.import']({ har: { not: 'har' } }), (e: RpcError) => e.code === 'bad_request');

    const info = await app.handlers['traffic.retention']({ maxCount: 3 });
    assert.equal(info.count, 3);
    assert.deepEqual(info.retention, { maxCount: 3 });
    assert.ok(info.sizeBytes > 0);
    assert.deepEqual(await app.handlers['traffic.clear']({}), { deleted: 3 });
    assert.equal((await app.handlers['traffic.query']({ filter: '', limit: 5 })).rows.length, 0);
  } finally {
    await app.close();
    example.cleanup();
  }
});
