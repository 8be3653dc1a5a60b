// Two exchanges as comparable text: request line, headers (sorted, so order does not show as a change) and body.
import type { ExchangeDetail } from '../../../gateway/contract';
import { bodyText, decodeBase64, header } from './body';

function part(headers: Array<[string, string]>, body: ExchangeDetail['requestBody']): string {
  const sorted = [...headers].sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const lines = sorted.map(([n, v]) => `${n.toLowerCase()}: ${v}`);
  if (!body || body.size === 0) return lines.join('\n');
  if (lines.length === 0) lines.push('(no headers)');
  const { text } = bodyText(header(headers, 'content-type'), decodeBase64(body.base64), body.truncated);
  return `${lines.join('\n')}\n\n${text}${body.truncated ? `\n… truncated: ${body.size} bytes in all` : ''}`;
}

export function exchangeText(detail: ExchangeDetail): string {
  return [
    `${detail.method} ${detail.rawUrl}`,
    part(detail.requestHeaders, detail.requestBody),
    '',
    `── response ${detail.status}${detail.policy ? ` (${detail.mode} by ${detail.policy.name ?? detail.policy.id}: ${detail.policy.reason})` : ` (${detail.mode})`}`,
    part(detail.responseHeaders, detail.responseBody),
    '',
  ].join('\n');
}
