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
  /** Versions by path, then id: promises, so a call that names a version another call is still building waits for it. */
  private readonly byPath = new Map<string, Map<string, Promise<string>>>();

  constructor(private readonly files: OverlayFiles) {}

  async resolve(overlays: Readonly<Record<string, string | OverlayEdit>>): Promise<Record<string, string>> {
    const entries = Object.entries(overlays).map(([path, overlay]) => [path, typeof overlay === 'string' ? overlay : this.text(path, overlay)] as const);
    const out: Record<string, string> = {};
    for (const [path, text] of entries) out[path] = await text;
    return out;
  }

  private text(path: string, overlay: OverlayEdit): Promise<string> {
    let versions = this.byPath.get(path);
    if (!versions) this.byPath.set(path, (versions = new Map()));
    if (overlay.text !== undefined) return this.remember(versions, overlay.id, Promise.resolve(overlay.text));
    const known = versions.get(overlay.id);
    if (known) return known;
    const base = overlay.base === undefined ? undefined : versions.get(overlay.base);
    const built = (base ?? this.fromDisk(path, overlay.base)).then((text) => {
      if (text === undefined) throw new RpcError('conflict', `the engine does not have the version of ${path} these edits apply to: send its whole text`, { path });
      for (const change of overlay.changes ?? []) {
        if (change.at + change.remove > text.length) throw new RpcError('conflict', `an edit of ${path} does not fit its text: send the whole text`, { path });
        text = text.slice(0, change.at) + change.text + text.slice(change.at + change.remove);
      }
      return text;
    });
    // A version that could not be built is not kept: the UI sends the whole text next.
    built.catch(() => versions.get(overlay.id) === built && versions.delete(overlay.id));
    return this.remember(versions, overlay.id, built);
  }

  private async fromDisk(path: string, base: string | undefined): Promise<string | undefined> {
    if (base === undefined || !base.startsWith('disk:')) return undefined;
    const file = await this.files.read(path).catch(() => undefined);
    return file && `disk:${file.version}` === base ? file.text : undefined;
  }

  private remember(versions: Map<string, Promise<string>>, id: string, text: Promise<string>): Promise<string> {
    versions.delete(id);
    versions.set(id, text);
    while (versions.size > KEEP_PER_FILE) versions.delete(versions.keys().next().value!);
    return text;
  }
}
