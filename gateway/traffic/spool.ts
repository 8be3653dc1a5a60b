import { closeSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, statSync, unlinkSync, writevSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The traffic spool: append-only segment files beside the database where the event loop writes each batch of
 * (already redacted) exchanges with one `writev`. Durable against a process crash as soon as the call returns (the
 * kernel holds the bytes), so the batch window is the only thing a `kill -9` can lose. The indexer thread turns
 * spooled batches into indexed rows later (spool-drain.ts), at low CPU priority: a SQLite row per exchange costs
 * ~15 µs that, on a busy core, would otherwise come out of the requests' time.
 *
 * A record: magic, records byte length, bodies byte length (u32 LE each), the batch's encoded exchanges, the bodies
 * (see batch.ts).
 * A writer never appends to a segment it did not create, so an incomplete record at the end of a segment that has a
 * successor can only be a torn write (machine crash) and is skipped; at the end of the newest segment it may be one
 * still being written and is read later.
 */

const MAGIC = 0x31505350; // 'PSP1'
const HEADER_BYTES = 12;
/** A segment is closed and a new one started past this size, so drained segments can be deleted. */
export const SEGMENT_BYTES = 32 * 1024 * 1024;

export function spoolDirFor(dbFile: string): string {
  return `${dbFile}.spool`;
}

/** Where the drain has read up to: a segment's sequence number and a byte offset in it. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

export interface SpoolRecord {
  /** The batch's encoded exchanges (batch.ts); empty for the mark that a finished segment was read to its end. */
  records: Buffer;
  bodies: Buffer;
  /** The position right after this record. */
  end: SpoolPosition;
}

const segmentName = (sequence: number) => `${String(sequence).padStart(16, '0')}.seg`;

/** Sequence numbers of the segments in `dir`, ascending. */
export function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => /^\d{16}\.seg$/.test(name))
    .map((name) => Number(name.slice(0, 16)))
    .sort((a, b) => a - b);
}

export interface SpoolWriter {
  /** Appends one batch (its encoded exchanges, its bodies); throws on I/O failure (disk full), in which case nothing of it counts as written. */
  write(records: Uint8Array, bodies: Uint8Array): void;
  close(): void;
}

export function openSpoolWriter(dir: string, segmentBytes = SEGMENT_BYTES): SpoolWriter {
  mkdirSync(dir, { recursive: true });
  // Sequence numbers start at the clock, so they keep growing past the drain's position even when every segment
  // was deleted (a clean close, or by hand).
  let sequence = Math.max((listSegments(dir).at(-1) ?? 0) + 1, Date.now());
  let fd = openSync(join(dir, segmentName(sequence)), 'wx');
  let size = 0;
  let closed = false;
  const header = Buffer.alloc(HEADER_BYTES);
  return {
    write(records, bodies) {
      if (closed) throw new Error('the traffic spool is closed');
      if (size >= segmentBytes) {
        closeSync(fd);
        sequence++;
        fd = openSync(join(dir, segmentName(sequence)), 'wx');
        size = 0;
      }
      header.writeUInt32LE(MAGIC, 0);
      header.writeUInt32LE(records.byteLength, 4);
      header.writeUInt32LE(bodies.byteLength, 8);
      const total = HEADER_BYTES + records.byteLength + bodies.byteLength;
      let written = writevSync(fd, [header, records, bodies]);
      // A regular file takes the whole write unless the disk fills up; finish or fail loudly.
      if (written !== total) {
        const all = Buffer.concat([header, records, bodies]);
        while (written < total) written += writevSync(fd, [all.subarray(written)]);
      }
      size += total;
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

/**
 * Reads complete records after `from`, at most `maxBytes` of them (at least one). Moves past finished segments;
 * `from.segment` 0 means "from the oldest segment".
 */
export function readSpool(dir: string, from: SpoolPosition, maxBytes: number): SpoolRecord[] {
  const segments = listSegments(dir).filter((s) => s >= from.segment);
  const records: SpoolRecord[] = [];
  let budget = maxBytes;
  for (let i = 0; i < segments.length && budget > 0; i++) {
    const segment = segments[i] as number;
    const hasSuccessor = i + 1 < segments.length;
    const offset = segment === from.segment ? from.offset : 0;
    let fd: number;
    try {
      fd = openSync(join(dir, segmentName(segment)), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted by another drain
      throw error;
    }
    try {
      budget -= readRecords(fd, segment, offset, budget, records);
    } finally {
      closeSync(fd);
    }
    if (!hasSuccessor) break;
    // A finished segment: whatever remains of it is a torn tail. Record that the drain may move on.
    if (budget > 0 && records.at(-1)?.end.segment !== segments[i + 1]) {
      records.push({ records: Buffer.alloc(0), bodies: Buffer.alloc(0), end: { segment: segments[i + 1] as number, offset: 0 } });
    }
  }
  return records;
}

function readRecords(fd: number, segment: number, offset: number, budget: number, out: SpoolRecord[]): number {
  const size = fstatSync(fd).size;
  const header = Buffer.alloc(HEADER_BYTES);
  let position = offset;
  let used = 0;
  while (position + HEADER_BYTES <= size && used < budget) {
    readSync(fd, header, 0, HEADER_BYTES, position);
    if (header.readUInt32LE(0) !== MAGIC) break;
    const recordBytes = header.readUInt32LE(4);
    const bodyBytes = header.readUInt32LE(8);
    const end = position + HEADER_BYTES + recordBytes + bodyBytes;
    if (end > size) break;
    const data = Buffer.allocUnsafe(recordBytes + bodyBytes);
    readSync(fd, data, 0, data.length, position + HEADER_BYTES);
    out.push({
      records: data.subarray(0, recordBytes),
      bodies: data.subarray(recordBytes),
      end: { segment, offset: end },
    });
    used += end - position;
    position = end;
  }
  return used;
}

/** Deletes the segments before `position.segment` (or all of them: `Infinity`): everything in them has been drained. */
export function deleteDrainedSegments(dir: string, position: SpoolPosition): void {
  for (const segment of listSegments(dir)) {
    if (segment >= position.segment) break;
    try {
      unlinkSync(join(dir, segmentName(segment)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Bytes spooled after `position` (0 when the drain has caught up). */
export function spoolBacklog(dir: string, position: SpoolPosition): number {
  let bytes = 0;
  for (const segment of listSegments(dir)) {
    if (segment < position.segment) continue;
    try {
      bytes += statSync(join(dir, segmentName(segment))).size - (segment === position.segment ? position.offset : 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return bytes;
}
