import { runUntilSignalled } from './signals.js';
import { parseCommandArgs, parsePort } from './args.js';
import { UsageError } from './errors.js';
import { startGateway } from '../services/gateway-service.js';

export const serveHelp = `portico serve <spec> [options]

Starts the gateway on an OpenAPI document: mocks or proxies every operation and applies its x-portico policies.

  --port N              port to listen on (default 4010; 0 = any free port)
  --host ADDR           address to bind (default 127.0.0.1)
  --mock                mock every route from the design
  --upstream URL        proxy every route to URL
  --data DIR            workspace data folder (default .portico/ beside the spec)
  --db FILE             traffic database (default DIR/traffic.db)
  --no-log              do not log traffic
  --allow-remote-refs   allow http(s) $refs`;

export async function serve(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    mock: { type: 'boolean' },
    upstream: { type: 'string' },
    data: { type: 'string' },
    db: { type: 'string' },
    'no-log': { type: 'boolean' },
    'allow-remote-refs': { type: 'boolean' },
  }, 1);
  const spec = positionals[0];
  if (!spec) throw new UsageError('serve needs an OpenAPI document: portico serve <spec>');
  if (values.mock && values.upstream) throw new UsageError('--mock and --upstream exclude each other');
  if (values.upstream !== undefined && !/^https?:\/\//.test(values.upstream)) throw new UsageError(`--upstream must be an http:// or https:// URL, not "${values.upstream}"`);

  const gateway = await startGateway({
    spec,
    port: parsePort(values.port, 4010),
    host: values.host ?? '127.0.0.1',
    mode: values.mock ? 'mock' : values.upstream ? 'proxy' : 'auto',
    ...(values.upstream !== undefined && { upstreamUrl: values.upstream }),
    ...(values.data !== undefined && { dataDir: values.data }),
    ...(values.db !== undefined && { dbFile: values.db }),
    log: !values['no-log'],
    allowRemoteRefs: values['allow-remote-refs'] ?? false,
  });

  for (const notice of gateway.notices) process.stdout.write(`note: ${notice}\n`);
  for (const warning of gateway.table.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(
    `Portico gateway listening on ${gateway.url}\n` +
      `  mode:     ${gateway.mode}\n` +
      `  routes:   ${gateway.table.routes.length}\n` +
      `  traffic:  ${gateway.dbFile ?? 'not logged (--no-log)'}\n` +
      `  data:     ${gateway.dataDir}\n`,
  );

  return runUntilSignalled(() => gateway.stop(), 'stopping, flushing the traffic log...');
}
