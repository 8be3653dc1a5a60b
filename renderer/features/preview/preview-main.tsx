// The docs preview frame: @stoplight/elements, fed the bundled design by the workspace window via postMessage.
import './process-shim';
import { createRoot } from 'react-dom/client';
import { useEffect, useState } from 'react';
import { API } from '@stoplight/elements';
import '@stoplight/elements/styles.min.css';
import './preview.css';
import { showDesign, withGateway, type FrameEvent } from './messages';

// This document is sandboxed without allow-same-origin: its own origin is opaque ('null'), which puts it in a process
// of its own, off the editor's main thread. `location.origin` is still its URL's origin: the workspace window's.
const parentOrigin = window.location.origin;
const tell = (event: FrameEvent) => window.parent.postMessage(event, parentOrigin);

interface Shown {
  revision: number;
  document: Record<string, unknown>;
  gatewayUrl: string | null;
}

function Preview() {
  const [design, setDesign] = useState<Shown | null>(null);
  useEffect(() => {
    // Reading a Blob is asynchronous: of messages that cross, the last one sent is shown.
    let latest = 0;
    const onMessage = async (e: MessageEvent) => {
      if (e.source !== window.parent || e.origin !== parentOrigin) return;
      const parsed = showDesign.safeParse(e.data);
      if (!parsed.success) return;
      const order = ++latest;
      let document: unknown;
      try {
        document = JSON.parse(await parsed.data.design.text());
      } catch {
        return;
      }
      if (order !== latest || !document || typeof document !== 'object' || Array.isArray(document)) return;
      setDesign({ revision: parsed.data.revision, document: document as Record<string, unknown>, gatewayUrl: parsed.data.gatewayUrl });
    };
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        tell({ type: 'portico:save' });
      }
    };
    window.addEventListener('message', onMessage);
    window.addEventListener('keydown', onKey);
    tell({ type: 'portico:ready' });
    return () => {
      window.removeEventListener('message', onMessage);
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  useEffect(() => {
    if (!design) return;
    const started = performance.now();
    requestAnimationFrame(() => tell({ type: 'portico:rendered', revision: design.revision, ms: performance.now() - started }));
  }, [design]);

  if (!design) return <div className="preview-empty">Waiting for the design…</div>;
  return (
    <API
      key="api"
      apiDescriptionDocument={withGateway(design.document, design.gatewayUrl) as never}
      router="memory"
      layout="stacked"
      hideExport
      tryItCredentialsPolicy="same-origin"
    />
  );
}

createRoot(document.getElementById('preview')!).render(<Preview />);
