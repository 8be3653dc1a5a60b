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
import { createDesignRunner } from '../features/lint/design-runner';
import { WorkspaceDialog } from '../features/workspace/workspace-dialog';
import { rememberWorkspace } from '../features/workspace/recents';
import { syncMarkers } from '../features/editor/markers';
import { syncEditorDiagnostics } from '../features/editor/editor-diagnostics';
import { registerRefNavigation } from '../features/editor/ref-definition';
import { configureSchemas, openapiVersion } from '../features/editor/schemas';
import { FolderOpenIcon, LogoIcon } from '../ui/icons';
import { Resizer } from '../ui/resizer';
import { basename } from '../features/workspace/paths';
import { InspectorViews, ViewSwitch, type View } from '../features/traffic/views';
import { ExportPanel } from '../features/export/export-panel';

/**
 * The app: one workspace view at a time. Opening another folder (or creating one) switches the engine first, then
 * replaces the whole view — file tree, tabs, models, lint, docs and gateway status start over on the new workspace.
 */
export function App() {
  const [generation, setGeneration] = useState(0);
  return <WorkspaceView key={generation} onSwitched={() => setGeneration((g) => g + 1)} />;
}

function WorkspaceView({ onSwitched }: { onSwitched: () => void }) {
  const api = useApi();
  const ws = useMemo(() => new Workspace(api), [api]);
  const runner = useMemo(() => createDesignRunner(ws), [ws]);
  const info = useStore(ws.store, (s) => s.info);
  const error = useStore(ws.store, (s) => s.error);
  const [showPreview, setShowPreview] = useState(true);
  const [dialog, setDialog] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [view, setView] = useState<View>('design');

  const root = info?.root;
  useEffect(() => {
    if (root) rememberWorkspace(root);
  }, [root]);

  const openDialog = () => {
    if (ws.hasUnsaved() && !window.confirm('Some files have unsaved changes. Switch workspace anyway? (They stay unsaved and are dropped.)')) return;
    setDialog(true);
  };

  useEffect(() => {
    const stop = ws.start();
    const stopRunner = runner.start();
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
      stopRunner();
      window.removeEventListener('keydown', onKey);
    };
  }, [ws, runner]);

  // Schemas follow the root document (its `openapi:` version decides 3.0 or 3.1).
  useEffect(() => {
    if (!info) return;
    const configure = () => {
      const model = ws.model(info.spec);
      if (model) configureSchemas(info.spec, openapiVersion(model));
    };
    configure();
    return ws.store.subscribe(() => ws.store.get().tabs.includes(info.spec) && configure());
  }, [info, ws]);

  const name = info ? basename(info.root.replace(/[\\/]+$/, '')) : '';
  return (
    <div className={`layout${showPreview ? '' : ' no-preview'}`} data-view={view}>
      <header className="top-bar">
        <div className="brand">
          <LogoIcon /> <span>Portico</span>
        </div>
        <button className="crumbs" title={info ? `${info.root} — open another folder or create one` : 'Open a folder'} onClick={openDialog} data-testid="workspace-switch" aria-haspopup="dialog">
          <FolderOpenIcon />
          <span className="workspace-name" data-testid="workspace-name">{name || (error ? 'No workspace' : 'Opening…')}</span>
          {info && <span className="muted">/ {info.spec || 'no design'}</span>}
          <span className="crumbs-caret" aria-hidden>▾</span>
        </button>
        <ViewSwitch view={view} onChange={setView} />
        <div className="spacer" />
        <GatewayControl ws={ws} />
        <button className="btn ghost" onClick={() => setExporting(true)} disabled={!info?.spec} data-testid="export-open" aria-haspopup="dialog" title="Export the design to Kong, nginx, Zuplo or KrakenD">
          Export
        </button>
        {view === 'design' && (
          <button className={`btn ghost${showPreview ? ' on' : ''}`} onClick={() => setShowPreview(!showPreview)} aria-pressed={showPreview}>
            Docs
          </button>
        )}
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
      <InspectorViews view={view} api={api} ws={ws} onShowDesign={() => setView('design')} />
      <StatusBar ws={ws} />
      {exporting && <ExportPanel api={api} ws={ws} onClose={() => setExporting(false)} />}
      {dialog && (
        <WorkspaceDialog
          api={api} 
          current={info?.root ?? ''}
          onClose={() => setDialog(false)}
          onSwitched={() => {
            // The engine has switched: drop this view's models, then mount a fresh view on the new workspace.
            ws.dispose();
            onSwitched();
          }}
        />
      )}
    </div>
  );
}
