import { useEffect, useRef, useState } from 'react';
import { useStore, type Store } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import type { PreviewState } from '../lint/design-runner';
import { useColorScheme } from '../../ui/use-color-scheme';
import { corsAllowsFrame, frameEvent, type ShowDesign } from './messages';

/** Sandboxed without allow-same-origin: an opaque origin, so Chromium renders the docs in a process of their own. */
export const PREVIEW_SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox allow-forms';

/**
 * The live docs, rendered by Elements in a sandboxed frame with an opaque origin: its own document, React root and
 * (in Chromium) process, so a large design's render (seconds for GitHub's description) never blocks the editor's
 * main thread. Sent only when the bundle changed, as JSON text in a Blob (read and parsed in the frame).
 */
export function PreviewPane({ ws, preview }: { ws: Workspace; preview: Store<PreviewState> }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  const [load, setLoad] = useState(false);
  const [rendered, setRendered] = useState<number | null>(null);
  const state = useStore(preview, (s) => s);
  const gatewayUrl = useStore(ws.store, (s) => (s.gateway?.state === 'running' ? (s.gateway.url ?? null) : null));
  const scheme = useColorScheme();

  // The frame (Elements: 170 ms of module evaluation in its own process, then its first render) loads once this window
  // has opened the root file: on two cores it otherwise competed with the editor's creation, the longest task of
  // opening a workspace. It has nothing to show before the first bundle, which waits for the same.
  useEffect(() => {
    let live = true;
    void ws.opened.then(() => live && setLoad(true));
    return () => {
      live = false;
    };
  }, [ws]);

  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      // The frame's origin is opaque ('null'): what identifies it is that the message comes from its window.
      if (e.source == null || e.source !== frame.current?.contentWindow || e.origin !== 'null') return;
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
    if (!ready || !target || !state.text) return;
    const message: ShowDesign = { type: 'portico:show', revision: state.revision, design: state.text.blob, gatewayUrl, theme: scheme };
    // An opaque origin cannot be named as a target: '*' it is, to the window we created and that said it is ready.
    target.postMessage(message, '*');
  }, [ready, state.revision, state.text, gatewayUrl, scheme]);
  const tryItBlocked = gatewayUrl != null && state.text != null && !corsAllowsFrame({ 'x-portico': state.extension });

  return (
    <section className="preview-pane" aria-label="Docs preview">
      <header className="panel-header">
        <span className="panel-title static">Docs</span>
        <span className="panel-meta" data-testid="preview-status" data-revision={rendered ?? ''}>
          {state.failed ? <span className="text-error">{state.failed}</span> : rendered != null ? (rendered === state.revision ? 'Live' : 'Updating…') : 'Loading…'}
        </span>
      </header>
      {tryItBlocked && (
        <div className="preview-hint" data-testid="preview-cors-hint" title="The docs run in a sandboxed frame, so try-it calls reach the gateway with the origin null. Allow it only for local work.">
          Try it: add <code>'null'</code> to a <code>cors</code> policy's origins to call the gateway from the docs.
        </div>
      )}
      <iframe ref={frame} className="preview-frame" src={load ? './preview.html' : undefined} sandbox={PREVIEW_SANDBOX} title="Docs preview" data-testid="preview-frame" />
    </section>
  );
}
