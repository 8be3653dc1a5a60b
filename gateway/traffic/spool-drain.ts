import { openTrafficDb, type Db } from './db.js';
import { decodeBatch } from './batch.js';
import { getMeta, setMeta } from './maintenance.js';
import { deleteDrainedSegments, listSegments, readSpool, spoolBacklog, spoolDirFor, type SpoolPosition } from './spool.js';
import { createExchangeInserter } from './writer.js';

/**
 * Turns spooled batches into indexed exchange rows. Each step reads the drain's position, inserts what follows it and
 * moves the position in one immediate transaction, so two drains of the same spool (the gateway's indexer and a CLI
 * reading after a crash) never insert a batch twice, and a crash mid-step leaves the batch to the next step.
 */

export interface SpoolDrain {
  /**
   * Drains up to about `maxBytes` of spool; returns the ids inserted (ascending; empty when only the position moved past
   * a finished segment), or undefined when the drain had caught up.
   */
  step(maxBytes?: number): number[] | undefined;
  /** Bytes spooled but not yet drained. */
  backlog(): number;
  /** Records skipped as unreadable since this drain opened (a torn or damaged write). */
  readonly skipped: number;
}

const STEP_BYTES = 256 * 1024;

export function openSpoolDrain(db: Db, dir: string): SpoolDrain {
  // Batches were redacted before they were spooled.
  const inserter = createExchangeInserter(db, noRedaction);
  let skipped = 0;
  const position = (): SpoolPosition => ({
    segment: Number(getMeta(db, 'spool_segment') ?? 0),
    offset: Number(getMeta(db, 'spool_offset') ?? 0),
  });

  const drain = db.transaction((maxBytes: number): { ids: number[]; end: SpoolPosition } | undefined => {
    const records = readSpool(dir, position(), maxBytes);
    if (records.length === 0) return undefined;
    const ids: number[] = [];
    for (const record of records) {
      if (record.records.length === 0) continue; // the end of a finished segment: only the position moves
      let exchanges;
      try {
        exchanges = decodeBatch(record.records, record.bodies);
      } catch {
        skipped++;
        continue;
      }
      for (const exchange of exchanges) ids.push(inserter.insert(exchange));
    }
    inserter.writeAggregates();
    const end = (records.at(-1) as { end: SpoolPosition }).end;
    setMeta(db, 'spool_segment', end.segment);
    setMeta(db, 'spool_offset', end.offset);
    return { ids, end };
  });

  return {
    step(maxBytes = STEP_BYTES) {
      const result = drain.immediate(maxBytes);
      if (!result) return undefined;
      deleteDrainedSegments(dir, result.end);
      return result.ids;
    },
    backlog: () => spoolBacklog(dir, position()),
    get skipped() {
      return skipped;
    },
  };
}

const noRedaction = {
  headers: (raw: string[]) => raw,
  anyHeaders: <T>(headers: T) => headers,
  url: (url: string) => url,
};

/**
 * For a reader opening the log: drains what was spooled when it started (a gateway that crashed, or one still running
 * under load), so that the reader sees every acknowledged exchange. Bounded by that backlog, so it ends even while a
 * gateway keeps writing. Returns the exchanges inserted.
 */
export function drainSpoolOf(file: string): number {
  const dir = spoolDirFor(file);
  if (listSegments(dir).length === 0) return 0;
  const db = openTrafficDb(file);
  try {
    const drain = openSpoolDrain(db, dir);
    let remaining = drain.backlog();
    let inserted = 0;
    while (remaining > 0) {
      const ids = drain.step();
      if (ids === undefined) break;
      inserted += ids.length;
      remaining -= STEP_BYTES;
    }
    return inserted;
  } finally {
    db.close();
  }
}
