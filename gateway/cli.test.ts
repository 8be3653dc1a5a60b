import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempWorkspace } from './test-support/workspace.js';
import { startUpstream } from './test-support/upstream.js';
import { openTrafficReader } from './traffic/queries.js';

/** The CLI as users run it: the built bin (npm's `prepare` builds it; `npm test` builds first). */
const bin = fileURLToPath(new URL('../bin/portico.js', import.meta.url));
const run = (args: string[], cwd?: string) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, timeout: 30_000 });

const petstore = `openapi: 3.1.0
info: { title: cli, version: '1', description: CLI tests, contact: { name: t } }
servers: [{ url: 'http://127.0.0.1/' }]
tags: [{ name: t, description: t }]
paths:
  /items/{id}:
    get:
      operationId: getItem
      description: One item.
      tags: [t]
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses:
        '200':
          description: ok
          content: { application/json: { schema: { type: object, required: [id], properties: { id: { type: integer } } } } }
`;

function startServe(args: string[], cwd?: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { cwd });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 15_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

const exited = (child: ChildProcessWithoutNullStreams) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

test('--help, --version and usage errors', () => {
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /serve <spec>/);
  assert.match(run(['serve', '--help']).stdout, /--upstream URL/);
  assert.match(run(['--version']).stdout, /^\d+\.\d+\.\d+/);
  assert.equal(run(['frobnicate']).status, 2);
  assert.equal(run(['serve']).status, 2);
  const bad = run(['serve', 'x.yaml', '--port', 'eighty']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--port must be a number/);
  assert.equal(run(['serve', 'x.yaml', '--mock', '--upstream', 'http://127.0.0.1:1']).status, 2);
});

test('a broken design stops serve with every problem as file:line:column and exit code 2', () => {
  const ws = tempWorkspace({
    'api.yaml': `openapi: 3.1.0
info: { title: broken, version: '1' }
x-portico:
  apply: [{ use: rate-limit, with: { limit: 0, window: 1m } }]
paths:
  /a:
    $ref: 'paths.yaml#/a'
  /b:
    $ref: 'missing.yaml#/b'
`,
    'paths.yaml': `a:
  get:
    responses:
      '200': { description: ok, content: { application/json: { schema: { $ref: '#/NoSuchSchema' } } } }
`,
  });
  try {
    const result = run(['serve', 'api.yaml', '--port', '0'], ws.dir);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /api\.yaml:9:5: .*missing\.yaml/);
    assert.match(result.stderr, /paths\.yaml:4:74: .*NoSuchSchema/);
    assert.match(result.stderr, /2 problems/);
  } finally {
    ws.cleanup();
  }
});

test('an invalid x-portico block stops serve with its position', () => {
  const ws = tempWorkspace({ 'api.yaml': petstore.replace('paths:', "x-portico:\n  apply: [{ use: rate-limit, with: { limit: 0, window: 1m } }]\npaths:") });
  try {
    const result = run(['serve', 'api.yaml', '--port', '0'], ws.dir);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /api\.yaml:6:\d+: rate-limit: limit: Too small/);
  } finally {
    ws.cleanup();
  }
});

test('serve mocks, logs to SQLite, and on SIGTERM flushes every exchange before exiting 0', async () => {
  const ws = tempWorkspace({ 'api.yaml': petstore });
  try {
    const { child, url, output } = await startServe(['api.yaml', '--port', '0', '--mock'], ws.dir);
    assert.match(output(), /mode: +mock/);
    assert.match(output(), /traffic: .*traffic\.db/);
    const sent = 60;
    const statuses = await Promise.all(Array.from({ length: sent }, (_, i) => fetch(`${url}/items/${i}`).then((r) => r.status)));
    assert.deepEqual(new Set(statuses), new Set([200]));
    const done = exited(child);
    child.kill('SIGTERM');
    assert.equal(await done, 0);

    const traffic = run(['traffic', '--json', '--limit', '1000'], ws.dir);
    assert.equal(traffic.status, 0, traffic.stderr);
    const rows = JSON.parse(traffic.stdout) as { method: string; url: string; status: number; operationId: string; durationMs: number }[];
    assert.equal(rows.length, sent);
    assert.deepEqual(Object.keys(rows[0]!).filter((k) => ['method', 'url', 'status', 'operationId', 'durationMs'].includes(k)).sort(), ['durationMs', 'method', 'operationId', 'status', 'url']);
    assert.equal(rows[0]!.operationId, 'getItem');
    assert.equal(rows[0]!.url, `/items/${sent - 1}`.replace(/\d+$/, (n) => n), 'newest first');
  } finally {
    ws.cleanup();
  }
});

test('traffic --filter selects in the query language; --har writes HAR 1.2; a bad filter is exit 2 with a caret', async () => {
  const ws = tempWorkspace({ 'api.yaml': petstore });
  try {
    const { child, url } = await startServe(['api.yaml', '--port', '0', '--mock'], ws.dir);
    for (const path of ['/items/1', '/items/2', '/nope', '/items/3?q=needle']) await fetch(url + path).then((r) => r.arrayBuffer());
    const done = exited(child);
    child.kill('SIGTERM');
    assert.equal(await done, 0);

    const notFound = run(['traffic', '--json', '--filter', 'status:4xx'], ws.dir);
    assert.equal(notFound.status, 0, notFound.stderr);
    assert.deepEqual((JSON.parse(notFound.stdout) as { url: string }[]).map((r) => r.url), ['/nope']);
    const text = run(['traffic', '--json', '--filter', 'op:getItem "needle"'], ws.dir);
    assert.deepEqual((JSON.parse(text.stdout) as { url: string }[]).map((r) => r.url), ['/items/3?q=needle']);

    const har = run(['traffic', '--filter', 'status:2xx', '--har', 'out.har'], ws.dir);
    assert.equal(har.status, 0, har.stderr);
    assert.match(har.stderr, /Wrote 3 exchanges to out\.har/);
    const file = JSON.parse(readFileSync(ws.path('out.har'), 'utf8')) as { log: { version: string; entries: { request: { url: string } }[] } };
    assert.equal(file.log.version, '1.2');
    assert.equal(file.log.entries.length, 3);

    const bad = run(['traffic', '--filter', 'op:x colour:red'], ws.dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown filter "colour:"/);
    assert.match(bad.stderr, /\n {7}\^/);
  } finally {
    ws.cleanup();
  }
});

test('traffic --tail prints exchanges as they are logged, until Ctrl+C', async () => {
  const ws = tempWorkspace({ 'api.yaml': petstore });
  try {
    const { child, url } = await startServe(['api.yaml', '--port', '0', '--mock'], ws.dir);
    await (await fetch(`${url}/items/1`)).text();
    await new Promise((r) => setTimeout(r, 100));
    const tail = spawn(process.execPath, [bin, 'traffic', '--tail'], { cwd: ws.dir });
    let printed = '';
    tail.stdout.on('data', (c) => (printed += c));
    const seen = (text: string) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never printed ${text}:\n${printed}`)), 5_000);
      const check = () => {
        if (!printed.includes(text)) return;
        clearTimeout(timer);
        tail.stdout.off('data', check);
        resolve();
      };
      tail.stdout.on('data', check);
      check();
    });
    await seen('/items/1');
    await (await fetch(`${url}/items/2`)).text();
    await seen('/items/2');
    const tailDone = exited(tail as ChildProcessWithoutNullStreams);
    tail.kill('SIGINT');
    assert.equal(await tailDone, 0);
    assert.match(printed, /GET +200 .* mock +getItem +\/items\/2/);
    const done = exited(child);
    child.kill('SIGTERM');
    await done;
  } finally {
    ws.cleanup();
  }
});

test('kill -9 under load leaves an intact database that holds every exchange answered more than 50 ms before the kill', async () => {
  const upstream = await startUpstream((_req, res) => res.end('{}'));
  const ws = tempWorkspace({ 'api.yaml': petstore });
  try {
    const { child, url } = await startServe(['api.yaml', '--port', '0', '--upstream', upstream.url], ws.dir);
    const answeredAt = new Map<number, number>();
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const id = w * 1_000_000 + i;
        try {
          const response = await fetch(`${url}/items/${id}`);
          await response.arrayBuffer();
          if (response.status === 200) answeredAt.set(id, performance.now());
        } catch {
          return; // the gateway is gone
        }
      }
    };
    const workers = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    // At least 1.5 s of load and a few hundred answers (a busy machine answers slowly), at most 15 s.
    const loadStarted = performance.now();
    while (performance.now() - loadStarted < 15_000 && (performance.now() - loadStarted < 1_500 || answeredAt.size < 400)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const gone = exited(child);
    const killedAt = performance.now();
    child.kill('SIGKILL');
    stop = true;
    await workers;
    await gone;

    // What the killed gateway's log worker had not drained yet is in the spool: a reader drains it first.
    openTrafficReader(ws.path('.portico/traffic.db')).close();
    const db = new Database(ws.path('.portico/traffic.db'));
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const logged = new Set((db.prepare('SELECT url FROM exchanges').all() as { url: string }[]).map((r) => Number(r.url.split('/').pop())));
      const mustHave = [...answeredAt].filter(([, at]) => at < killedAt - 50).map(([id]) => id);
      const missing = mustHave.filter((id) => !logged.has(id));
      assert.ok(mustHave.length > 100, `load was too light to tell (${mustHave.length} answered)`);
      assert.deepEqual(missing, [], `${missing.length} of ${mustHave.length} exchanges answered > 50 ms before the kill are missing`);
    } finally {
      db.close();
    }
  } finally {
    await upstream.close();
    ws.cleanup();
  }
});

test('lint: clean design exits 0; errors exit 1 with positions; --json is machine-readable', () => {
  const ws = tempWorkspace({
    'good.yaml': petstore,
    'bad.yaml': petstore.replace('paths:', 'x-portico:\n  upstream: nowhere\npaths:').replace('description: One item.', 'description: [not, a, string]'),
  });
  try {
    const good = run(['lint', 'good.yaml'], ws.dir);
    assert.equal(good.status, 0, good.stdout + good.stderr);
    // The bundled example: OpenAPI 3.1 with path items in other files (Spectral's own schema check gets those wrong).
    const example = run(['lint', fileURLToPath(new URL('../resources/examples/petstore/openapi.yaml', import.meta.url))]);
    assert.equal(example.status, 0, example.stdout);
    assert.match(example.stdout, /No problems/);
    const bad = run(['lint', 'bad.yaml', '--json'], ws.dir);
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    const results = JSON.parse(bad.stdout) as { file: string; line: number; severity: string; message: string; code: string }[];
    assert.ok(results.some((r) => r.severity === 'error' && /unknown upstream "nowhere"/.test(r.message) && r.line === 6), JSON.stringify(results, null, 1));
    assert.ok(results.some((r) => r.severity === 'error' && r.code !== 'portico'), 'Spectral reports the broken responses too');
  } finally {
    ws.cleanup();
  }
});

test('consumers: add prints a key once, list shows hints, duplicates and unknown names exit 2', () => {
  const ws = tempWorkspace({});
  try {
    const added = run(['consumers', 'add', 'alice', '--data', 'data'], ws.dir);
    assert.equal(added.status, 0, added.stderr);
    const key = /pk_[A-Za-z0-9_-]+/.exec(added.stdout)?.[0];
    assert.ok(key);
    assert.equal(run(['consumers', 'add', 'bob', '--key', 'bobs-own-key-123456', '--data', 'data'], ws.dir).status, 0);
    const list = JSON.parse(run(['consumers', 'list', '--json', '--data', 'data'], ws.dir).stdout) as { name: string; keyHint: string }[];
    assert.deepEqual(list.map((c) => c.name).sort(), ['alice', 'bob']);
    assert.equal(list.find((c) => c.name === 'alice')!.keyHint, key.slice(-4));
    assert.equal(run(['consumers', 'add', 'alice', '--data', 'data'], ws.dir).status, 2);
    assert.equal(run(['consumers', 'remove', 'carol', '--data', 'data'], ws.dir).status, 2);
    assert.equal(run(['consumers', 'remove', 'bob', '--data', 'data'], ws.dir).status, 0);
  } finally {
    ws.cleanup();
  }
});

test('api keys added with the CLI are accepted by a running gateway, and never logged in clear', async () => {
  const ws = tempWorkspace({
    'api.yaml': petstore.replace('paths:', 'components:\n  securitySchemes:\n    key: { type: apiKey, in: header, name: X-Key }\nsecurity: [{ key: [] }]\npaths:'),
  });
  try {
    const { child, url } = await startServe(['api.yaml', '--port', '0'], ws.dir);
    assert.equal((await fetch(`${url}/items/1`)).status, 401);
    run(['consumers', 'add', 'alice', '--key', 'alice-secret-key-0001'], ws.dir);
    await new Promise((r) => setTimeout(r, 1_100)); // the gateway rereads the store at most once a second
    const accepted = await fetch(`${url}/items/1`, { headers: { 'x-key': 'alice-secret-key-0001' } });
    assert.equal(accepted.status, 200);
    // Whatever the log writes holds no key: the spool (redacted before it is written), the database, its WAL.
    const assertNoKeyWritten = () => {
      const written = readdirSync(ws.path('.portico'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      for (const entry of written) assert.ok(!readFileSync(join(entry.parentPath, entry.name)).includes('alice-secret-key'), `${entry.name} holds the key`);
      return written.map((e) => e.name);
    };
    await new Promise((r) => setTimeout(r, 50)); // past the 10 ms batch window: the exchange is spooled
    assert.ok(assertNoKeyWritten().some((name) => name.endsWith('.seg')), 'the spool was written');
    const done = exited(child);
    child.kill('SIGINT');
    assert.equal(await done, 0);
    assert.ok(!assertNoKeyWritten().some((name) => name.endsWith('.seg')), 'a drained spool is removed at a clean stop');
    const db = new Database(ws.path('.portico/traffic.db'), { readonly: true });
    const rows = db.prepare('SELECT consumer, status, request_headers FROM exchanges ORDER BY id').all() as { consumer: string | null; status: number; request_headers: string }[];
    db.close();
    assert.deepEqual(rows.map((r) => `${r.status} ${r.consumer}`), ['401 null', '200 alice']);
    assert.doesNotMatch(rows[1]!.request_headers, /alice-secret-key/);
    assert.match(rows[1]!.request_headers, /REDACTED/);
  } finally {
    ws.cleanup();
  }
});

test('serve keeps quota counts in the data folder: a restarted gateway does not reset them', async () => {
  const design = `openapi: 3.1.0
info: { title: quota, version: '1' }
x-portico:
  policies:
    keys: { use: api-key }
    daily: { use: quota, with: { limit: 2, period: day } }
  apply: [keys, daily]
paths:
  /things:
    get:
      responses: { '200': { description: ok, content: { application/json: { example: [] } } } }
`;
  const ws = tempWorkspace({ 'api.yaml': design });
  try {
    assert.equal(run(['consumers', 'add', 'alice', '--key', 'alices-key-1234567890'], ws.dir).status, 0);
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      const { child, url } = await startServe(['api.yaml', '--port', '0', '--mock'], ws.dir);
      for (let i = 0; i < 2; i++) statuses.push((await fetch(`${url}/things`, { headers: { 'x-api-key': 'alices-key-1234567890' } })).status);
      const done = exited(child);
      child.kill('SIGTERM');
      assert.equal(await done, 0);
    }
    assert.deepEqual(statuses, [200, 200, 429, 429]);
  } finally {
    ws.cleanup();
  }
});
