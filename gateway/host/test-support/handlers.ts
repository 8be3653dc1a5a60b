import { RpcError, type Handlers } from '../../contract/index.js';

/** Handlers that answer without a workspace, for transport tests. */
export function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const info = { root: '/w', spec: 'openapi.yaml', files: [] };
  const status = { state: 'stopped' as const, problems: [] };
  return {
    'workspace.get': async () => info,
    'workspace.open': async () => info,
    'workspace.templates': async () => ({ templates: [] }),
    'workspace.create': async () => info,
    'files.read': async ({ path }) => {
      if (path === 'missing.yaml') throw new RpcError('not_found', `no such file: ${path}`);
      // Over the HTTP transport's threshold for parsing off the calling thread.
      if (path === 'large.yaml') return { path, text: 'é'.repeat(600_000), version: 'v1' };
      return { path, text: `text of ${path}`, version: 'v1' };
    },
    'files.write': async ({ path }) => ({ path, version: 'v2' }),
    'design.lint': async ({ overlays }) => ({ problems: [], durationMs: Object.keys(overlays).length }),
    'design.bundle': async () => ({ document: { openapi: '3.1.0' }, problems: [] }),
    'gateway.status': async () => status,
    'gateway.start': async () => {
      throw new Error('secret internals at /home/me/.ssh');
    },
    'gateway.stop': async () => status,
    'export.preview': async () => ({ files: [], report: [], problems: [] }),
    'export.save': async ({ folder }) => ({ folder, files: [], report: [], problems: [] }),
    ...trafficHandlers,
    ...overrides,
  };
}

const trafficInfo = { file: '/w/.portico/traffic.db', sizeBytes: 0, count: 0, retention: {} };
const noTraffic = () => {
  throw new RpcError('not_found', 'no traffic in the fake engine');
};
const trafficHandlers: Pick<Handlers, Extract<keyof Handlers, `traffic.${string}`>> = {
  'traffic.query': async () => ({ rows: [], durationMs: 0 }),
  'traffic.count': async () => ({ count: 0, capped: false }),
  'traffic.get': async () => noTraffic(),
  'traffic.search': async () => ({ rows: [], durationMs: 0 }),
  'traffic.stats': async () => noTraffic(),
  'traffic.export': async () => ({ har: { log: { version: '1.2', entries: [] } }, count: 0 }),
  'traffic.import': async () => ({ imported: 0, skipped: 0 }),
  'traffic.replay': async () => noTraffic(),
  'traffic.clear': async () => ({ deleted: 0 }),
  'traffic.info': async () => trafficInfo,
  'traffic.retention': async () => trafficInfo,
};
