/**
 * Logged bodies: decode, decide how to show them (pretty JSON, XML/HTML, text, image, hex) and render text or a hex
 * dump. Pure and DOM-free, so it is unit-tested in Node.
 */

export type BodyKind = 'empty' | 'json' | 'xml' | 'html' | 'text' | 'image' | 'binary';

export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The text of `bytes` if they are UTF-8 without control characters other than whitespace; else null. */
export function asText(bytes: Uint8Array, truncated = false): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    if (!truncated) return null;
    // A cut capture may end inside a multi-byte character: drop up to three trailing bytes and try again.
    for (let cut = 1; cut <= 3; cut++) {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
        return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text;
      } catch {
        /* try a shorter cut */
      }
    }
    return null;
  }
  return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text;
}

/** The media type without parameters, lower case (`application/json; charset=utf-8` → `application/json`). */
export const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

export function classifyBody(contentType: string | undefined, bytes: Uint8Array, truncated = false): BodyKind {
  if (bytes.length === 0) return 'empty';
  const type = mediaType(contentType);
  if (/^image\/(png|jpe?g|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|svg\+xml)$/.test(type)) return 'image';
  const text = asText(bytes, truncated);
  if (text === null) return 'binary';
  if (/[/+]json$/.test(type) || type === 'application/x-ndjson') return 'json';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (/[/+]xml$/.test(type)) return 'xml';
  if (type === '' || type === 'text/plain' || type === 'application/octet-stream') {
    const start = text.trimStart()[0];
    if ((start === '{' || start === '[') && looksLikeJson(text, truncated)) return 'json';
    if (start === '<') return /^\s*<(!doctype html|html)/i.test(text) ? 'html' : 'xml';
  }
  return 'text';
}

function looksLikeJson(text: string, truncated: boolean) {
  if (truncated) return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON re-indented with two spaces; text that does not parse (e.g. a truncated capture) is returned as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** `hexdump -C` style: offset, 16 bytes in two groups of 8, and the printable ASCII. */
export function hexDump(bytes: Uint8Array, limit = 64 * 1024): string {
  const shown = Math.min(bytes.length, limit);
  const lines: string[] = [];
  for (let offset = 0; offset < shown; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, shown));
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' ';
      const b = row[i];
      hex += b === undefined ? '   ' : `${b.toString(16).padStart(2, '0')} `;
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  if (bytes.length > shown) lines.push(`… ${bytes.length - shown} more bytes`);
  return lines.join('\n');
}

/** A header's value by name (case-insensitive; the first one). */
export function header(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Monaco language id for a body kind. */
export const languageOf = (kind: BodyKind) => (kind === 'json' ? 'json' : kind === 'xml' ? 'xml' : kind === 'html' ? 'html' : 'plaintext');

/** The text shown for a body in the viewer and the diff: pretty JSON, text as it is, a hex dump for binary. */
export function bodyText(contentType: string | undefined, bytes: Uint8Array, truncated = false): { kind: BodyKind; text: string } {
  const kind = classifyBody(contentType, bytes, truncated);
  if (kind === 'empty') return { kind, text: '' };
  if (kind === 'binary' || (kind === 'image' && asText(bytes) === null)) return { kind, text: hexDump(bytes) };
  const text = asText(bytes, truncated) ?? '';
  return { kind, text: kind === 'json' ? prettyJson(text) : text };
}
