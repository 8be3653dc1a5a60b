/** Messages between the UI and the outline worker (which parses YAML/JSON with positions, off the UI thread). */
export interface OutlineItem {
  label: string;
  kind: 'path' | 'operation' | 'schema' | 'section' | 'key';
  detail?: string;
  line: number;
  column: number;
  children?: OutlineItem[];
}

export type OutlineRequest =
  | { id: number; type: 'outline'; path: string; text: string }
  | { id: number; type: 'locate'; path: string; text: string; pointer: string };

export type OutlineResponse =
  | { id: number; type: 'outline'; items: OutlineItem[] }
  | { id: number; type: 'locate'; position: { line: number; column: number } | null };
