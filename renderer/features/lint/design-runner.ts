// Lint and bundle the design as it is being typed: debounced, with the unsaved texts as overlays.
// Both run in the engine (another process), so the UI thread only sends texts and applies results.
import type { Problem } from '../../../gateway/contract';
import { Store } from '../workspace/store';
import { message, type Workspace } from '../workspace/workspace';
import { latest } from './latest';

export interface PreviewState {
  document: unknown;
  /** `document` as JSON text (what the docs frame is sent). */
  text: string;
  problems: Problem[];
  /** Bumped only when the bundled document actually changed. */
  revision: number;
  failed: string | null;
}

export const LINT_DELAY_MS = 400;
export const BUNDLE_DELAY_MS = 500;

/**
 * Lint and bundle follow edits (debounced), saves (at once: the gateway reloads from the same save, and the Problems
 * panel must not show the unsaved, older result beside the gateway's failure) and changes on disk. Between a change
 * and the result that covers it, `lint.running` is true: the panel never presents an older result as current.
 * Create it once per workspace; `start()` subscribes (and returns the function that stops), so an effect may run it twice.
 */
export function createDesignRunner(ws: Workspace) {
  const preview = new Store<PreviewState>({ document: null, text: '', problems: [], revision: 0, failed: null });
  let lastBundle = '';
  /** Bumped by every change lint must see; a result is current when no change came after its request. */
  let wanted = 0;
  let stopped = false;

  const lint = latest(async () => {
    const asked = wanted;
    ws.store.set((s) => ({ lint: { ...s.lint, running: true } }));
    try {
      const { problems, durationMs } = await ws.api.call('design.lint', { overlays: ws.overlays() });
      if (stopped) return;
      ws.store.set({ lint: { problems, durationMs, running: asked !== wanted, failed: null } });
    } catch (e) {
      if (stopped) return;
      ws.store.set((s) => ({ lint: { ...s.lint, running: asked !== wanted, failed: message(e) } }));
    }
  }, LINT_DELAY_MS);

  const bundle = latest(async () => {
    try {
      const { document, problems } = await ws.api.call('design.bundle', { overlays: ws.overlays() });
      if (document == null) {
        preview.set({ problems, failed: null });
        return;
      }
      const serialized = JSON.stringify(document);
      if (serialized === lastBundle) return preview.set({ problems, failed: null });
      lastBundle = serialized;
      preview.set((s) => ({ document, text: serialized, problems, revision: s.revision + 1, failed: null }));
    } catch (e) {
      preview.set({ failed: message(e) });
    }
  }, BUNDLE_DELAY_MS);

  const changed = (immediately: boolean) => {
    wanted++;
    if (!ws.store.get().lint.running) ws.store.set((s) => ({ lint: { ...s.lint, running: true } }));
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
      changed(true);
      return () => {
        stopped = true;
        unsubscribeStore();
        unsubscribeFiles();
        lint.cancel();
        bundle.cancel();
      };
    },
  };
}
