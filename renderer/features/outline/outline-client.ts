import OutlineWorker from './outline.worker.ts?worker';
import type { editor } from 'monaco-editor';
import { textOf } from '../editor/large-model';
import { workerCalls } from '../../ui/worker-calls';
import type { OutlineItem, OutlineRequest, OutlineResponse, TextChange } from './outline-protocol';

type Unsent = OutlineRequest extends infer R ? (R extends OutlineRequest ? Omit<R, 'id'> : never) : never;

const send = workerCalls<Unsent, OutlineResponse>(() => new OutlineWorker());

export async function outlineOf(path: string, text: string): Promise<OutlineItem[]> {
  const r = await send({ type: 'outline', path, text });
  return r.type === 'outline' ? r.items : [];
}

/** What a model needs to be outlined again: its text once, then the changes made since (see `outlineOfModel`). */
interface Tracked {
  path: string | null;
  changes: TextChange[];
  chars: number;
}
const tracked = new WeakMap<editor.ITextModel, Tracked>();
/** Past this much changed text, the whole text is cheaper to send. */
const MAX_CHANGED_CHARS = 256 * 1024;

/**
 * The outline of a model: its whole text goes to the worker once, then only the edits made since. A 13 MB text
 * copied out of Monaco and posted after every pause cost this thread 300+ ms each time (measured on GitHub's
 * description).
 */
export async function outlineOfModel(path: string, model: editor.ITextModel): Promise<OutlineItem[]> {
  let t = tracked.get(model);
  if (!t) {
    const state: Tracked = { path: null, changes: [], chars: 0 };
    model.onDidChangeContent((e) => {
      if (state.path === null) return;
      for (const c of e.changes) state.changes.push({ at: c.rangeOffset, remove: c.rangeLength, text: c.text });
      state.chars += e.changes.reduce((n, c) => n + c.text.length, 0);
      if (state.chars > MAX_CHANGED_CHARS) Object.assign(state, { path: null, changes: [], chars: 0 });
    });
    tracked.set(model, (t = state));
  }
  const whole = () => {
    Object.assign(t, { path, changes: [], chars: 0 });
    return send({ type: 'outline', path, text: textOf(model) });
  };
  let r: OutlineResponse;
  if (t.path !== path) r = await whole();
  else {
    const changes = t.changes;
    Object.assign(t, { changes: [], chars: 0 });
    r = await send({ type: 'outline', path, changes });
    if (r.type === 'outline' && r.resend) r = await whole();
  }
  return r.type === 'outline' ? r.items : [];
}

export async function locatePointer(path: string, text: string, pointer: string) {
  const r = await send({ type: 'locate', path, text, pointer });
  return r.type === 'locate' ? r.position : null;
}
