import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayStatus, Problem } from '../contract/index.js';
import { DesignError, type Design } from '../openapi/design.js';
import { toWorkspaceProblem } from './design.js';
import { dataDirFor, startGateway, type RunningGateway } from './gateway-service.js';
import type { RouteTable } from '../pipeline/compile.js';
import type { Workspace } from './workspace.js';

/**
 * The workspace's gateway, run for the UI: start, stop, status; every change of a design file reloads it.
 * A design that fails to load or compile leaves the old routes serving and its problems in the status.
 */

export interface GatewayControlOptions {
  workspace: Workspace;
  /** Default 4010; 0: any free port. */
  port?: number;
  /** Default `.portico/` in the workspace. */
  dataDir?: string;
  log?: boolean;
  /** Called with every new status. */
  onChange?: (status: GatewayStatus) => void;
  /** Ids of exchanges the gateway just logged. */
  onTrafficCommitted?: (ids: number[]) => void;
  /** Retention deleted old exchanges. */
  onTrafficTrimmed?: () => void;
}

export interface GatewayControl {
  status(): GatewayStatus;
  start(): Promise<GatewayStatus>;
  stop(): Promise<GatewayStatus>;
  /** Tell the control which workspace files changed; it reloads when the design may have. Resolves when done. */
  filesChanged(paths: readonly string[]): Promise<void>;
  /** The gateway's address while running. */
  readonly url: string | undefined;
  /** The design and route table being served, while running. */
  readonly serving: { url: string; design: Design; table: RouteTable } | undefined;
  /** The traffic database (it exists once the gateway has started, or the inspector has opened it). */
  readonly dbFile: string;
}

export function createGatewayControl(options: GatewayControlOptions): GatewayControl {
  const { workspace } = options;
  const dataDir = options.dataDir ?? `${workspace.root}/.portico`;
  let running: RunningGateway | undefined;
  let state: GatewayStatus['state'] = 'stopped';
  let problems: Problem[] = [];
  let loadedAt: string | undefined;
  /** Files of the last design served (workspace-relative); a change to any of them reloads. */
  let designFiles = new Set<string>();
  /** Start, stop and reload run one at a time, in order. */
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  const status = (): GatewayStatus => ({
    state,
    ...(running && { url: running.url, port: running.address.port, mode: running.mode, routes: running.table.routes.length }),
    problems,
    ...(loadedAt && { loadedAt }),
  });
  const changed = () => options.onChange?.(status());

  const served = (design: Design) => {
    designFiles = new Set([...design.files.keys()].filter((url) => url.startsWith('file:')).map((url) => workspace.relativize(fileURLToPath(url)) ?? ''));
    problems = design.warnings.map((p) => toWorkspaceProblem(workspace, p));
    loadedAt = new Date().toISOString();
  };
  const failed = (error: unknown, doing: string): void => {
    problems =
      error instanceof DesignError
        ? error.problems.map((p) => toWorkspaceProblem(workspace, p))
        : [{ file: workspace.spec, line: 1, column: 1, severity: 'error', code: 'gateway-failed', message: `${doing} failed: ${(error as Error)?.message ?? String(error)}` }];
  };

  const start = () =>
    serial(async () => {
      if (running) return status();
      state = 'starting';
      changed();
      try {
        if (workspace.spec === '') throw new DesignError([{ file: workspace.specPath, line: 1, column: 1, severity: 'error', code: 'no-design', message: 'no OpenAPI document in the workspace' }]);
        running = await startGateway({
          spec: workspace.specPath,
          port: options.port ?? 4010,
          dataDir,
          log: options.log ?? true,
          ...(options.onTrafficCommitted && { onTrafficCommitted: options.onTrafficCommitted }),
          ...(options.onTrafficTrimmed && { onTrafficTrimmed: options.onTrafficTrimmed }),
        });
        state = 'running';
        served(running.design);
      } catch (error) {
        state = 'failed';
        failed(error, 'start');
      }
      changed();
      return status();
    });

  const stop = () =>
    serial(async () => {
      const gateway = running;
      running = undefined;
      state = 'stopped';
      problems = [];
      if (gateway) await gateway.stop();
      changed();
      return status();
    });

  return {
    status,
    start,
    stop,
    get url() {
      return running?.url;
    },
    get serving() {
      return running && { url: running.url, design: running.design, table: running.table };
    },
    get dbFile() {
      return running?.dbFile ?? join(dataDirFor(workspace.specPath, dataDir), 'traffic.db');
    },
    async filesChanged(paths) {
      const design = paths.some((p) => designFiles.has(p) || p === workspace.spec);
      const designish = paths.some((p) => /\.(ya?ml|json)$/i.test(p));
      if (state === 'running' && design) {
        await serial(async () => {
          if (!running) return;
          try {
            served((await running.reload()).design);
          } catch (error) {
            failed(error, 'reload');
          }
          changed();
        });
      } else if (state === 'failed' && designish) {
        // The last start failed: a fixed design starts it.
        await serial(async () => {
          if (state === 'failed') state = 'stopped';
        });
        await start();
      }
    },
  };
}
