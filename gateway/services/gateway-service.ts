import { dirname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadDesign } from '../openapi/load.js';
import { compile, type RouteTable } from '../pipeline/compile.js';
import { MemoryCounters } from '../pipeline/counters.js';
import type { PolicyServices } from '../pipeline/policy.js';
import { policiesById } from '../policies/index.js';
import { createGatewayServer, type GatewayServer } from '../server/gateway-server.js';
import { openThreadedTrafficLog, type ThreadedTrafficLog } from '../traffic/threaded-log.js';
import { openConsumerStore } from '../consumers/store.js';
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
}

export interface RunningGateway {
  address: AddressInfo;
  url: string;
  mode: string;
  dbFile: string | undefined;
  dataDir: string;
  table: RouteTable;
  notices: readonly string[];
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), flushes the log. */
  stop(graceMs?: number): Promise<void>;
}

export function dataDirFor(spec: string, dataDir?: string): string {
  return resolve(dataDir ?? join(dirname(resolve(spec)), '.portico'));
}

export async function startGateway(options: GatewayServiceOptions): Promise<RunningGateway> {
  const design = await loadDesign(options.spec, { allowRemoteRefs: options.allowRemoteRefs ?? false });
  const dataDir = dataDirFor(options.spec, options.dataDir);
  const consumers = openConsumerStore(dataDir);
  const keys = loadKeyIndex(consumers);
  const services: PolicyServices = { counters: new MemoryCounters(), consumers: keys, now: Date.now };
  const table = compile(design, {
    policies: policiesById,
    services,
    mode: options.mode ?? 'auto',
    ...(options.upstreamUrl !== undefined && { upstreamUrl: options.upstreamUrl }),
    ...(options.env && { env: options.env }),
  });

  const logging = options.log ?? true;
  const dbFile = logging ? resolve(options.dbFile ?? join(dataDir, 'traffic.db')) : undefined;
  let log: ThreadedTrafficLog | undefined;
  try {
    if (dbFile) log = await openThreadedTrafficLog(dbFile, { redact: { headers: table.secretNames.headers, query: table.secretNames.query } });
    const gateway: GatewayServer = createGatewayServer({ design, table, ...(log && { log }) });
    const address = await gateway.listen(options.port ?? 4010, options.host ?? '127.0.0.1');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      address,
      url: `http://${host}:${address.port}`,
      mode: describeMode(table, options),
      dbFile,
      dataDir,
      table,
      notices: design.notices,
      async stop(graceMs = 5_000) {
        const closing = gateway.close();
        const timer = new Promise<void>((done) => setTimeout(done, graceMs).unref());
        await Promise.race([closing, timer]);
        gateway.server.closeAllConnections();
        await log?.close();
        consumers.close();
      },
    };
  } catch (error) {
    await log?.close();
    consumers.close();
    throw error;
  }
}

function describeMode(table: RouteTable, options: GatewayServiceOptions): string {
  if (options.mode === 'mock') return 'mock (every route)';
  if (options.mode === 'proxy') return `proxy (every route → ${options.upstreamUrl})`;
  const proxied = table.routes.filter((r) => r.mode === 'proxy').length;
  const mocked = table.routes.length - proxied;
  return `per design: ${mocked} mocked, ${proxied} proxied`;
}
