import { useEffect, useRef, useState } from 'react';
import { useStore, type Store } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import type { PreviewState } from '../lint/design-runner';
import { useColorScheme } from '../../ui/use-color-scheme';
import { frameEvent, type ShowDesign } from './messages';

/**
 * The live docs, rendered by Elements in their own frame (its own document, styles and React root), so a
 * large design's render never shares the editor's component tree. Sent only when the bundle changed.
 */
export function PreviewPane({ ws, preview }: { ws: Workspace; preview: Store<PreviewState> }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  const [rendered, setRendered] = useState<number | null>(null);
  const state = useStore(preview, (s) => s);
  const gatewayUrl = useStore(ws.store, (s) => (s.gateway?.state === 'running' ? (s.gateway.url ?? null) : null));
  const scheme = useColorScheme();

  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      if (e.source !== frame.current?.contentWindow || e.origin !== window.location.origin) return;
      const parsed = frameEvent.safeParse(e.data);
      if (!parsed.success) return;
      if (parsed.data.type === 'portico:ready') setReady(true);
      else if (parsed.data.type === 'portico:save') void ws.save();
      else setRendered(parsed.data.revision);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [ws]);

  useEffect(() => {
    const target = frame.current?.contentWindow;
    if (!ready || !target || !state.document || typeof state.document !== 'object') return;
    const message: ShowDesign = { type: 'portico:show', revision: state.revision, document: state.document as Record<string, unknown>, gatewayUrl, theme: scheme };
    target.postMessage(message, window.location.origin);
  }, [ready, state.revision, state.document, gatewayUrl, scheme]);

  return (
    <section className="preview-pane" aria-label="Docs preview">
      <header className="panel-header">
        <span className="panel-title static">Docs</span>
        <span className="panel-meta" data-testid="preview-status" data-revision={rendered ?? ''}>
          {state.failed ? <span className="text-error">{state.failed}</span> : rendered != null ? (rendered === state.revision ? 'Live' : 'Updating…') : 'Loading…'}
        </span>
      </header>
      <iframe ref={frame} className="preview-frame" src="./preview.html" title="Docs preview" data-testid="preview-frame" />
    </section>
  );
}
