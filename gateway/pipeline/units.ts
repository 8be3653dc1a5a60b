import { z } from 'zod';

/** Durations and sizes as users write them in `x-portico`: `500ms`, `10s`, `1m`; `1kb`, `10mb`. */

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)$/i;
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (examples: 500ms, 10s, 1m, 1h)`);
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2]!]!);
}

export function parseSize(text: string): number {
  const match = SIZE.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a size (examples: 512b, 1kb, 10mb)`);
  return Math.round(Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]!);
}

/** A duration field: a string such as `10s` (or a number of milliseconds), parsed to milliseconds. */
export const duration = z
  .union([z.string().regex(DURATION, 'a duration such as 500ms, 10s, 1m, 1h'), z.number().int().nonnegative()])
  .transform((value) => (typeof value === 'number' ? value : parseDuration(value)));

/** A size field: a string such as `1kb` (or a number of bytes), parsed to bytes. */
export const size = z
  .union([z.string().regex(SIZE, 'a size such as 512b, 1kb, 10mb'), z.number().int().nonnegative()])
  .transform((value) => (typeof value === 'number' ? value : parseSize(value)));
