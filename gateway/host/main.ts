import { isMainThread, parentPort as workerParentPort } from 'node:worker_threads';
import type { HostControlMessage, HostInit } from '../contract/index.js';
import { openApp, type App } from '../services/app.js';
import { exampleFolder } from './paths.js';
import { servePort, unwrap, type MessagePortLike } from './port.js';
import { createDispatcher, createEventBus } from './rpc.js';

/**
 * The engine's process entry for the desktop app: Electron's `utilityProcess.fork` runs it and sends, as the first
 * message on `process.parentPort`, the start-up data (`HostInit`) with the MessagePort in `ports[0]`. A workspace
 * folder may also be the first argument. It serves the contract on that port until the port closes or SIGTERM.
 * A worker thread works the same way (the tests use one), with the parent posting `{ data, ports: [port] }`.
 */

interface ParentPort {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off?(event: 'message', listener: (message: unknown) => void): unknown;
  postMessage(message: unknown): void;
}

export interface HostProcess {
  app: App;
  close(): Promise<void>;
}

/** Opens the workspace and serves the contract on `port`. */
export async function serveHost(init: HostInit, port: MessagePortLike): Promise<HostProcess> {
  const bus = createEventBus();
  const app = await openApp({
    folder: init.folder ?? exampleFolder(),
    gatewayPort: init.gatewayPort ?? 4010,
    ...(init.dataDir !== undefined && { dataDir: init.dataDir }),
    startGateway: init.startGateway ?? true,
    emit: bus.emit,
  });
  const dispatcher = createDispatcher(app.handlers, { bus });
  const detach = servePort(port, dispatcher);
  let closing: Promise<void> | undefined;
  return {
    app,
    close() {
      closing ??= (async () => {
        detach();
        await app.close();
      })();
      return closing;
    },
  };
}

function parent(): ParentPort | undefined {
  const electron = (process as { parentPort?: ParentPort }).parentPort;
  if (electron) return electron;
  return isMainThread ? undefined : (workerParentPort ?? undefined);
}

function run(): void {
  const parentPort = parent();
  if (!parentPort) {
    process.stderr.write('portico: gateway/host/main is started by the desktop app (utilityProcess.fork); use `portico ui` instead\n');
    process.exitCode = 2;
    return;
  }
  const argvFolder = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  let stop: (() => void) | undefined;
  let stopAsked = false;
  let started = false;
  const onMessage = (raw: unknown): void => {
    if (started) {
      // Later messages: `{ type: 'stop' }` (HostControlMessage) asks for a graceful stop.
      if ((unwrap(raw) as HostControlMessage | null)?.type === 'stop') {
        stopAsked = true;
        stop?.();
      }
      return;
    }
    started = true;
    const data = (unwrap(raw) ?? {}) as HostInit;
    const port = (raw as { ports?: MessagePortLike[] }).ports?.[0];
    if (!port) {
      process.stderr.write('portico: the first message must carry a MessagePort\n');
      process.exit(2);
    }
    const init: HostInit = { ...data, ...(data.folder === undefined && argvFolder !== undefined && { folder: argvFolder }) };
    serveHost(init, port).then(
      (host) => {
        stop = () => void host.close().then(() => process.exit(0));
        if (stopAsked) stop();
        (port as unknown as { on(event: 'close', listener: () => void): unknown }).on('close', stop);
        if (isMainThread) {
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        }
      },
      (error: unknown) => {
        process.stderr.write(`portico: the engine could not start: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  parentPort.on('message', onMessage);
}

run();
