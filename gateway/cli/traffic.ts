import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, UsageError } from './errors.js';
import { writeFileSync } from 'node:fs';
import { FilterError, parseFilter, type TrafficFilter } from '../traffic/filter.js';
import { toHar } from '../traffic/har.js';
import { openTrafficReader, queryExchanges, rawExchanges, type ExchangeRow } from '../traffic/queries.js';
import { readVersion } from '../version.js';

export const trafficHelp = `portico traffic [--data DIR] [--db FILE] [--filter QUERY] [--limit N] [--json | --har FILE | --tail]

Prints the latest exchanges of a traffic log (default ./.portico/traffic.db), newest first.
  --filter QUERY  only what matches, in the inspector's query language (terms combine with AND,
                  commas with OR): status:4xx status:404 method:POST op:<operationId>
                  consumer:<name> mode:mock|proxy|policy|rejected|unroutable since:10m
                  until:<date> slower:200ms path:/pets "free text"
  --limit N       at most N exchanges (1 to 1000 on screen; up to 100000 with --har; default 50)
  --json          one JSON array, newest first
  --har FILE      write them as a HAR 1.2 file (secrets stay redacted)
  --tail          keep printing new exchanges as they are logged (Ctrl+C to stop)`;

export async function traffic(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { data: { type: 'string' }, db: { type: 'string' }, filter: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, har: { type: 'string' }, tail: { type: 'boolean' } },
    0,
  );
  const maxLimit = values.har === undefined ? 1000 : 100_000;
  const limit = values.limit === undefined ? (values.har === undefined ? 50 : 10_000) : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw new UsageError(`--limit must be a number from 1 to ${maxLimit}`);
  if ([values.json, values.tail, values.har !== undefined].filter(Boolean).length > 1) throw new UsageError('--json, --har and --tail exclude each other');
  let filter: TrafficFilter;
  try {
    filter = parseFilter(values.filter ?? '');
  } catch (error) {
    if (error instanceof FilterError) throw new UsageError(`--filter: ${error.message}\n  ${values.filter}\n  ${' '.repeat(error.at)}^`);
    throw error;
  }
  const file = resolve(values.db ?? join(values.data ?? '.portico', 'traffic.db'));
  const reader = openTrafficReader(file);
  try {
    if (values.har !== undefined) {
      const rows = rawExchanges(reader.db, { filter, limit });
      writeFileSync(values.har, JSON.stringify(toHar(rows, readVersion()), null, 2) + '\n');
      process.stderr.write(`Wrote ${rows.length} exchange${rows.length === 1 ? '' : 's'} to ${values.har}\n`);
      return EXIT_OK;
    }
    const rows = queryExchanges(reader.db, filter, { limit });
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
      const fresh = queryExchanges(reader.db, parseFilter(values.filter ?? ''), { limit: 1000, afterId: lastId }).reverse();
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
