// The open workspace: files, tabs, unsaved edits (Monaco models), disk versions and conflicts.
import type { GatewayStatus, OverlayEdit, Problem, WorkspaceInfo } from '../../../gateway/contract';
import { RpcError } from '../../../gateway/contract';
import { m, pathFor, uriFor } from '../editor/monaco';
import { languageFor } from '../editor/model-language';
import { createModelInSlices } from '../editor/large-model';
import type { editor } from 'monaco-editor';
import type { ClientApi } from '../../api/client';
import { Store } from './store';
import { relativeTo } from './paths';

export interface Reveal {
  path: string;
  line: number;
  column: number;
  nonce: number;
}

export interface WorkspaceState {
  info: WorkspaceInfo | null;
  error: string | null;
  tabs: string[];
  active: string | null;
  dirty: Record<string, boolean>;
  /** Files changed on disk while they had unsaved edits here. */
  conflicts: Record<string, boolean>;
  /** Bumped on every edit of any open document (drives lint, outline and preview). */
  edits: number;
  /** Bumped by every successful save (lint and the docs re-run at once: the gateway reloads from the same save). */
  saves: number;
  reveal: Reveal | null;
  /** `partial`: a large design's answer to an edit (what it touched, linted again); its full lint follows. */
  lint: { problems: Problem[]; running: boolean; durationMs: number | null; failed: string | null; partial: boolean };
  /** Diagnostics of the editor itself (YAML syntax, schema), for the open files. */
  editorProblems: Problem[];
  gateway: GatewayStatus | null;
  gatewayBusy: boolean;
  cursor: { line: number; column: number } | null;
  notice: { text: string; kind: 'info' | 'error' } | null;
}

interface Doc {
  model: editor.ITextModel;
  version: string;
  savedAlt: number;
  disk: { text: string; version: string } | null;
  /** The version of this text the engine was sent last (by `id`), and the changes made since (see `overlays`). */
  sent?: { id: string; versionId: number; edit?: OverlayEdit };
  changes: OverlayChange[];
  changedChars: number;
}

type OverlayChange = { at: number; remove: number; text: string };
/** Past this much changed text since the last whole send, the whole text is cheaper to send again. */
const MAX_CHANGED_CHARS = 256 * 1024;
const session = Math.random().toString(36).slice(2, 10);
let overlayIds = 0;

const initial: WorkspaceState = {
  info: null,
  error: null,
  tabs: [],
  active: null,
  dirty: {},
  conflicts: {},
  edits: 0,
  saves: 0,
  reveal: null,
  lint: { problems: [], running: false, durationMs: null, failed: null, partial: false },
  editorProblems: [],
  gateway: null,
  gatewayBusy: false,
  cursor: null,
  notice: null,
};

export class Workspace {
  readonly store = new Store<WorkspaceState>(initial);
  private docs = new Map<string, Doc>();
  private loading = new Map<string, Promise<Doc>>();
  private nonce = 0;
  private disposed = false;

  /**
   * Settles once the window has opened the root file (or failed to), has drawn it and been idle once. Work that can
   * wait (the design's lint and bundle in the engine, the docs frame's start) waits for it: on two cores it otherwise
   * ran beside the editor's creation and stretched that task past 200 ms (docs/scale.md, "Fifth session").
   */
  readonly opened: Promise<void>;
  private markOpened!: () => void;

  constructor(readonly api: ClientApi) {
    this.opened = new Promise<void>((resolve) => (this.markOpened = resolve)).then(paintedAndIdle);
  }

  async start() {
    const unsubscribe = [
      this.api.subscribe('gateway.changed', (gateway) => this.store.set({ gateway })),
      this.api.subscribe('files.changed', ({ paths }) => void this.onDiskChange(paths)),
    ];
    try {
      const info = await this.api.call('workspace.get', {});
      this.store.set({ info, error: null });
      await this.open(info.spec);
    } catch (e) {
      this.store.set({ error: message(e) });
    } finally {
      this.markOpened();
    }
    this.api.call('gateway.status', {}).then((gateway) => this.store.set({ gateway }), () => undefined);
    return () => unsubscribe.forEach((u) => u());
  }

  get root() {
    return this.store.get().info?.root ?? '';
  }
  get spec() {
    return this.store.get().info?.spec ?? '';
  }
  model(path: string) {
    return this.docs.get(path)?.model ?? null;
  }
  /** Normalises a problem's file to a workspace-relative path. */
  fileOf(problem: Problem) {
    return relativeTo(this.root, problem.file);
  }

  /** Loads a file into a model (once), without showing it. */
  ensure(path: string): Promise<Doc> {
    const have = this.docs.get(path);
    if (have) return Promise.resolve(have);
    let load = this.loading.get(path);
    if (!load) {
      load = this.api.call('files.read', { path }).then(async ({ text, version }) => {
        if (this.disposed) throw new Error('the workspace was closed');
        const existing = m.editor.getModel(uriFor(path));
        const model = existing ?? (await createModelInSlices(text, languageFor(path), uriFor(path)));
        if (this.disposed) {
          if (!existing) model.dispose();
          throw new Error('the workspace was closed');
        }
        if (existing) existing.setValue(text);
        // The engine can read this version from disk: edits are sent as changes to it (see `overlays`).
        const doc: Doc = { model, version, savedAlt: model.getAlternativeVersionId(), disk: null, changes: [], changedChars: 0, sent: { id: `disk:${version}`, versionId: model.getVersionId() } };
        model.onDidChangeContent((e) => {
          this.track(doc, e.changes);
          this.onEdit(path);
        });
        this.docs.set(path, doc);
        this.loading.delete(path);
        return doc;
      });
      load.catch(() => this.loading.delete(path));
      this.loading.set(path, load);
    }
    return load;
  }

  /** Opens a file in a tab (and optionally jumps to a position). */
  async open(path: string, at?: { line: number; column?: number }) {
    try {
      await this.ensure(path);
    } catch (e) {
      this.store.set({ notice: { text: `Could not open ${path}: ${message(e)}`, kind: 'error' } });
      return;
    }
    this.store.set((s) => ({
      tabs: s.tabs.includes(path) ? s.tabs : [...s.tabs, path],
      active: path,
      reveal: at ? { path, line: at.line, column: at.column ?? 1, nonce: ++this.nonce } : s.reveal,
    }));
  }

  /** Unsaved edits anywhere (asked about before the workspace is switched). */
  hasUnsaved() {
    return Object.values(this.store.get().dirty).some(Boolean);
  }

  /** Drops every model of this workspace: the next one may have files with the same relative paths. */
  dispose() {
    this.disposed = true;
    for (const doc of this.docs.values()) doc.model.dispose();
    this.docs.clear();
    this.loading.clear();
  }

  activate(path: string) {
    this.store.set({ active: path });
  }

  close(path: string) {
    const s = this.store.get();
    if (s.dirty[path] && !window.confirm(`Discard unsaved changes to ${path}?`)) return;
    const doc = this.docs.get(path);
    if (doc && s.dirty[path] && path === this.spec) {
      // The root document stays loaded (lint, outline, schemas): back to the saved text.
      void this.api.call('files.read', { path }).then((disk) => {
        this.replaceText(doc, disk.text);
        doc.version = disk.version;
        doc.savedAlt = doc.model.getAlternativeVersionId();
        this.onDisk(doc);
        this.store.set((st) => ({ dirty: { ...st.dirty, [path]: false } }));
      });
    }
    const i = s.tabs.indexOf(path);
    const tabs = s.tabs.filter((t) => t !== path);
    const active = s.active === path ? (tabs[Math.min(i, tabs.length - 1)] ?? null) : s.active;
    this.store.set({ tabs, active, dirty: { ...s.dirty, [path]: false }, conflicts: { ...s.conflicts, [path]: false } });
    if (doc && path !== this.spec) {
      this.docs.delete(path);
      doc.model.dispose();
    }
  }

  /**
   * Unsaved texts, which lint and the docs preview see instead of the files on disk: by reference (`OverlayEdit`).
   * A file's whole text goes to the engine once; after that only the edits made since the version it has, so typing
   * in a 13 MB file does not copy, serialize and upload 13 MB after every pause (seconds of this thread, measured).
   */
  overlays(): Record<string, OverlayEdit> {
    const out: Record<string, OverlayEdit> = {};
    for (const [path, doc] of this.docs) {
      if (doc.model.getAlternativeVersionId() === doc.savedAlt) continue;
      const versionId = doc.model.getVersionId();
      // The same reference for the same version, changes included: lint and the docs may reach the engine in either order.
      if (doc.sent?.versionId === versionId && doc.sent.edit) {
        out[path] = doc.sent.edit;
        continue;
      }
      const id = `${session}-${++overlayIds}`;
      const edit: OverlayEdit = doc.sent ? { id, base: doc.sent.id, changes: doc.changes } : { id, text: doc.model.getValue() };
      out[path] = edit;
      // A whole text is sent once; after that, its id names it.
      doc.sent = { id, versionId, edit: edit.text === undefined ? edit : { id } };
      doc.changes = [];
      doc.changedChars = 0;
    }
    return out;
  }

  /** The engine did not have a version we referred to (it restarted, say): send whole texts next time. */
  resendOverlays() {
    for (const doc of this.docs.values()) this.forget(doc);
  }

  private track(doc: Doc, changes: readonly { rangeOffset: number; rangeLength: number; text: string }[]) {
    if (!doc.sent) return;
    for (const c of changes) {
      doc.changes.push({ at: c.rangeOffset, remove: c.rangeLength, text: c.text });
      doc.changedChars += c.text.length;
    }
    if (doc.changedChars > MAX_CHANGED_CHARS) this.forget(doc);
  }

  /** The doc now holds the text on disk (a reload, a save): later edits are changes to that version. */
  private onDisk(doc: Doc) {
    this.forget(doc);
    doc.sent = { id: `disk:${doc.version}`, versionId: doc.model.getVersionId() };
  }

  private forget(doc: Doc) {
    delete doc.sent;
    doc.changes = [];
    doc.changedChars = 0;
  }

  async save(path = this.store.get().active, force = false) {
    if (!path) return;
    const doc = this.docs.get(path);
    if (!doc) return;
    const text = doc.model.getValue();
    const alt = doc.model.getAlternativeVersionId();
    const versionId = doc.model.getVersionId();
    try {
      const { version } = await this.api.call('files.write', { path, text, ...(force ? {} : { expectedVersion: doc.version }) });
      doc.version = version;
      doc.savedAlt = alt;
      doc.disk = null;
      // Unchanged since it was written: later edits are changes to the file on disk.
      if (doc.model.getVersionId() === versionId) {
        this.forget(doc);
        doc.sent = { id: `disk:${version}`, versionId };
      }
      this.store.set((s) => ({
        dirty: { ...s.dirty, [path]: doc.model.getAlternativeVersionId() !== alt },
        conflicts: { ...s.conflicts, [path]: false },
        saves: s.saves + 1,
        notice: { text: `Saved ${path}`, kind: 'info' },
      }));
    } catch (e) {
      if (e instanceof RpcError && e.code === 'conflict') {
        const disk = await this.api.call('files.read', { path }).catch(() => null);
        doc.disk = disk && { text: disk.text, version: disk.version };
        this.store.set((s) => ({ conflicts: { ...s.conflicts, [path]: true } }));
      } else this.store.set({ notice: { text: `Could not save ${path}: ${message(e)}`, kind: 'error' } });
    }
  }

  /** "Reload from disk": take the disk's text (undoable), drop the conflict. */
  reloadFromDisk(path: string) {
    const doc = this.docs.get(path);
    if (!doc?.disk) return;
    this.replaceText(doc, doc.disk.text);
    doc.version = doc.disk.version;
    doc.savedAlt = doc.model.getAlternativeVersionId();
    this.onDisk(doc);
    doc.disk = null;
    this.store.set((s) => ({ dirty: { ...s.dirty, [path]: false }, conflicts: { ...s.conflicts, [path]: false } }));
  }

  /** "Keep mine": stay dirty; the next save overwrites the disk's version on purpose. */
  keepMine(path: string) {
    const doc = this.docs.get(path);
    if (!doc) return;
    if (doc.disk) doc.version = doc.disk.version;
    doc.disk = null;
    this.store.set((s) => ({ conflicts: { ...s.conflicts, [path]: false } }));
  }

  private replaceText(doc: Doc, text: string) {
    const model = doc.model;
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
    model.pushStackElement();
  }

  private onEdit(path: string) {
    const doc = this.docs.get(path);
    if (!doc) return;
    const dirty = doc.model.getAlternativeVersionId() !== doc.savedAlt;
    this.store.set((s) => ({ edits: s.edits + 1, ...(s.dirty[path] !== dirty ? { dirty: { ...s.dirty, [path]: dirty } } : {}) }));
  }

  private async onDiskChange(paths: string[]) {
    this.api.call('workspace.get', {}).then((info) => this.store.set({ info }), () => undefined);
    for (const raw of paths) {
      const path = relativeTo(this.root, raw);
      const doc = this.docs.get(path);
      if (!doc) continue;
      const disk = await this.api.call('files.read', { path }).catch(() => null);
      if (!disk || disk.version === doc.version) continue;
      const clean = doc.model.getAlternativeVersionId() === doc.savedAlt;
      if (disk.text === doc.model.getValue()) {
        doc.version = disk.version;
        doc.savedAlt = doc.model.getAlternativeVersionId();
        this.store.set((s) => ({ dirty: { ...s.dirty, [path]: false } }));
      } else if (clean) {
        this.replaceText(doc, disk.text);
        doc.version = disk.version;
        doc.savedAlt = doc.model.getAlternativeVersionId();
        this.onDisk(doc);
        this.store.set((s) => ({ dirty: { ...s.dirty, [path]: false }, notice: { text: `Reloaded ${path} (changed on disk)`, kind: 'info' } }));
      } else {
        doc.disk = { text: disk.text, version: disk.version };
        this.store.set((s) => ({ conflicts: { ...s.conflicts, [path]: true } }));
      }
    }
  }

  async gatewayToggle() {
    const running = this.store.get().gateway?.state === 'running';
    this.store.set({ gatewayBusy: true });
    try {
      const gateway = await this.api.call(running ? 'gateway.stop' : 'gateway.start', {});
      this.store.set({ gateway });
    } catch (e) {
      this.store.set({ notice: { text: `Gateway: ${message(e)}`, kind: 'error' } });
    } finally {
      this.store.set({ gatewayBusy: false });
    }
  }

  pathOfModel(model: editor.ITextModel) {
    return pathFor(model.uri);
  }
}

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** After the next frame (the editor draws the model it was just given) and the first idle moment after it. */
function paintedAndIdle(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestIdleCallback(() => resolve(), { timeout: 1_000 })));
}
