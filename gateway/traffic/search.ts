import type { Db } from './db.js';
import { emptyFilter } from './filter.js';
import { bodyText, headersText } from './maintenance.js';
import { queryExchanges, rawExchange, type ExchangeRow } from './queries.js';

/** Free-text search over URLs, headers and text bodies, each hit with a snippet of where the text was found. */
export function searchExchanges(db: Db, text: string, limit: number): (ExchangeRow & { snippet: string })[] {
  const rows = queryExchanges(db, { ...emptyFilter(), text: [text] }, { limit });
  return rows.map((row) => ({ ...row, snippet: snippetOf(db, row.id, text) }));
}

/** Where `text` first occurs, with up to 40 characters either side, on one line. */
export function snippetOf(db: Db, id: number, text: string): string {
  const r = rawExchange(db, id);
  if (!r) return '';
  const places: [string, string][] = [
    ['url', `${r.method as string} ${r.raw_url as string}`],
    ['request headers', headersText(r.request_headers as string)],
    ['response headers', headersText(r.response_headers as string)],
    ['request body', bodyText(r.request_body as Buffer | null)],
    ['response body', bodyText(r.response_body as Buffer | null)],
  ];
  const needle = text.toLowerCase();
  for (const [where, haystack] of places) {
    const at = haystack.toLowerCase().indexOf(needle);
    if (at < 0) continue;
    const start = Math.max(0, at - 40);
    const end = Math.min(haystack.length, at + needle.length + 40);
    const excerpt = haystack.slice(start, end).replace(/\s+/g, ' ');
    return `${where}: ${start > 0 ? '…' : ''}${excerpt}${end < haystack.length ? '…' : ''}`;
  }
  // Matched through the index on a word prefix rather than the exact text.
  return places.find(([, h]) => h.length > 0)?.[0] ?? '';
}
