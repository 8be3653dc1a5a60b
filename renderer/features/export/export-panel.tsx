// Export the design to a production gateway: choose a target, see the generated files (read-only Monaco, highlighted)
// and the report of what the target does not do as Portico does, then save the files into a folder. Unsaved editor
// text is exported too; the preview follows edits and files changed on disk while it is open.
import './export.css';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Api, ExportReportEntry, ExportTarget, Problem } from '../../../gateway/contract';
import { m } from '../editor/monaco';
import { useColorScheme } from '../../ui/use-color-scheme';
import type { Workspace } from '../workspace/workspace';
import { message } from '../workspace/workspace';

export const TARGETS: { id: ExportTarget; label: string; hint: string }[] = [
  { id: 'kong', label: 'Kong', hint: 'decK declarative config and the x-kong OpenAPI form' },
  { id: 'nginx', label: 'nginx', hint: 'a conf.d file for the http context, keys from a file' },
  { id: 'zuplo', label: 'Zuplo', hint: 'routes.oas.json and policies.json' },
  { id: 'krakend', label: 'KrakenD', hint: 'krakend.json, configuration version 3' },
];

interface Preview {
  files: { path: string; content: string }[];
  report: ExportReportEntry[];
  problems: Problem[];
}

/** The texts of the open tabs: the export sees what the editor shows, saved or not. */
function openTexts(ws: Workspace): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of ws.store.get().tabs) {
    const model = ws.model(path);
    if (model) out[path] = model.getValue();
  }
  return out;
}

function languageOf(path: string): string {
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'yaml';
  return 'plaintext';
}

export function ExportPanel({ api, ws, onClose }: { api: Api; ws: Workspace; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const viewer = useRef<ReturnType<typeof m.editor.create> | null>(null);
  const [target, setTarget] = useState<ExportTarget>('kong');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [file, setFile] = useState(0);
  const [folder, setFolder] = useState('export/kong');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [edits, setEdits] = useState(0);
  const scheme = useColorScheme();

  useEffect(() => {
    dialog.current?.showModal();
    const ed = m.editor.create(host.current!, {
      value: '',
      language: 'yaml',
      readOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 12.5,
      lineHeight: 19,
      fontFamily: "'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
    });
    viewer.current = ed;
    // Follow the editor: re-export a moment after the texts stop changing.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setEdits((n) => n + 1), 400);
    };
    const listeners = ws.store.get().tabs.map((path) => ws.model(path)?.onDidChangeContent(later));
    // And files changed on disk (another editor, a save): the export follows them too, once the workspace has had
    // the moment it needs to reload an open file's model (the preview sends open files' texts).
    const stopFiles = api.subscribe('files.changed', later);
    return () => {
      stopFiles();
      clearTimeout(timer);
      listeners.forEach((l) => l?.dispose());
      ed.getModel()?.dispose();
      ed.dispose();
    };
  }, [api, ws]);

  useEffect(() => {
    m.editor.setTheme(scheme === 'dark' ? 'portico-dark' : 'portico-light');
  }, [scheme]);

  useEffect(() => {
    let current = true;
    setError(null);
    api.call('export.preview', { target, overlays: openTexts(ws) }).then(
      (result) => {
        if (!current) return;
        setPreview(result);
        setFile((f) => (f < result.files.length ? f : 0));
      },
      (e) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [api, ws, target, edits]);

  const shown = preview?.files[file];
  useEffect(() => {
    const ed = viewer.current;
    if (!ed) return;
    const old = ed.getModel();
    ed.setModel(m.editor.createModel(shown?.content ?? '', shown ? languageOf(shown.path) : 'plaintext'));
    old?.dispose();
  }, [shown?.path, shown?.content, shown]);

  const choose = (next: ExportTarget) => {
    setTarget(next);
    setSaved(null);
    if (/^export\/[a-z]+$/.test(folder)) setFolder(`export/${next}`);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.call('export.save', { target, folder: folder.trim(), overlays: openTexts(ws) });
      if (result.problems.length > 0) setError(`The design does not compile: ${result.problems[0]!.message}`);
      else setSaved(`Wrote ${result.files.length} file${result.files.length === 1 ? '' : 's'} to ${result.folder}`);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  const report = preview?.report ?? [];
  const unsupported = report.filter((r) => r.kind === 'unsupported').length;
  return (
    <dialog ref={dialog} className="modal export-dialog" data-testid="export-dialog" aria-labelledby="export-dialog-title" onClose={onClose}>
      <header className="modal-header">
        <h2 id="export-dialog-title">Export to a production gateway</h2>
        <div className="segmented" role="radiogroup" aria-label="Target">
          {TARGETS.map((t) => (
            <button key={t.id} type="button" role="radio" aria-checked={target === t.id} className={target === t.id ? 'on' : ''} title={t.hint} data-target={t.id} onClick={() => choose(t.id)}>
              {t.label}
            </button>
          ))}
        </div>
      </header>
      <div className="export-body">
        <div className="export-files">
          <div className="export-file-tabs" role="tablist">
            {(preview?.files ?? []).map((f, i) => (
              <button key={f.path} type="button" role="tab" aria-selected={i === file} className={`export-file-tab${i === file ? ' on' : ''}`} data-path={f.path} onClick={() => setFile(i)}>
                {f.path}
              </button>
            ))}
          </div>
          <div ref={host} className="export-viewer" data-testid="export-viewer" data-path={shown?.path ?? ''} />
        </div>
        <section className="export-report" data-testid="export-report" aria-label="Export report">
          <div className="section-title">
            Report {preview && <span className="muted">{report.length === 0 ? '— everything is expressed' : `— ${unsupported} not expressed, ${report.length - unsupported} approximated`}</span>}
          </div>
          {preview?.problems.length ? (
            <ul className="export-problems" data-testid="export-problems">
              {preview.problems.map((p, i) => (
                <li key={i} className="text-error">{`${p.file}:${p.line}:${p.column} ${p.message}`}</li>
              ))}
            </ul>
          ) : (
            <ul className="export-report-list">
              {report.map((r, i) => (
                <li key={i} className={`export-entry ${r.kind}`} data-kind={r.kind} data-route={r.route} data-policy={r.policy}>
                  <div className="export-entry-head">
                    <span className={`badge ${r.kind}`}>{r.kind === 'unsupported' ? 'not expressed' : 'approximate'}</span> <code>{r.route}</code> <strong>{r.policy}</strong>
                  </div>
                  <div className="export-why">{r.why}</div>
                  <div className="export-instead">Instead: {r.instead}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {error && (
        <div className="modal-error" role="alert" data-testid="export-error">
          {error}
        </div>
      )}
      <form className="modal-footer export-footer" onSubmit={save}>
        <label className="field-label" htmlFor="export-folder">Folder</label>
        <input id="export-folder" data-testid="export-folder" value={folder} onChange={(e) => setFolder(e.target.value)} spellCheck={false} title="Relative to the workspace, or absolute" />
        <button type="submit" className="btn primary" disabled={busy || !folder.trim() || !preview || preview.problems.length > 0} data-testid="export-save">
          Save to folder
        </button>
        {saved && <span className="muted" data-testid="export-saved">{saved}</span>}
        <div className="spacer" />
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </form>
    </dialog>
  );
}
