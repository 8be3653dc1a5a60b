import { RpcError, type OverlayEdit } from '../contract/index.js';

/**
 * The unsaved texts the UI sent by reference (`OverlayEdit`): a 13 MB file is never sent whole after it was read, only
 * the changes made since a version the engine has: the file on disk (`disk:<version>`, as `files.read` named it) or
 * one sent before. A few versions per file are kept, so the lint and bundle calls of one edit can both name it.
 */

/** What the overlays need of the workspace: its files' texts and versions. */
export interface OverlayFiles {
  read(path: string): Promise<{ text: string; version: string }>;
}

const KEEP_PER_FILE = 3;

export class OverlayTexts {
  private readonly byPath = new Map<string, Map<string, string>>();

  /** Plain texts, by path; a reference the engine cannot resolve is a `conflict` (the UI then sends the whole text). */
  constructor(private readonly files: OverlayFiles) {}

  async resolve(overlays: Readonly<Record<string, string | OverlayEdit>>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [path, overlay] of Object.entries(overlays)) out[path] = typeof overlay === 'string' ? overlay : await this.text(path, overlay);
    return out;
  }

  private async text(path: string, overlay: OverlayEdit): Promise<string> {
    const versions = this.byPath.get(path);
    const known = versions?.get(overlay.id);
    if (overlay.text !== undefined) return this.remember(path, overlay.id, overlay.text);
    if (known !== undefined) return known;
    const base = overlay.base === undefined ? undefined : (versions?.get(overlay.base) ?? (await this.fromDisk(path, overlay.base)));
    if (base === undefined) throw new RpcError('conflict', `the engine does not have the version of ${path} these edits apply to: send its whole text`, { path });
    let text = base;
    for (const change of overlay.changes ?? []) {
      if (change.at + change.remove > text.length) throw new RpcError('conflict', `an edit of ${path} does not fit its text: send the whole text`, { path });
      text = text.slice(0, change.at) + change.text + text.slice(change.at + change.remove);
    }
    return this.remember(path, overlay.id, text);
  }

  private async fromDisk(path: string, base: string): Promise<string | undefined> {
    if (!base.startsWith('disk:')) return undefined;
    const file = await this.files.read(path).catch(() => undefined);
    return file && `disk:${file.version}` === base ? file.text : undefined;
  }

  private remember(path: string, id: string, text: string): string {
    let versions = this.byPath.get(path);
    if (!versions) this.byPath.set(path, (versions = new Map()));
    versions.delete(id);
    versions.set(id, text);
    while (versions.size > KEEP_PER_FILE) versions.delete(versions.keys().next().value!);
    return text;
  }
}
