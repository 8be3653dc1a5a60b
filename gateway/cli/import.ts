import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, UsageError } from './errors.js';
import { importKong, KongImportError } from '../export/kong-import.js';

export const importHelp = `portico import kong <file> --out DIR [--json]

Turns a Kong declarative file (decK, _format_version "3.0") into an OpenAPI design with x-portico in DIR/openapi.yaml:
services become upstreams, each route and method an operation, plugins (global, the service's, the route's) its
policies. Credentials are never imported: consumers are named in the report. Prints what was not imported and why;
\`portico export DIR/openapi.yaml --target kong\` writes an equivalent Kong file back.

Exit codes: 0 written, 2 bad input (arguments, or a file that is not a decK 3.0 file).`;

export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { out: { type: 'string' }, json: { type: 'boolean' } }, 2);
  const [from, file] = positionals;
  if (from !== 'kong') throw new UsageError(`import reads Kong declarative files: portico import kong <file> --out DIR${from ? ` (not "${from}")` : ''}`);
  if (!file) throw new UsageError('import kong needs a decK file: portico import kong kong.yaml --out DIR');
  if (!values.out) throw new UsageError('--out DIR is required: the folder the design is written to');
  let imported;
  try {
    imported = importKong(await readFile(resolve(file), 'utf8'));
  } catch (error) {
    if (error instanceof KongImportError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  const out = resolve(values.out);
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  for (const f of imported.files) {
    await writeFile(join(out, f.path), f.content);
    written.push(join(out, f.path));
  }
  if (values.json) process.stdout.write(JSON.stringify({ files: written, report: imported.report }, null, 2) + '\n');
  else {
    const lines = written.map((w) => `wrote ${w}`);
    for (const n of imported.report) lines.push(`  ${n.where}  ${n.what}: ${n.why}\n      instead: ${n.instead}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  return EXIT_OK;
}
