// Lint and bundle the design as it is being typed: debounced, with the unsaved texts as overlays.
// Both run in the engine (another process), so the UI thread only sends texts and applies results.
import type { Problem } from '../../../gateway/contract';
import { Store } from '../workspace/store';
import { message, type Workspace } from '../workspace/workspace';
import { latest } from './latest';

export interface PreviewState {
  document: unknown;
  problems: Problem[];
  /** Bumped only when the bundled document actually changed. */
  revision: number;
  failed: string | null;
}

export const LINT_DELAY_MS = 400;
export const BUNDLE_DELAY_MS = 500;

export function startDesignRunner(ws: Workspace) {
  const preview = new Store<PreviewState>({ document: null, problems: [], revision: 0, failed: null });
  let lastBundle = '';

  const lint = latest(async () => {
    ws.store.set((s) => ({ lint: { ...s.lint, running: true } }));
    try {
      const { problems, durationMs } = await ws.api.call('design.lint', { overlays: ws.overlays() });
      ws.store.set({ lint: { problems, durationMs, running: false, failed: null } });
    } catch (e) {
      ws.store.set((s) => ({ lint: { ...s.lint, running: false, failed: message(e) } }));
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
      preview.set((s) => ({ document, problems, revision: s.revision + 1, failed: null }));
    } catch (e) {
      preview.set({ failed: message(e) });
    }
  }, BUNDLE_DELAY_MS);

  let edits = ws.store.get().edits;
  let info = ws.store.get().info;
  const unsubscribeStore = ws.store.subscribe(() => {
    const s = ws.store.get();
    if (s.edits !== edits || s.info !== info) {
      edits = s.edits;
      info = s.info;
      lint.poke();
      bundle.poke();
    }
  });
  const unsubscribeFiles = ws.api.subscribe('files.changed', () => {
    lint.poke();
    bundle.poke();
  });
  lint.now();
  bundle.now();
  return {
    preview,
    stop() {
      unsubscribeStore();
      unsubscribeFiles();
      lint.cancel();
      bundle.cancel();
    },
  };
}
