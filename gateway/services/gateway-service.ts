import { dirname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Design } from '../openapi/design.js';
import { loadDesign, type LoadOptions } from '../openapi/load.js';
import { compile, type RouteTable } from '../pipeline/compile.js';
import { MemoryCounters } from '../pipeline/counters.js';
import type { PolicyServices } from '../pipeline/policy.js';
import { policiesById } from '../policies/index.js';
import type { ExchangeSink } from '../server/exchange-recorder.js';
import { createGatewayServer, type GatewayServer } from '../server/gateway-server.js';
import { openSpooledTrafficLog, type SpooledTrafficLog } from '../traffic/spooled-log.js';
import type { RedactOptions } from '../traffic/redact.js';
import { openConsumerStore } from '../consumers/store.js';
import { openQuotaStore } from '../consumers/quota-store.js';
import { loadKeyIndex } from '../consumers/resolver.js';

/** The gateway as one service: design → route table → HTTP server, with the traffic log and the consumer store. */

export interface GatewayServiceOptions {
  spec: string;
  port?: number;
  host?: string;
  mode?: 'auto' | 'mock' | 'proxy';
  upstreamUrl?: string;
  /** The workspace's local data folder; default `.portico/` beside the spec. */
  dataDir?: string;
  /** Traffic database; default `traffic.db` in the data folder. */
  dbFile?: string;
  log?: boolean;
  allowRemoteRefs?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads design files (file: URLs) instead of the disk; see `LoadOptions.read`. */
  read?: LoadOptions['read'];
  /** Ids (ascending) of exchanges just committed to the traffic log. */
  onTrafficCommitted?: (ids: number[]) => void;
  /** Retention deleted old exchanges. */
  onTrafficTrimmed?: () => void;
}

export interface RunningGateway {
  address: AddressInfo;
  url: string;
  readonly mode: string;
  dbFile: string | undefined;
  dataDir: string;
  /** The design and route table being served (they change with `reload`). */
  readonly table: RouteTable;
  readonly design: Design;
  readonly notices: readonly string[];
  /**
   * Loads and compiles the spec again and swaps it in; requests in flight finish on the old routes.
   * Throws `DesignError` when the new design cannot be served: the old routes keep serving. Reloads run one at a time.
   */
  reload(): Promise<{ design: Design; table: RouteTable }>;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), flushes the log. */
  stop(graceMs?: number): Promise<void>;
}

export function dataDirFor(spec: string, dataDir?: string): string {
  return resolve(dataDir ?? join(dirname(resolve(spec)), '.portico'));
}

/** Loads and compiles a design; throws `DesignError` with every problem (file:line:column) when it cannot be served. */
export async function buildRoutes(options: GatewayServiceOptions, services: PolicyServices): Promise<{ design: Design; table: RouteTable }> {
  const design = await loadDesign(options.spec, { allowRemoteRefs: options.allowRemoteRefs ?? false, ...(options.read && { read: options.read }) });
  const table = compile(design, {
    policies: policiesById,
    services,
    mode: options.mode ?? 'auto',
    ...(options.upstreamUrl !== undefined && { upstreamUrl: options.upstreamUrl }),
    ...(options.env && { env: options.env }),
  });
  return { design, table };
}

export async function startGateway(options: GatewayServiceOptions): Promise<RunningGateway> {
  const dataDir = dataDirFor(options.spec, options.dataDir);
  const consumers = openConsumerStore(dataDir);
  const keys = loadKeyIndex(consumers);
  // Quotas outlive restarts: their counts live in the data folder (quotas.db) beside the consumers.
  const quotas = openQuotaStore(dataDir);
  const services: PolicyServices = { counters: new MemoryCounters(), consumers: keys, quotas, now: Date.now };
  const logging = options.log ?? true;
  const dbFile = logging ? resolve(options.dbFile ?? join(dataDir, 'traffic.db')) : undefined;
  let log: SpooledTrafficLog | undefined;
  try {
    let { design, table } = await buildRoutes(options, services);
    if (dbFile) log = await openLog(dbFile, table, options);
    const sink: ExchangeSink = { append: (exchange) => log?.append(exchange) };
    const gateway: GatewayServer = createGatewayServer({ design, table, ...(dbFile && { log: sink }) });
    const address = await gateway.listen(options.port ?? 4010, options.host ?? '127.0.0.1');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    let reloading: Promise<unknown> = Promise.resolve();
    return {
      address,
      url: `http://${host}:${address.port}`,
      get mode() {
        return describeMode(table, options);
      },
      dbFile,
      dataDir,
      get table() {
        return table;
      },
      get design() {
        return design;
      },
      get notices() {
        return design.notices;
      },
      reload() {
        const next = reloading.then(async () => {
          const built = await buildRoutes(options, services);
          log?.setRedaction(redactionOf(built.table));
          gateway.reload(built.design, built.table);
          ({ design, table } = built);
          return built;
        });
        reloading = next.catch(() => undefined);
        return next;
      },
      async stop(graceMs = 5_000) {
        const closing = gateway.close();
        const timer = new Promise<void>((done) => setTimeout(done, graceMs).unref());
        await Promise.race([closing, timer]);
        gateway.server.closeAllConnections();
        await reloading;
        await log?.close();
        consumers.close();
        quotas.close();
      },
    };
  } catch (error) {
    await log?.close();
    consumers.close();
    quotas.close();
    throw error;
  }
}

function openLog(dbFile: string, table: RouteTable, options: GatewayServiceOptions): Promise<SpooledTrafficLog> {
  return openSpooledTrafficLog(dbFile, {
    redact: redactionOf(table),
    ...(options.onTrafficCommitted && { onCommitted: options.onTrafficCommitted }),
    ...(options.onTrafficTrimmed && { onTrimmed: options.onTrafficTrimmed }),
  });
}

/** The design's own secret names (its apiKey schemes), redacted besides the defaults. */
function redactionOf(table: RouteTable): RedactOptions {
  return { headers: table.secretNames.headers, query: table.secretNames.query };
}

function describeMode(table: RouteTable, options: GatewayServiceOptions): string {
  if (options.mode === 'mock') return 'mock (every route)';
  if (options.mode === 'proxy') return `proxy (every route → ${options.upstreamUrl})`;
  const proxied = table.routes.filter((r) => r.mode === 'proxy').length;
  const mocked = table.routes.length - proxied;
  return `per design: ${mocked} mocked, ${proxied} proxied`;
}
