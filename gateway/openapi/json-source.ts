/**
 * JSON text → positions. Values come from the native `JSON.parse` (fast); this scanner only runs
 * to place a syntax error, or (lazily, once) to index where each node of a valid document starts.
 */

import { escapeToken } from './json-pointer.js';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface JsonIndex {
  /** Pointer → offset of the node (of its key, for object members). */
  offsets: Map<string, number>;
  /** Keys written twice in one object: offset of the second one. */
  duplicates: { pointer: string; offset: number }[];
}

const enum Ch {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  UpperE = 69,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  LowerE = 101,
  OpenBrace = 123,
  CloseBrace = 125,
}

/**
 * Scans `text` as strict JSON (RFC 8259). Throws `JsonSyntaxError` at the first fault.
 * With `index`, records where every node starts; without, only validates.
 */
export function scanJson(text: string, index?: JsonIndex): void {
  let pos = 0;
  const length = text.length;

  const fail = (message: string, at = pos): never => {
    throw new JsonSyntaxError(message, at);
  };
  const describe = (at: number): string => (at >= length ? 'end of input' : `token ${JSON.stringify(text[at])}`);

  const skipSpace = (): void => {
    while (pos < length) {
      const c = text.charCodeAt(pos);
      if (c === Ch.Space || c === Ch.Newline || c === Ch.Return || c === Ch.Tab) pos++;
      else break;
    }
  };

  /** Skips the string whose opening quote is at `pos`; returns the offset after its closing quote. */
  const skipString = (): { end: number; escaped: boolean } => {
    let escaped = false;
    let j = pos + 1;
    for (;;) {
      if (j >= length) fail('unterminated string', pos);
      const c = text.charCodeAt(j);
      if (c === Ch.Quote) return { end: j + 1, escaped };
      if (c === Ch.Backslash) {
        escaped = true;
        const next = text[j + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) fail('invalid \\u escape in string', j);
          j += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          j += 2;
        } else {
          fail('invalid escape in string', j);
        }
        continue;
      }
      if (c < 0x20) fail('control character in string', j);
      j++;
    }
  };

  const readKey = (): string => {
    const start = pos;
    const { end, escaped } = skipString();
    pos = end;
    return escaped ? (JSON.parse(text.slice(start, end)) as string) : text.slice(start + 1, end - 1);
  };

  const skipNumber = (): void => {
    const start = pos;
    if (text.charCodeAt(pos) === Ch.Minus) pos++;
    const digitsFrom = pos;
    if (text.charCodeAt(pos) === Ch.Zero) pos++;
    else while (isDigit(text.charCodeAt(pos))) pos++;
    if (pos === digitsFrom) fail(`unexpected ${describe(start)}`, start);
    if (text.charCodeAt(pos) === Ch.Dot) {
      pos++;
      const from = pos;
      while (isDigit(text.charCodeAt(pos))) pos++;
      if (pos === from) fail('digit expected after decimal point');
    }
    const e = text.charCodeAt(pos);
    if (e === Ch.LowerE || e === Ch.UpperE) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === Ch.Plus || sign === Ch.Minus) pos++;
      const from = pos;
      while (isDigit(text.charCodeAt(pos))) pos++;
      if (pos === from) fail('digit expected in exponent');
    }
  };

  const literal = (word: string): void => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail(`unexpected ${describe(pos)}`);
  };

  const value = (pointer: string, depth: number): void => {
    if (depth > 10_000) fail('nesting too deep');
    skipSpace();
    if (pos >= length) fail('unexpected end of input, a value was expected');
    const c = text.charCodeAt(pos);
    if (c === Ch.OpenBrace) {
      pos++;
      const seen = index ? new Set<string>() : undefined;
      skipSpace();
      if (text.charCodeAt(pos) === Ch.CloseBrace) {
        pos++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text.charCodeAt(pos) !== Ch.Quote) fail(`expected a string key, found ${describe(pos)}`);
        const keyAt = pos;
        const key = readKey();
        let child = '';
        if (index && seen) {
          child = pointer + '/' + escapeToken(key);
          if (seen.has(key)) index.duplicates.push({ pointer: child, offset: keyAt });
          else {
            seen.add(key);
            index.offsets.set(child, keyAt);
          }
        }
        skipSpace();
        if (text.charCodeAt(pos) !== Ch.Colon) fail(`expected ':' after key, found ${describe(pos)}`);
        pos++;
        value(child, depth + 1);
        skipSpace();
        const next = text.charCodeAt(pos);
        if (next === Ch.Comma) {
          pos++;
          continue;
        }
        if (next === Ch.CloseBrace) {
          pos++;
          return;
        }
        fail(`expected ',' or '}' in object, found ${describe(pos)}`);
      }
    }
    if (c === Ch.OpenBracket) {
      pos++;
      skipSpace();
      if (text.charCodeAt(pos) === Ch.CloseBracket) {
        pos++;
        return;
      }
      for (let i = 0; ; i++) {
        skipSpace();
        let child = '';
        if (index) {
          child = pointer + '/' + i;
          index.offsets.set(child, pos);
        }
        value(child, depth + 1);
        skipSpace();
        const next = text.charCodeAt(pos);
        if (next === Ch.Comma) {
          pos++;
          continue;
        }
        if (next === Ch.CloseBracket) {
          pos++;
          return;
        }
        fail(`expected ',' or ']' in array, found ${describe(pos)}`);
      }
    }
    if (c === Ch.Quote) {
      pos = skipString().end;
      return;
    }
    if (c === Ch.Minus || isDigit(c)) return skipNumber();
    if (c === 116 /* t */) return literal('true');
    if (c === 102 /* f */) return literal('false');
    if (c === 110 /* n */) return literal('null');
    fail(`unexpected ${describe(pos)}`);
  };

  // A byte-order mark is tolerated, as JSON.parse does not: callers strip it first.
  skipSpace();
  if (index) index.offsets.set('', pos);
  value('', 0);
  skipSpace();
  if (pos < length) fail(`unexpected ${describe(pos)} after the end of the document`);
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

/** Offsets → 1-based line and column, with the line table built once on first use. */
export class LineTable {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
