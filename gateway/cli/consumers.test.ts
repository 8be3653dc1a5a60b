import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadKeyIndex } from '../consumers/resolver.js';
import { openConsumerStore } from '../consumers/store.js';
import { tempWorkspace } from '../test-support/workspace.js';

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
// The source through tsx (resolved from here: the workspace folder has no node_modules), so no build is needed.
const tsx = import.meta.resolve('tsx');
const run = (args: string[], cwd: string, input?: string) =>
  spawnSync(process.execPath, ['--import', tsx, cli, ...args], { encoding: 'utf8', cwd, timeout: 30_000, ...(input !== undefined && { input }) });

test('consumers password: read from standard input, stored hashed, listed, cleared; missing input and unknown names exit 2', async () => {
  const ws = tempWorkspace({});
  try {
    assert.equal(run(['consumers', 'add', 'alice', '--data', 'data'], ws.dir).status, 0);
    const set = run(['consumers', 'password', 'alice', '--data', 'data'], ws.dir, 'open sesame 42\n');
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /Set the password of alice/);
    assert.equal(run(['consumers', 'password', 'alice', '--data', 'data'], ws.dir, '').status, 2);
    assert.equal(run(['consumers', 'password', 'nobody', '--data', 'data'], ws.dir, 'open sesame 42\n').status, 2);
    assert.equal(run(['consumers', 'password', 'alice', '--data', 'data'], ws.dir, 'short\n').status, 2);
    const list = JSON.parse(run(['consumers', 'list', '--json', '--data', 'data'], ws.dir).stdout) as { name: string; hasPassword: boolean }[];
    assert.deepEqual(list.map((c) => [c.name, c.hasPassword]), [['alice', true]]);

    const store = openConsumerStore(ws.path('data'));
    assert.equal(await loadKeyIndex(store).checkPassword('alice', 'open sesame 42'), true);
    store.close();

    assert.equal(run(['consumers', 'password', 'alice', '--clear', '--data', 'data'], ws.dir).status, 0);
    assert.deepEqual((JSON.parse(run(['consumers', 'list', '--json', '--data', 'data'], ws.dir).stdout) as { hasPassword: boolean }[])[0]!.hasPassword, false);
  } finally {
    ws.cleanup();
  }
});
