import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, UsageError } from './errors.js';
import { openTrafficReader } from '../traffic/queries.js';
import type { ExchangeRow } from '../traffic/queries.js';

export const trafficHelp = `portico traffic [--data DIR] [--db FILE] [--limit N] [--json] [--tail]

Prints the latest exchanges of a traffic log (default ./.portico/traffic.db), newest first.
  --json    one JSON array, newest first
  --tail    keep printing new exchanges as they are logged (Ctrl+C to stop)`;

export async function traffic(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { data: { type: 'string' }, db: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, tail: { type: 'boolean' } }, 0);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a number from 1 to 1000');
  if (values.json && values.tail) throw new UsageError('--json and --tail exclude each other');
  const file = resolve(values.db ?? join(values.data ?? '.portico', 'traffic.db'));
  const reader = openTrafficReader(file);
  try {
    const rows = reader.latest({ limit });
    if (values.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return EXIT_OK;
    }
    if (!values.tail) {
      for (const row of rows) process.stdout.write(formatRow(row) + '\n');
      if (rows.length === 0) process.stdout.write('No traffic yet.\n');
      return EXIT_OK;
    }
    // Tail: oldest first, then poll for newer ids.
    for (const row of [...rows].reverse()) process.stdout.write(formatRow(row) + '\n');
    let lastId = rows[0]?.id ?? 0;
    let stopped = false;
    process.once('SIGINT', () => (stopped = true));
    while (!stopped) {
      await sleep(250);
      const fresh = reader.latest({ limit: 1000 }).filter((r) => r.id > lastId).reverse();
      for (const row of fresh) process.stdout.write(formatRow(row) + '\n');
      if (fresh.length > 0) lastId = fresh.at(-1)!.id;
    }
    return EXIT_OK;
  } finally {
    reader.close();
  }
}

function formatRow(row: ExchangeRow): string {
  const time = row.startedAt.slice(11, 23);
  const op = row.operationId ?? row.route ?? '-';
  const who = row.consumer ? ` ${row.consumer}` : '';
  const why = row.policy ? `  ← ${row.policy.reason}` : row.error ? `  ! ${row.error}` : '';
  return `${time}  ${row.method.padEnd(6)} ${String(row.status).padStart(3)}  ${row.durationMs.toFixed(1).padStart(7)} ms  ${row.mode.padEnd(9)} ${op}  ${row.url}${who}${why}`;
}
