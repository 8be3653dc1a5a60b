import { resolve } from 'node:path';
import type { EventName, EventPayload, Handlers } from '../contract/index.js';
import { bundleWorkspace } from './design.js';
import { DesignLinter } from './incremental-lint.js';
import { OverlayTexts } from './overlay-texts.js';
import { createGatewayControl, type GatewayControl } from './gateway-control.js';
import { createTrafficService } from './traffic.js';
import { createExportService } from './export.js';
import { readVersion } from '../version.js';
import { createFromTemplate, listTemplates, openWorkspace, templatesFolder, type Workspace } from './workspace.js';

/**
 * The engine behind the UI: one workspace, its gateway, and a handler for every method of the contract.
 * The transports (host/) take `handlers`; the services emit events through `emit`.
 */

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface AppOptions {
  folder: string;
  spec?: string;
  /** The gateway's port; default 4010, 0 = any free port. */
  gatewayPort?: number;
  /** Data folder of the first workspace (default `.portico/` in it); a workspace opened later uses its own. */
  dataDir?: string;
  /** Start the gateway with the workspace; default true. */
  startGateway?: boolean;
  log?: boolean;
  emit: Emit;
  /** Workspace watcher debounce, ms (default 100). */
  debounceMs?: number;
  /** Where the workspace templates are (default: the bundled `resources/templates`). */
  templatesDir?: string;
}

export interface App {
  readonly handlers: Handlers;
  readonly workspace: Workspace;
  readonly gateway: GatewayControl;
  close(): Promise<void>;
}

export async function openApp(options: AppOptions): Promise<App> {
  let workspace!: Workspace;
  let gateway!: GatewayControl;
  let linter!: DesignLinter;
  let texts!: OverlayTexts;

  const open = async (folder: string, spec: string | undefined, dataDir: string | undefined, startGateway: boolean) => {
    const opened = await openWorkspace(folder, {
      ...(spec !== undefined && { spec }),
      ...(options.debounceMs !== undefined && { debounceMs: options.debounceMs }),
      onChange: (paths) => {
        options.emit('files.changed', { paths });
        // Debounced on a timer: `control` exists by then.
        void control.filesChanged(paths);
      },
    });
    const control = createGatewayControl({
      workspace: opened,
      port: options.gatewayPort ?? 4010,
      ...(dataDir !== undefined && { dataDir }),
      ...(options.log !== undefined && { log: options.log }),
      onChange: (status) => options.emit('gateway.changed', status),
      onTrafficCommitted: (ids) => options.emit('traffic.appended', { ids }),
      onTrafficTrimmed: () => options.emit('traffic.reset', {}),
    });
    linter?.close();
    linter = new DesignLinter(opened, { onFull: (result) => options.emit('design.linted', result) });
    texts = new OverlayTexts(opened);
    workspace = opened;
    gateway = control;
    if (startGateway) await control.start();
  };
  await open(options.folder, options.spec, options.dataDir, options.startGateway ?? true);

  const templatesDir = options.templatesDir ?? templatesFolder();
  const switchTo = async (target: string, spec: string | undefined) => {
    const wasRunning = gateway.status().state !== 'stopped';
    const previous = { workspace, gateway };
    // Open first: a folder that cannot be opened leaves the current workspace as it was.
    (await openWorkspace(target, { ...(spec !== undefined && { spec }), watch: false })).close();
    previous.workspace.close();
    await previous.gateway.stop();
    await open(target, spec, undefined, wasRunning);
    return workspace.info();
  };

  const traffic = createTrafficService({
    dbFile: () => gateway.dbFile,
    gateway: () => gateway.serving,
    redact: () => gateway.serving?.table.secretNames ?? {},
    version: readVersion(),
    emit: options.emit,
  });

  const handlers: Handlers = {
    'workspace.get': () => workspace.info(),
    'workspace.open': ({ folder, spec }) => switchTo(folder === undefined ? workspace.root : resolve(folder), spec),
    'workspace.templates': async () => ({ templates: await listTemplates(templatesDir) }),
    'workspace.create': async ({ folder, template }) => switchTo(await createFromTemplate(folder, template, templatesDir), undefined),
    'files.read': ({ path }) => workspace.read(path),
    'files.write': ({ path, text, expectedVersion }) => workspace.write(path, text, expectedVersion),
    'design.lint': async ({ overlays }) => linter.lint(await texts.resolve(overlays)),
    'design.bundle': async ({ overlays, as }) => bundleWorkspace(workspace, await texts.resolve(overlays), as ? { as } : {}),
    'gateway.status': async () => gateway.status(),
    'gateway.start': () => gateway.start(),
    'gateway.stop': () => gateway.stop(),
    ...traffic.handlers,
    ...createExportService({ workspace: () => workspace }).handlers,
  };

  return {
    handlers,
    get workspace() {
      return workspace;
    },
    get gateway() {
      return gateway;
    },
    async close() {
      workspace.close();
      await gateway.stop();
      await traffic.close();
    },
  };
}
