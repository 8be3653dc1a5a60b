import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, GatewayProcess, STOP_MESSAGE, type ChildLike, type PortLike } from './gateway-process.js';

/** A fake clock: timers fire only when the test advances time. */
function clock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => (timers.push({ at: now + ms, fn, id: next }), next++),
    clearTimeout: (id: unknown) => void (timers = timers.filter((t) => t.id !== id)),
    pending: () => timers.map((t) => t.at - now),
    advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
  };
}

class FakePort implements PortLike {
  other?: FakePort;
  sent: unknown[] = [];
  closed = false;
  listener?: (event: { data: unknown }) => void;
  postMessage(message: unknown) {
    this.sent.push(message);
  }
  on(_event: 'message', listener: (event: { data: unknown }) => void) {
    this.listener = listener;
  }
  start() {}
  close() {
    this.closed = true;
  }
  deliver(data: unknown) {
    this.listener?.({ data });
  }
}

class FakeChild implements ChildLike {
  messages: Array<{ message: unknown; transfer?: PortLike[] }> = [];
  killed = 0;
  onExit?: (code: number) => void;
  constructor(readonly args: string[]) {}
  postMessage(message: unknown, transfer?: PortLike[]) {
    this.messages.push({ message, transfer });
  }
  on(_event: 'exit', listener: (code: number) => void) {
    this.onExit = listener;
  }
  kill() {
    this.killed++;
    return true;
  }
  exit(code: number) {
    this.onExit?.(code);
  }
}

function setup(options: { stopTimeoutMs?: number } = {}) {
  const time = clock();
  const children: FakeChild[] = [];
  const ports: FakePort[] = [];
  const gateway = new GatewayProcess(
    { modulePath: '/app/dist/gateway/host/main.js', init: { folder: '/work/petstore' }, backoff: { baseMs: 500, capMs: 8_000, stableMs: 60_000 }, ...options },
    {
      fork: (modulePath, args) => {
        assert.equal(modulePath, '/app/dist/gateway/host/main.js');
        const child = new FakeChild(args);
        children.push(child);
        return child;
      },
      channel: () => {
        const port1 = new FakePort();
        const port2 = new FakePort();
        ports.push(port1);
        return { port1, port2 };
      },
      ...time,
    },
  );
  return { gateway, time, children, ports };
}

test('backoff doubles from the base up to the cap', () => {
  const schedule = Array.from({ length: 10 }, (_, attempt) => backoffDelay(attempt, { baseMs: 500, capMs: 30_000 }));
  assert.deepEqual(schedule, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  assert.equal(backoffDelay(10_000, { baseMs: 500, capMs: 30_000 }), 30_000);
});

test('start forks the engine with the workspace and hands it one end of the channel with the init', () => {
  const { gateway, children } = setup();
  gateway.start();
  assert.equal(children.length, 1);
  assert.deepEqual(children[0]!.args, ['/work/petstore']);
  assert.deepEqual(children[0]!.messages[0]!.message, { folder: '/work/petstore' });
  assert.equal(children[0]!.messages[0]!.transfer?.length, 1);
});

test('calls are relayed as { id, method, params } and answered by id; events go to listeners', async () => {
  const { gateway, ports } = setup();
  gateway.start();
  const events: unknown[] = [];
  gateway.onEvent((message) => events.push(message));
  const first = gateway.call('workspace.get', {});
  const second = gateway.call('files.read', { path: 'openapi.yaml' });
  assert.deepEqual(ports[0]!.sent, [
    { id: 1, method: 'workspace.get', params: {} },
    { id: 2, method: 'files.read', params: { path: 'openapi.yaml' } },
  ]);
  ports[0]!.deliver({ id: 2, error: { code: 'not_found', message: 'no such file' } });
  ports[0]!.deliver({ event: 'files.changed', payload: { paths: ['a.yaml'] } });
  ports[0]!.deliver({ id: 1, result: { root: '/work/petstore' } });
  assert.deepEqual(await first, { ok: true, value: { root: '/work/petstore' } });
  assert.deepEqual(await second, { ok: false, error: { code: 'not_found', message: 'no such file' } });
  assert.deepEqual(events, [{ event: 'files.changed', payload: { paths: ['a.yaml'] } }]);
});

test('a crash fails the calls in flight and restarts with exponential backoff, reset after a stable run', async () => {
  const { gateway, time, children, ports } = setup();
  gateway.start();
  const inFlight = gateway.call('workspace.get', {});
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    children.at(-1)!.exit(1);
    assert.equal(gateway.status, 'restarting');
    delays.push(time.pending()[0]!);
    time.advance(delays.at(-1)!);
    assert.equal(gateway.status, 'running');
  }
  assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  assert.equal(children.length, 7);
  assert.ok(ports.slice(0, 6).every((p) => p.closed), 'old ports closed');
  const answer = await inFlight;
  assert.equal(answer.ok, false);
  assert.equal(!answer.ok && answer.error.code, 'internal');

  // While restarting, calls are answered at once instead of hanging.
  children.at(-1)!.exit(1);
  const during = await gateway.call('workspace.get', {});
  assert.equal(!during.ok && during.error.code, 'internal');
  time.advance(time.pending()[0]!);

  // A run longer than stableMs resets the schedule.
  time.advance(60_000);
  children.at(-1)!.exit(1);
  assert.deepEqual(time.pending(), [500]);
});

test('a restarted engine opens the workspace switched to last', () => {
  const { gateway, time, children } = setup();
  gateway.start();
  gateway.setWorkspace('/work/other');
  children[0]!.exit(1);
  time.advance(500);
  assert.deepEqual(children[1]!.args, ['/work/other']);
});

test('graceful stop: the stop message first, no kill when the engine exits in time, no restart after', async () => {
  const { gateway, time, children } = setup({ stopTimeoutMs: 5_000 });
  gateway.start();
  const stopped = gateway.stop();
  assert.deepEqual(children[0]!.messages.at(-1)!.message, STOP_MESSAGE);
  assert.equal(gateway.status, 'stopping');
  time.advance(1_000);
  children[0]!.exit(0);
  await stopped;
  assert.equal(children[0]!.killed, 0);
  assert.equal(gateway.status, 'stopped');
  assert.deepEqual(time.pending(), [], 'no restart, no kill timer left');
  assert.equal(children.length, 1);
});

test('graceful stop: an engine that does not exit in time is killed', async () => {
  const { gateway, time, children } = setup({ stopTimeoutMs: 5_000 });
  gateway.start();
  const stopped = gateway.stop();
  time.advance(4_999);
  assert.equal(children[0]!.killed, 0);
  time.advance(1);
  assert.equal(children[0]!.killed, 1);
  children[0]!.exit(143);
  await stopped;
  assert.equal(gateway.status, 'stopped');
  assert.equal(children.length, 1);
});

test('stop during a restart cancels the restart', async () => {
  const { gateway, time, children } = setup();
  gateway.start();
  children[0]!.exit(1);
  await gateway.stop();
  time.advance(60_000);
  assert.equal(children.length, 1);
  assert.equal(gateway.status, 'stopped');
});
