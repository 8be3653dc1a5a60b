import { useEffect, useMemo, useState } from 'react';
import { useApi } from './api-context';
import { Workspace } from '../features/workspace/workspace';
import { useStore } from '../features/workspace/store';
import { FileTree } from '../features/workspace/file-tree';
import { OutlinePanel } from '../features/outline/outline-panel';
import { EditorPane } from '../features/editor/editor-pane';
import { ProblemsPanel } from '../features/lint/problems-panel';
import { PreviewPane } from '../features/preview/preview-pane';
import { GatewayControl } from '../features/gateway/gateway-control';
import { StatusBar } from '../features/status-bar/status-bar';
import { startDesignRunner } from '../features/lint/design-runner';
import { syncMarkers } from '../features/editor/markers';
import { syncEditorDiagnostics } from '../features/editor/editor-diagnostics';
import { registerRefNavigation } from '../features/editor/ref-definition';
import { configureSchemas } from '../features/editor/schemas';
import { LogoIcon } from '../ui/icons';
import { Resizer } from '../ui/resizer';
import { basename } from '../features/workspace/paths';

export function App() {
  const api = useApi();
  const ws = useMemo(() => new Workspace(api), [api]);
  const runner = useMemo(() => startDesignRunner(ws), [ws]);
  const info = useStore(ws.store, (s) => s.info);
  const error = useStore(ws.store, (s) => s.error);
  const [showPreview, setShowPreview] = useState(true);

  useEffect(() => {
    const stop = ws.start();
    const markers = syncMarkers(ws);
    const diagnostics = syncEditorDiagnostics(ws);
    const nav = registerRefNavigation(ws);
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void ws.save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      void stop.then((f) => f());
      markers();
      diagnostics();
      nav.forEach((d) => d.dispose());
      runner.stop();
      window.removeEventListener('keydown', onKey);
    };
  }, [ws, runner]);

  // Schemas follow the root document (its `openapi:` version decides 3.0 or 3.1).
  useEffect(() => {
    if (!info) return;
    const configure = () => {
      const model = ws.model(info.spec);
      if (model) configureSchemas(info.spec, model.getValue());
    };
    configure();
    return ws.store.subscribe(() => ws.store.get().tabs.includes(info.spec) && configure());
  }, [info, ws]);

  const name = info ? basename(info.root.replace(/[\\/]+$/, '')) : '';
  return (
    <div className={`layout${showPreview ? '' : ' no-preview'}`}>
      <header className="top-bar">
        <div className="brand">
          <LogoIcon /> <span>Portico</span>
        </div>
        <div className="crumbs" title={info?.root}>
          <span className="workspace-name" data-testid="workspace-name">{name || 'Opening…'}</span>
          {info && <span className="muted">/ {info.spec}</span>}
        </div>
        <div className="spacer" />
        <GatewayControl ws={ws} />
        <button className={`btn ghost${showPreview ? ' on' : ''}`} onClick={() => setShowPreview(!showPreview)} aria-pressed={showPreview}>
          Docs
        </button>
      </header>
      <aside className="sidebar">
        <div className="sidebar-section files">
          <div className="section-title">Files</div>
          <FileTree ws={ws} />
        </div>
        <div className="sidebar-section outline-section">
          <div className="section-title">Outline</div>
          <OutlinePanel ws={ws} />
        </div>
      </aside>
      <Resizer variable="--sidebar" axis="x" min={180} max={480} />
      <main className="center">
        {error ? <div className="fatal">Could not open the workspace: {error}</div> : <EditorPane ws={ws} />}
        <Resizer variable="--problems" axis="y" invert min={90} max={520} />
        <ProblemsPanel ws={ws} />
      </main>
      {showPreview && <Resizer variable="--preview" axis="x" invert min={280} max={1000} />}
      {showPreview && <PreviewPane ws={ws} preview={runner.preview} />}
      <StatusBar ws={ws} />
    </div>
  );
}
