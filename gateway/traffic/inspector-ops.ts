import { statSync } from 'node:fs';
import type { Db } from './db.js';
import { parseFilter } from './filter.js';
import { fromHar, toHar, type Har } from './har.js';
import { clearTraffic, enforceRetention, getRetention, setRetention, type Retention } from './maintenance.js';
import { countExchanges, exchangeView, queryExchanges, rawExchange, rawExchanges } from './queries.js';
import type { RedactOptions } from './redact.js';
import { searchExchanges } from './search.js';
import { trafficStats } from './stats.js';
import { openTrafficLog } from './writer.js';

/**
 * Everything the inspector asks of the traffic log, as plain functions of one connection. They run on the inspector's
 * thread (inspector-thread.ts) so that a slow query never holds up the gateway's event loop.
 */

export interface InspectorContext {
  db: Db;
  file: string;
  version: string;
  redact?: RedactOptions;
}

export const inspectorOps = {
  query(ctx: InspectorContext, args: { filter: string; limit: number; beforeId?: number; afterId?: number; now?: number }) {
    return queryExchanges(ctx.db, parseFilter(args.filter, args.now), {
      limit: args.limit,
      ...(args.beforeId !== undefined && { beforeId: args.beforeId }),
      ...(args.afterId !== undefined && { afterId: args.afterId }),
    });
  },
  count(ctx: InspectorContext, args: { filter: string; now?: number }) {
    return countExchanges(ctx.db, parseFilter(args.filter, args.now));
  },
  get(ctx: InspectorContext, args: { id: number }) {
    return exchangeView(ctx.db, args.id) ?? null;
  },
  raw(ctx: InspectorContext, args: { id: number }) {
    return rawExchange(ctx.db, args.id) ?? null;
  },
  search(ctx: InspectorContext, args: { text: string; limit: number }) {
    return searchExchanges(ctx.db, args.text, args.limit);
  },
  stats(ctx: InspectorContext, args: { from: number; to: number; filter: string }) {
    return trafficStats(ctx.db, { from: args.from, to: args.to, filter: parseFilter(args.filter, args.to) });
  },
  export(ctx: InspectorContext, args: { ids?: number[]; filter: string; limit: number; now?: number }): { har: Har; count: number } {
    const rows = rawExchanges(ctx.db, { ...(args.ids && { ids: args.ids }), filter: parseFilter(args.filter, args.now), limit: args.limit });
    return { har: toHar(rows, ctx.version), count: rows.length };
  },
  /** Secrets in imported files are redacted like live traffic: the same writer does it. */
  import(ctx: InspectorContext, args: { har: unknown; origin: string }) {
    const { exchanges, skipped, reasons } = fromHar(args.har, args.origin);
    const log = openTrafficLog(ctx.file, { batchMs: 1_000_000, ...(ctx.redact && { redact: ctx.redact }) });
    try {
      for (const exchange of exchanges) log.append(exchange);
      log.flush();
    } finally {
      log.close();
    }
    return { imported: exchanges.length, skipped, reasons };
  },
  clear(ctx: InspectorContext) {
    return { deleted: clearTraffic(ctx.db) };
  },
  info(ctx: InspectorContext) {
    return info(ctx);
  },
  retention(ctx: InspectorContext, args: Retention & { now?: number }) {
    setRetention(ctx.db, { ...(args.maxCount !== undefined && { maxCount: args.maxCount }), ...(args.maxAgeHours !== undefined && { maxAgeHours: args.maxAgeHours }) });
    const deleted = enforceRetention(ctx.db, args.now);
    return { ...info(ctx), deleted };
  },
} as const;

export type InspectorOps = typeof inspectorOps;
export type InspectorOp = keyof InspectorOps;

function info(ctx: InspectorContext) {
  const size = (suffix: string) => {
    try {
      return statSync(ctx.file + suffix).size;
    } catch {
      return 0;
    }
  };
  const count = (ctx.db.prepare('SELECT count(*) AS n FROM exchanges').get() as { n: number }).n;
  return { file: ctx.file, sizeBytes: size('') + size('-wal'), count, retention: getRetention(ctx.db) };
}
