import { z } from 'zod';
import { parseCommandArgs } from './args.js';
import { policies } from '../policies/index.js';

export const policiesHelp = `portico policies [--json]

Lists the policy catalog: id, title, phase and the JSON Schema of each policy's configuration.`;

export async function listPolicies(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, 0);
  const catalog = policies.map((p) => ({ id: p.id, title: p.title, description: p.description, phase: p.phase, config: z.toJSONSchema(p.config, { io: 'input', unrepresentable: 'any' }) }));
  if (values.json) {
    process.stdout.write(JSON.stringify(catalog, null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...catalog.map((p) => p.id.length));
  for (const p of catalog) process.stdout.write(`${p.id.padEnd(width)}  ${p.phase.padEnd(8)}  ${p.description}\n`);
  return 0;
}
