// Open another folder, or create one from a template. Browser mode has no native folder picker: a path field and the
// recent folders; in the desktop app, "Browse…" asks the OS. Once the engine has switched, `onSwitched` resets the UI.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Api, TemplateInfo, WorkspaceInfo } from '../../../gateway/contract';
import { message } from './workspace';
import { forgetWorkspace, nativeApi, recentWorkspaces, rememberWorkspace } from './recents';
import { basename, dirname } from './paths';

type Mode = 'open' | 'create';

export function WorkspaceDialog({ api, current, onClose, onSwitched }: { api: Api; current: string; onClose: () => void; onSwitched: (info: WorkspaceInfo) => void }) {
  const [mode, setMode] = useState<Mode>('open');
  const [folder, setFolder] = useState('');
  const [target, setTarget] = useState(() => (current ? `${dirname(current.replace(/\\/g, '/'))}/my-api` : ''));
  const [recents, setRecents] = useState<string[]>([]);
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [template, setTemplate] = useState('blank');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const native = nativeApi();

  useEffect(() => {
    dialog.current?.showModal();
    void recentWorkspaces().then((list) => setRecents(list.filter((f) => f !== current)));
    api.call('workspace.templates', {}).then(
      ({ templates }) => {
        setTemplates(templates);
        if (templates.length > 0 && !templates.some((t) => t.id === 'blank')) setTemplate(templates[0]!.id);
      },
      (e) => setError(message(e)),
    );
  }, [api, current]);

  const run = async (work: () => Promise<WorkspaceInfo>) => {
    setBusy(true);
    setError(null);
    try {
      const info = await work();
      rememberWorkspace(info.root);
      onSwitched(info);
    } catch (e) {
      setError(message(e));
      setBusy(false);
    }
  };
  const open = (path: string) => run(() => api.call('workspace.open', { folder: path.trim() }));
  const browse = async () => {
    const chosen = await native?.openFolder();
    if (chosen) await open(chosen);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'open') {
      if (folder.trim()) void open(folder);
    } else if (target.trim()) void run(() => api.call('workspace.create', { folder: target.trim(), template }));
  };

  return (
    <dialog ref={dialog} className="modal workspace-dialog" data-testid="workspace-dialog" aria-labelledby="workspace-dialog-title" onClose={onClose} onCancel={(e) => busy && e.preventDefault()}>
      <form onSubmit={submit}>
        <header className="modal-header">
          <h2 id="workspace-dialog-title">Workspace</h2>
          <div className="segmented" role="tablist" aria-label="Open or create">
            <button type="button" role="tab" aria-selected={mode === 'open'} className={mode === 'open' ? 'on' : ''} onClick={() => setMode('open')}>
              Open folder
            </button>
            <button type="button" role="tab" aria-selected={mode === 'create'} className={mode === 'create' ? 'on' : ''} onClick={() => setMode('create')}>
              New from template
            </button>
          </div>
        </header>

        {mode === 'open' ? (
          <div className="modal-body">
            <label className="field">
              <span className="field-label">Folder</span>
              <span className="field-row">
                <input
                  autoFocus
                  name="folder"
                  value={folder}
                  onChange={(e) => setFolder(e.target.value)}
                  placeholder="/path/to/your/api"
                  spellCheck={false}
                  autoComplete="off"
                  data-testid="open-folder-path"
                />
                {native && (
                  <button type="button" className="btn" onClick={() => void browse()} disabled={busy}>
                    Browse…
                  </button>
                )}
              </span>
              <span className="field-hint">An absolute path on this machine. Its openapi.yaml (or the first OpenAPI document found) becomes the design.</span>
            </label>
            <div className="field">
              <span className="field-label">Recent</span>
              {recents.length === 0 ? (
                <div className="recent-empty muted">Folders you open appear here.</div>
              ) : (
                <ul className="recent-list" data-testid="recent-workspaces">
                  {recents.map((path) => (
                    <li key={path} className="recent-item">
                      <button type="button" className="recent-open" onClick={() => void open(path)} disabled={busy} title={path}>
                        <span className="recent-name">{basename(path.replace(/[\\/]+$/, ''))}</span>
                        <span className="recent-path">{path}</span>
                      </button>
                      {!native && (
                        <button
                          type="button"
                          className="recent-forget"
                          aria-label={`Forget ${path}`}
                          onClick={() => {
                            forgetWorkspace(path);
                            setRecents(recents.filter((f) => f !== path));
                          }}
                        >
                          ×
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        ) : (
          <div className="modal-body">
            <div className="field">
              <span className="field-label">Template</span>
              <div className="template-grid" role="radiogroup" aria-label="Template">
                {templates === null && <div className="muted">Loading templates…</div>}
                {templates?.map((t) => (
                  <button
                    type="button"
                    key={t.id}
                    role="radio"
                    aria-checked={template === t.id}
                    className={`template-card${template === t.id ? ' on' : ''}`}
                    onClick={() => setTemplate(t.id)}
                    data-template={t.id}
                  >
                    <span className="template-title">{t.title}</span>
                    <span className="template-description">{t.description}</span>
                  </button>
                ))}
              </div>
            </div>
            <label className="field">
              <span className="field-label">New folder</span>
              <input name="target" value={target} onChange={(e) => setTarget(e.target.value)} placeholder="/path/to/new-api" spellCheck={false} autoComplete="off" data-testid="create-folder-path" />
              <span className="field-hint">Created if missing; an existing folder must be empty.</span>
            </label>
          </div>
        )}

        {error && (
          <div className="modal-error" role="alert" data-testid="workspace-dialog-error">
            {error}
          </div>
        )}
        <footer className="modal-footer">
          <span className="muted current" title={current}>
            Current: {current || '—'}
          </span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={() => dialog.current?.close()} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy || (mode === 'open' ? !folder.trim() : !target.trim() || !templates?.length)} data-testid="workspace-dialog-submit">
            {busy ? (mode === 'open' ? 'Opening…' : 'Creating…') : mode === 'open' ? 'Open' : 'Create and open'}
          </button>
        </footer>
      </form>
    </dialog>
  );
}
