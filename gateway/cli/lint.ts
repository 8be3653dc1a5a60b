import { parseCommandArgs } from './args.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import { lintDesign } from '../openapi/lint.js';
import { gatewayProblems } from '../services/design.js';

export const lintHelp = `portico lint <spec> [--json] [--allow-remote-refs]

Runs Spectral's oas ruleset (plus a .spectral.yaml beside the spec, if any) and the x-portico checks.
Exit code 1 when any error is found.`;

export async function lint(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, 'allow-remote-refs': { type: 'boolean' } }, 1);
  const spec = positionals[0];
  if (!spec) throw new UsageError('lint needs an OpenAPI document: portico lint <spec>');
  const allowRemoteRefs = values['allow-remote-refs'] ?? false;

  const results = await lintDesign(spec, { allowRemoteRefs, extra: await gatewayProblems(spec, { allowRemoteRefs }) });
  const errors = results.filter((r) => r.severity === 'error').length;
  if (values.json) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  } else {
    for (const r of results) process.stdout.write(`${r.file}:${r.line}:${r.column}  ${r.severity.padEnd(7)}  ${r.code.padEnd(24)}  ${r.message}\n`);
    const warnings = results.filter((r) => r.severity === 'warning').length;
    process.stdout.write(`${results.length === 0 ? 'No problems' : `${results.length} problem${results.length === 1 ? '' : 's'}`} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})\n`);
  }
  return errors > 0 ? EXIT_FAILURE : EXIT_OK;
}
