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
    ...overrides,
  };
}
