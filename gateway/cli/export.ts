import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, UsageError } from './errors.js';
import { openConsumerStore } from '../consumers/store.js';
import { exportDesign, EXPORT_TARGETS, hasUnsupported, type ExportResult, type ExportTarget, type ReportEntry } from '../export/index.js';
import { loadDesign } from '../openapi/load.js';

/** `--strict` and something the target cannot express. */
export const EXIT_NOT_EXPRESSIBLE = 3;

export const exportHelp = `portico export <spec> --target kong|nginx|zuplo|krakend --out DIR [--json] [--strict] [--data DIR]

Writes the design's routes, upstreams and policies as the target gateway's configuration into DIR:
  kong     kong.yaml (decK, _format_version "3.0") and kong-openapi.yaml (the same, annotated for openapi2kong)
  nginx    portico.conf (for nginx's http context) and api-keys.map (the keys you issue)
  zuplo    config/routes.oas.json and config/policies.json
  krakend  krakend.json (configuration version 3)
and prints the export report: each policy the target does not do as Portico does, why, and what to do instead
("unsupported": not exported; "approximate": exported with the difference said). Secrets are never written:
consumers (read by name from --data, default ./.portico, when it exists) are listed without their credentials.

Options:
  --json      print the files written and the report as JSON
  --listen ADDR       nginx: the server's listen (default 8080)
  --files-dir DIR     nginx: where the operator's api-keys.map and htpasswd live (default /etc/nginx/portico)
  --cache-dir DIR     nginx: the cache policy's proxy_cache directory (default /var/cache/nginx/portico)
  --strict    exit 3 when anything could not be expressed (approximations alone do not count)
  --allow-remote-refs  follow http(s) $refs

Exit codes: 0 written, 2 bad input (arguments or design), 3 not expressible with --strict.`;

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      target: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      strict: { type: 'boolean' },
      data: { type: 'string' },
      'allow-remote-refs': { type: 'boolean' },
      listen: { type: 'string' },
      'files-dir': { type: 'string' },
      'cache-dir': { type: 'string' },
    },
    1,
  );
  const spec = positionals[0];
  if (!spec) throw new UsageError('export needs an OpenAPI document: portico export <spec> --target kong --out DIR');
  const target = values.target as ExportTarget | undefined;
  if (!target || !EXPORT_TARGETS.includes(target)) throw new UsageError(`--target must be one of ${EXPORT_TARGETS.join(', ')}${target ? `, not "${target}"` : ''}`);
  if (!values.out) throw new UsageError('--out DIR is required: the folder the files are written to');

  const design = await loadDesign(spec, { allowRemoteRefs: values['allow-remote-refs'] ?? false });
  if (target !== 'nginx' && (values.listen || values['files-dir'] || values['cache-dir'])) throw new UsageError('--listen, --files-dir and --cache-dir are nginx options');
  const result = exportDesign(design, target, {
    consumers: consumerNames(values.data),
    env: process.env,
    ...(values.listen !== undefined && { listen: values.listen }),
    ...(values['files-dir'] !== undefined && { filesDir: resolve(values['files-dir']) }),
    ...(values['cache-dir'] !== undefined && { cacheDir: resolve(values['cache-dir']) }),
  });
  const out = resolve(values.out);
  const written = await writeFiles(out, result);

  if (values.json) process.stdout.write(JSON.stringify({ target, out, files: written, report: result.report }, null, 2) + '\n');
  else process.stdout.write(formatReport(target, written, result.report));
  return values.strict && hasUnsupported(result) ? EXIT_NOT_EXPRESSIBLE : EXIT_OK;
}

async function writeFiles(out: string, result: ExportResult): Promise<string[]> {
  const written: string[] = [];
  for (const file of result.files) {
    const path = join(out, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
    written.push(path);
  }
  return written;
}

function consumerNames(data: string | undefined): string[] {
  const dir = resolve(data ?? '.portico');
  if (!existsSync(join(dir, 'consumers.db'))) return [];
  const store = openConsumerStore(dir);
  try {
    return store.list().map((c) => c.name);
  } finally {
    store.close();
  }
}

export function formatReport(target: string, files: string[], report: readonly ReportEntry[]): string {
  const lines = files.map((f) => `wrote ${f}`);
  if (report.length === 0) lines.push(`Everything in the design is expressed in ${target}.`);
  else {
    const unsupported = report.filter((e) => e.kind === 'unsupported').length;
    lines.push(`${report.length} note${report.length === 1 ? '' : 's'} for ${target} (${unsupported} not expressed, ${report.length - unsupported} approximated):`);
    for (const e of report) lines.push(`  ${e.kind === 'unsupported' ? 'NOT EXPRESSED' : 'approximate  '}  ${e.route}  ${e.policy}: ${e.why}\n                 instead: ${e.instead}`);
  }
  return lines.join('\n') + '\n';
}
