import { spawn } from 'node:child_process';
import { runUntilSignalled } from './signals.js';
import { parseCommandArgs, parsePort } from './args.js';
import { startHttpHost } from '../host/http.js';
import { exampleFolder, rendererDir } from '../host/paths.js';
import { createDispatcher, createEventBus } from '../host/rpc.js';
import { openApp } from '../services/app.js';

export const uiHelp = `portico ui [folder] [options]

Opens a workspace in the browser: serves the UI and its control channel on 127.0.0.1 (with a random token)
and runs the workspace's gateway, reloaded on every save. Without a folder, the bundled example.

  --port N              port of the UI (default 0: any free port)
  --gateway-port N      port of the gateway (default 4010; 0 = any free port)
  --data DIR            workspace data folder (default .portico/ in the folder)
  --no-open             print the address, do not open a browser`;

export async function ui(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: 'string' },
    'gateway-port': { type: 'string' },
    data: { type: 'string' },
    'no-open': { type: 'boolean' },
  }, 1);
  const port = parsePort(values.port, 0);
  const gatewayPort = parsePort(values['gateway-port'], 4010);

  const bus = createEventBus();
  const app = await openApp({
    folder: positionals[0] ?? exampleFolder(),
    gatewayPort,
    ...(values.data !== undefined && { dataDir: values.data }),
    emit: bus.emit,
  });
  const dispatcher = createDispatcher(app.handlers, { bus });
  let host;
  try {
    host = await startHttpHost({ dispatcher, port, rendererDir: rendererDir() });
  } catch (error) {
    await app.close();
    throw error;
  }

  const status = app.gateway.status();
  const gatewayLine =
    status.state === 'running'
      ? `${status.url} (${status.mode})`
      : `${status.state}: ${status.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('; ') || 'not started'}`;
  process.stdout.write(
    `Portico UI on ${host.url}\n` +
      `  workspace: ${app.workspace.root}\n` +
      `  design:    ${app.workspace.spec || '(none found)'}\n` +
      `  gateway:   ${gatewayLine}\n`,
  );
  if (!values['no-open']) openBrowser(host.url);

  return runUntilSignalled(() => Promise.all([host.close(), app.close()]), 'stopping...');
}

/** The default browser; failure (no desktop, no opener) is not an error: the address is printed. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // printed above
  }
}
