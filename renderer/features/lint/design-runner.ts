// Lint and bundle the design as it is being typed: debounced, with the unsaved texts as overlays.
// Both run in the engine (another process), so the UI thread only sends texts and applies results.
import { RpcError, type Problem } from '../../../gateway/contract';
import type { TextBlob } from '../../api/text-blob';
import { Store } from '../workspace/store';
import { message, type Workspace } from '../workspace/workspace';
import { latest } from './latest';

export interface PreviewState {
  /**
   * The bundled design as JSON text, as the engine wrote it, in a Blob: what the docs frame is sent, and reads and
   * parses. This window never holds the text (7 MB for GitHub's description): it compares digests.
   */
  text: TextBlob | null;
  /** The root's `x-portico` (for the try-it hint); the document itself is never parsed in this window. */
  extension: unknown;
  problems: Problem[];
  /** Bumped only when the bundled document actually changed. */
  revision: number;
  failed: string | null;
}

export const LINT_DELAY_MS = 400;

/** A call with the unsaved texts; when the engine lacks a version they refer to, once more with whole texts. */
async function withOverlays<T>(ws: Workspace, call: (overlays: ReturnType<Workspace['overlays']>) => Promise<T>): Promise<T> {
  try {
    return await call(ws.overlays());
  } catch (e) {
    if (!(e instanceof RpcError && e.code === 'conflict')) throw e;
    ws.resendOverlays();
    return call(ws.overlays());
  }
}
export const BUNDLE_DELAY_MS = 500;

/**
 * Lint and bundle follow edits (debounced), saves (at once: the gateway reloads from the same save, and the Problems
 * panel must not show the unsaved, older result beside the gateway's failure) and changes on disk. Between a change
 * and the result that covers it, `lint.running` is true: the panel never presents an older result as current.
 * Create it once per workspace; `start()` subscribes (and returns the function that stops), so an effect may run it twice.
 * Nothing is asked of the engine before the window has opened the root file (`ws.opened`): a large design's first
 * lint and bundle take both cores for seconds.
 */
export function createDesignRunner(ws: Workspace) {
  const preview = new Store<PreviewState>({ text: null, extension: undefined, problems: [], revision: 0, failed: null });
  /** Bumped by every change lint must see; a result is current when no change came after its request. */
  let wanted = 0;
  let stopped = false;

  /** The change count the last answer covered: a full lint pushed later counts only when nothing changed since. */
  let answered = -1;
  let inFlight = false;
  const lint = latest(async () => {
    await ws.opened;
    const asked = wanted;
    inFlight = true;
    ws.store.set((s) => ({ lint: { ...s.lint, running: true } }));
    try {
      const { problems, durationMs, partial } = await withOverlays(ws, (overlays) => ws.api.call('design.lint', { overlays }));
      if (stopped) return;
      answered = asked;
      ws.store.set({ lint: { problems, durationMs, running: asked !== wanted, failed: null, partial: partial === true } });
    } catch (e) {
      if (stopped) return;
      ws.store.set((s) => ({ lint: { ...s.lint, running: asked !== wanted, failed: message(e) } }));
    } finally {
      inFlight = false;
    }
  }, LINT_DELAY_MS);

  /** A large design's full lint, after a partial answer: it replaces that answer when it is about the same text. */
  const onLinted = ({ problems, durationMs }: { problems: Problem[]; durationMs: number }) => {
    const s = ws.store.get();
    if (stopped || inFlight || answered !== wanted || !s.lint.partial) return;
    ws.store.set({ lint: { problems, durationMs, running: false, failed: null, partial: false } });
  };

  const bundle = latest(async () => {
    await ws.opened;
    try {
      // As text in a Blob, parsed only in the docs frame: a 7 MB parse and re-serialization here were the longest
      // tasks of this window on a large design, and then receiving the text from the parse worker and posting it to
      // the frame (up to 180 ms together) were.
      const { text, extension, problems } = await withOverlays(ws, (overlays) => ws.api.callWithBlob('design.bundle', { overlays, as: 'text' }, 'text'));
      if (text == null) return preview.set({ problems, failed: null });
      if (text.digest === preview.get().text?.digest) return preview.set({ problems, failed: null });
      preview.set((s) => ({ text, extension, problems, revision: s.revision + 1, failed: null }));
    } catch (e) {
      preview.set({ failed: message(e) });
    }
  }, BUNDLE_DELAY_MS);

  /** Until the window has opened the root file, the first lint and bundle wait for it, and will see every change made meanwhile. */
  let opened = false;
  void ws.opened.then(() => (opened = true));

  const changed = (immediately: boolean, first = false) => {
    wanted++;
    if (!ws.store.get().lint.running) ws.store.set((s) => ({ lint: { ...s.lint, running: true } }));
    // Asking again would lint and bundle the same texts twice (the workspace's info arrives meanwhile): for GitHub's
    // description, two more parses of 13 MB in the engine while the window opens and the docs render.
    if (!opened && !first) return;
    if (immediately) {
      lint.now();
      bundle.now();
    } else {
      lint.poke();
      bundle.poke();
    }
  };

  return {
    preview,
    start() {
      stopped = false;
      let { edits, info, saves } = ws.store.get();
      const unsubscribeStore = ws.store.subscribe(() => {
        const s = ws.store.get();
        if (s.saves !== saves) {
          ({ edits, info, saves } = s);
          changed(true);
        } else if (s.edits !== edits || s.info !== info) {
          ({ edits, info } = s);
          changed(false);
        }
      });
      const unsubscribeFiles = ws.api.subscribe('files.changed', () => changed(false));
      const unsubscribeLinted = ws.api.subscribe('design.linted', onLinted);
      changed(true, true);
      return () => {
        stopped = true;
        unsubscribeStore();
        unsubscribeFiles();
        unsubscribeLinted();
        lint.cancel();
        bundle.cancel();
      };
    },
  };
}
