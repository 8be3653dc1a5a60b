// The request editor's text forms: headers as `Name: value` lines, and a logged request as an editable one.
import type { ExchangeDetail, ReplayRequest } from '../../../gateway/contract';
import { asText, decodeBase64 } from './body';

/** Headers the transport sets for the new request itself: not shown in the editor, not sent from the log. */
const TRANSPORT = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'te', 'upgrade', 'trailer', 'proxy-connection', 'x-portico-replay-of']);

export const headersToText = (headers: ReadonlyArray<readonly [string, string]>) => headers.map(([n, v]) => `${n}: ${v}`).join('\n');

/** `Name: value` lines back to pairs; blank lines are skipped, a line without a colon is an error. */
export function parseHeaderText(text: string): { headers: Array<[string, string]>; error?: string } {
  const headers: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const colon = line.indexOf(':', line.startsWith(':') ? 1 : 0);
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name || /\s/.test(name)) return { headers, error: `line ${i + 1}: expected "Name: value"` };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { headers };
}

export interface EditableRequest {
  method: string;
  url: string;
  headers: string;
  /** Text body, or null when the logged body is binary (sent again as logged). */
  body: string | null;
  bodyBase64?: string;
  truncated: boolean;
}

/** A logged exchange as the editor starts it: its method, path and query, headers and body. */
export function editableFrom(detail: ExchangeDetail): EditableRequest {
  const body = detail.requestBody;
  const bytes = body ? decodeBase64(body.base64) : new Uint8Array();
  const text = body ? asText(bytes) : '';
  return {
    method: detail.method,
    url: detail.rawUrl.startsWith('/') ? detail.rawUrl : detail.url,
    headers: headersToText(detail.requestHeaders.filter(([n]) => !TRANSPORT.has(n.toLowerCase()))),
    body: text,
    ...(text === null && body ? { bodyBase64: body.base64 } : {}),
    truncated: body?.truncated ?? false,
  };
}

/** The edited request for `traffic.replay`, or what is wrong with it. */
export function toReplayRequest(edit: EditableRequest): { request?: ReplayRequest; error?: string } {
  const method = edit.method.trim().toUpperCase();
  if (!/^[A-Z]+$/.test(method)) return { error: 'The method is letters only.' };
  const url = edit.url.trim();
  if (!url.startsWith('/')) return { error: 'The URL is a path on the gateway, starting with "/".' };
  const parsed = parseHeaderText(edit.headers);
  if (parsed.error) return { error: `Headers, ${parsed.error}.` };
  const request: ReplayRequest = { method, url, headers: parsed.headers };
  if (edit.body !== null) {
    if (edit.body !== '') request.body = edit.body;
  } else if (edit.bodyBase64) request.bodyBase64 = edit.bodyBase64;
  return { request };
}
