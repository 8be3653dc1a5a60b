/** Messages between the UI and the outline worker (which parses YAML/JSON with positions, off the UI thread). */
export interface OutlineItem {
  label: string;
  kind: 'path' | 'operation' | 'schema' | 'section' | 'key';
  detail?: string;
  line: number;
  column: number;
  children?: OutlineItem[];
}

/** A change as Monaco reports it: an offset into the text as the earlier changes left it. */
export interface TextChange {
  at: number;
  remove: number;
  text: string;
}

export type OutlineRequest =
  /** `text`: the whole text; `changes`: edits of the text this worker was sent last for `path` (a large file is not sent again). */
  | { id: number; type: 'outline'; path: string; text?: string; changes?: TextChange[] }
  | { id: number; type: 'locate'; path: string; text: string; pointer: string };

export type OutlineResponse =
  /** `resend`: the worker has no text for the path to apply changes to. */
  | { id: number; type: 'outline'; items: OutlineItem[]; resend?: boolean }
  | { id: number; type: 'locate'; position: { line: number; column: number } | null };
