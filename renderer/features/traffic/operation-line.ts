// Where a design declares an operation: pure text look-ups (unit-tested in Node).
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const pointerSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The 1-based line declaring `operationId: id` (YAML or JSON) in `text`, if any. */
export function operationIdLine(text: string, operationId: string): { line: number; column: number } | null {
  const re = new RegExp(`^(\\s*)(?:"operationId"\\s*:\\s*"${escapeRegExp(operationId)}"|operationId\\s*:\\s*(['"]?)${escapeRegExp(operationId)}\\2\\s*(?:#.*)?$)`, 'm');
  const match = re.exec(text);
  if (!match) return null;
  const line = text.slice(0, match.index).split('\n').length;
  return { line, column: (match[1]?.length ?? 0) + 1 };
}

